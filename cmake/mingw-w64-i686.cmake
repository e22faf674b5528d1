# Cross-compiles for 32-bit Windows (x86) with Debian's mingw-w64 (i686-w64-mingw32-gcc, package
# gcc-mingw-w64-i686) and runs every test under 32-bit Wine through wine32-run.sh, with a Wine
# prefix inside the build folder.
#
#   cmake -S . -B build/win32 --toolchain cmake/mingw-w64-i686.cmake
#
# 32-bit Wine: the host's own `wine` where it runs 32-bit programs; else (Debian with only
# wine64, as here: installing wine32:i386 breaks the 64-bit Wine) a private copy of Debian's
# i386 Wine that scripts/fetch-wine32 unpacks (never installs), whose 32-bit loader runs natively
# where the kernel runs i386 code and under qemu-i386 where it does not. See wine32-run.sh.

set(CMAKE_SYSTEM_PROCESSOR x86)

if(NOT PORTSOCK_MINGW_PREFIX)
    set(PORTSOCK_MINGW_PREFIX i686-w64-mingw32)
endif()

set(CMAKE_C_COMPILER ${PORTSOCK_MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${PORTSOCK_MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${PORTSOCK_MINGW_PREFIX}-windres)

set(PORTSOCK_WINE_RUNNER wine32-run.sh)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
