# Cross-compiles for 64-bit Windows with Debian's mingw-w64 (x86_64-w64-mingw32-gcc) and runs
# every test (and anything else CMake runs as a target program) under Wine through
# wine-run.sh, with a Wine prefix kept inside the build folder.
#
#   cmake -S . -B build/win --toolchain cmake/mingw-w64-x86_64.cmake
#
# The compiler prefix can be changed with -DPORTSOCK_MINGW_PREFIX=... (e.g. for a
# different triplet); everything else follows from it.

set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT PORTSOCK_MINGW_PREFIX)
    set(PORTSOCK_MINGW_PREFIX x86_64-w64-mingw32)
endif()

set(CMAKE_C_COMPILER ${PORTSOCK_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${PORTSOCK_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${PORTSOCK_MINGW_PREFIX}-windres)

set(PORTSOCK_WINE_RUNNER wine-run.sh)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
