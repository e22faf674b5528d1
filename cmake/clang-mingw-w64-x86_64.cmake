# Cross-compiles for 64-bit Windows with Debian's clang (a second compiler for the Windows code,
# beside mingw-w64 gcc), using the mingw-w64 headers, import libraries and C runtime, and runs
# every test under Wine through wine-run.sh, as cmake/mingw-w64-x86_64.cmake does.
#
#   cmake -S . -B build/winclang --toolchain cmake/clang-mingw-w64-x86_64.cmake
#
# clang finds the mingw-w64 sysroot (/usr/x86_64-w64-mingw32) and links with the mingw-w64
# binutils, but Debian keeps libgcc (which the mingw-w64 C runtime needs) in gcc's own folder:
# that folder is asked of the mingw-w64 gcc and added to the link.

set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT PORTSOCK_MINGW_PREFIX)
    set(PORTSOCK_MINGW_PREFIX x86_64-w64-mingw32)
endif()

# The target goes in the flags, not only in CMAKE_C_COMPILER_TARGET: the consumer test compiles
# a program with the compiler and CMAKE_C_FLAGS alone, as a user of pkg-config would.
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${PORTSOCK_MINGW_PREFIX})
set(CMAKE_C_FLAGS_INIT "--target=${PORTSOCK_MINGW_PREFIX}")
set(CMAKE_RC_COMPILER ${PORTSOCK_MINGW_PREFIX}-windres)
# The mingw-w64 binutils read and write PE files (the host's may not): the archive tools, and
# nm/objdump for the test exports.
set(CMAKE_AR ${PORTSOCK_MINGW_PREFIX}-ar CACHE FILEPATH "archiver")
set(CMAKE_RANLIB ${PORTSOCK_MINGW_PREFIX}-ranlib CACHE FILEPATH "ranlib")
set(CMAKE_NM ${PORTSOCK_MINGW_PREFIX}-nm CACHE FILEPATH "nm")
set(CMAKE_OBJDUMP ${PORTSOCK_MINGW_PREFIX}-objdump CACHE FILEPATH "objdump")

execute_process(COMMAND ${PORTSOCK_MINGW_PREFIX}-gcc -print-libgcc-file-name
                OUTPUT_VARIABLE portsock_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE portsock_libgcc_rc)
if(NOT portsock_libgcc_rc EQUAL 0 OR NOT EXISTS "${portsock_libgcc}")
    message(FATAL_ERROR "clang-mingw-w64: ${PORTSOCK_MINGW_PREFIX}-gcc cannot say where libgcc is "
                        "(install gcc-mingw-w64-x86-64)")
endif()
get_filename_component(portsock_libgcc_dir "${portsock_libgcc}" DIRECTORY)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${portsock_libgcc_dir}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-L${portsock_libgcc_dir}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-L${portsock_libgcc_dir}")

set(PORTSOCK_WINE_RUNNER wine-run.sh)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
