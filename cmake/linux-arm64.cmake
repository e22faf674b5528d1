# Cross-compiles for 64-bit ARM Linux (aarch64, glibc) and runs the tests under qemu-aarch64.
#
#   cmake -S . -B build/arm64 --toolchain cmake/linux-arm64.cmake
#
# Debian 12: apt-get install clang binutils-aarch64-linux-gnu libc6-dev-arm64-cross
# libgcc-12-dev-arm64-cross qemu-user (or gcc-aarch64-linux-gnu instead of the first three).
# See linux-cross-common.cmake for the options.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PORTSOCK_CROSS_TRIPLET aarch64-linux-gnu)
set(PORTSOCK_CROSS_QEMU qemu-aarch64)
set(PORTSOCK_CROSS_SYSROOT /usr/aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross-common.cmake)
