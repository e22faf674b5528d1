# Cross-compiles for 64-bit Windows with Debian's mingw-w64 (x86_64-w64-mingw32-gcc) and runs
# every test (and anything else CMake runs as a target program) under Wine through
# wine-run.sh, with a Wine prefix kept inside the build folder.
#
#   cmake -S . -B build/win --toolchain cmake/mingw-w64-x86_64.cmake
#
# The compiler prefix can be changed with -DPORTSOCK_MINGW_PREFIX=... (e.g. for a
# different triplet); everything else follows from it.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT PORTSOCK_MINGW_PREFIX)
    set(PORTSOCK_MINGW_PREFIX x86_64-w64-mingw32)
endif()

set(CMAKE_C_COMPILER ${PORTSOCK_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${PORTSOCK_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${PORTSOCK_MINGW_PREFIX}-windres)

# Look for libraries and headers only in the target's sysroot, for programs only on the host.
set(CMAKE_FIND_ROOT_PATH /usr/${PORTSOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Each test command becomes: wine-run.sh --prefix <build>/wineprefix <test.exe> <args...>.
# The wrapper creates the prefix once (under a lock), starts the wine server outside any pipe
# and returns the program's exit code.
set(CMAKE_CROSSCOMPILING_EMULATOR
    "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh;--prefix;${CMAKE_BINARY_DIR}/wineprefix")
