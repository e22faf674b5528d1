# Cross-compiles for IBM Z Linux (s390x, 64-bit big-endian, glibc) and runs the tests under
# qemu-s390x: the big-endian target of the matrix.
#
#   cmake -S . -B build/s390x --toolchain cmake/linux-s390x.cmake
#
# Debian 12: apt-get install clang binutils-s390x-linux-gnu libc6-dev-s390x-cross
# libgcc-12-dev-s390x-cross qemu-user (or gcc-s390x-linux-gnu instead of the first three).
# See linux-cross-common.cmake for the options.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(PORTSOCK_CROSS_TRIPLET s390x-linux-gnu)
set(PORTSOCK_CROSS_QEMU qemu-s390x)
set(PORTSOCK_CROSS_SYSROOT /usr/s390x-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
