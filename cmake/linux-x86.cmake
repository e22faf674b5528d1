# Builds for 32-bit x86 Linux (i686, glibc) with the host's gcc -m32 (Debian: gcc-multilib).
#
#   cmake -S . -B build/x86 --toolchain cmake/linux-x86.cmake
#
# Where the host's kernel runs 32-bit code (IA-32 emulation on: the i386 loader of libc6-i386
# answers), the tests run natively. Where it does not ("Exec format error"), they run under
# qemu-i386 with the host's tree as its library root; qemu-i386 7.2 shares one thread-local
# segment between threads, so multi-threaded tests fail now and then there (see
# docs/platforms.md). -DPORTSOCK_CROSS_EMULATOR=... forces a choice (OFF: native).
#
# Debian 12: apt-get install gcc-multilib qemu-user. See linux-cross-common.cmake.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(PORTSOCK_CROSS_TRIPLET i386-linux-gnu)
set(PORTSOCK_CROSS_QEMU qemu-i386)
# The i386 libraries of gcc-multilib (libc6-i386) live in the host's own tree.
set(PORTSOCK_CROSS_SYSROOT /)
if(NOT PORTSOCK_CROSS_CC)
    set(PORTSOCK_CROSS_CC gcc)
endif()
if(NOT DEFINED PORTSOCK_CROSS_EMULATOR)
    execute_process(COMMAND /lib/ld-linux.so.2 --version RESULT_VARIABLE portsock_i386_rc
                    OUTPUT_QUIET ERROR_QUIET)
    if(portsock_i386_rc EQUAL 0)
        set(PORTSOCK_CROSS_EMULATOR OFF)
    endif()
endif()
if(DEFINED PORTSOCK_CROSS_EMULATOR AND NOT PORTSOCK_CROSS_EMULATOR)
    set(PORTSOCK_CROSS_NATIVE ON)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
set(CMAKE_C_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
