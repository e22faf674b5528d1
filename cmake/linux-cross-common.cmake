# Shared part of the Linux cross toolchain files (linux-arm64.cmake, linux-s390x.cmake,
# linux-x86.cmake): include it after setting
#
#   PORTSOCK_CROSS_TRIPLET   the GNU triplet, e.g. aarch64-linux-gnu
#   PORTSOCK_CROSS_QEMU      the qemu-user program that runs the target's code, e.g. qemu-aarch64
#   PORTSOCK_CROSS_SYSROOT   where the target's C library lives (Debian: /usr/<triplet>)
#
# The compiler: <triplet>-gcc when installed (Debian's gcc-<triplet>), else clang with
# --target=<triplet>, which needs only the target's binutils, libgcc and libc6-dev cross
# packages (Debian's gcc cross compilers and gcc-multilib conflict, so scripts/install-deps
# takes the clang road). -DPORTSOCK_CROSS_CC=... picks another compiler.
#
# Programs that CMake runs for the target (ctest's tests, try_run) run under qemu-user with the
# sysroot as its library root (-L), unless -DPORTSOCK_CROSS_EMULATOR=... names another command
# (a ;-list) or OFF (a host that runs the target's code itself).

# A host that runs the target's code itself (linux-x86.cmake sets PORTSOCK_CROSS_NATIVE when the
# kernel runs i386 code) builds as a native build: the tests and consumer programs run directly.
if(NOT PORTSOCK_CROSS_NATIVE)
    set(CMAKE_SYSTEM_NAME Linux)
endif()

if(NOT PORTSOCK_CROSS_CC)
    find_program(portsock_cross_gcc ${PORTSOCK_CROSS_TRIPLET}-gcc)
    if(portsock_cross_gcc)
        set(PORTSOCK_CROSS_CC ${portsock_cross_gcc})
    else()
        set(PORTSOCK_CROSS_CC clang)
    endif()
endif()
set(CMAKE_C_COMPILER ${PORTSOCK_CROSS_CC})
if(PORTSOCK_CROSS_CC MATCHES "clang")
    # In the flags rather than CMAKE_C_COMPILER_TARGET, so that anything handed CMAKE_C_FLAGS
    # (the consumer tests' plain compiler call) builds for the target too.
    set(CMAKE_C_FLAGS_INIT "--target=${PORTSOCK_CROSS_TRIPLET}")
    find_program(portsock_cross_ar ${PORTSOCK_CROSS_TRIPLET}-ar)
    if(portsock_cross_ar)
        set(CMAKE_AR ${portsock_cross_ar} CACHE FILEPATH "")
    endif()
endif()

set(CMAKE_FIND_ROOT_PATH ${PORTSOCK_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# try_compile projects read this file again: they must make the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PORTSOCK_CROSS_CC PORTSOCK_CROSS_EMULATOR)

if(NOT DEFINED PORTSOCK_CROSS_EMULATOR)
    set(PORTSOCK_CROSS_EMULATOR ${PORTSOCK_CROSS_QEMU} -L ${PORTSOCK_CROSS_SYSROOT})
endif()
if(PORTSOCK_CROSS_EMULATOR)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${PORTSOCK_CROSS_EMULATOR})
endif()
