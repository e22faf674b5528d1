# Builds for 32-bit x86 Linux (i686, glibc) with the host's gcc -m32 (Debian: gcc-multilib) and
# runs the tests under qemu-i386, for hosts whose kernel runs no 32-bit code (IA-32 emulation
# off: "Exec format error"). On a host that runs 32-bit code, -DPORTSOCK_CROSS_EMULATOR=OFF
# runs them directly.
#
#   cmake -S . -B build/x86 --toolchain cmake/linux-x86.cmake
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
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
set(CMAKE_C_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
