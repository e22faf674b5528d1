# Shared part of the Windows toolchain files (mingw-w64-x86_64.cmake, mingw-w64-i686.cmake,
# clang-mingw-w64-x86_64.cmake): include it after setting
#
#   PORTSOCK_MINGW_PREFIX   the mingw-w64 triplet, e.g. x86_64-w64-mingw32 (its sysroot is
#                           /usr/<triplet> on Debian)
#   PORTSOCK_WINE_RUNNER    the script that runs a Windows program under Wine (wine-run.sh, or
#                           wine32-run.sh for 32-bit programs), beside this file
#
# Libraries and headers are looked for only in the target's sysroot, programs only on the host;
# every test command (and anything else CMake runs as a target program) becomes
# <runner> --prefix <build>/wineprefix <program.exe> <args...>: the runner creates the Wine prefix
# once (under a lock), starts the wine server outside any pipe and returns the program's exit code.

set(CMAKE_SYSTEM_NAME Windows)

set(CMAKE_FIND_ROOT_PATH /usr/${PORTSOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR
    "${CMAKE_CURRENT_LIST_DIR}/${PORTSOCK_WINE_RUNNER};--prefix;${CMAKE_BINARY_DIR}/wineprefix")
