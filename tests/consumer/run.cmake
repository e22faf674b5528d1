# The consumer tests: another project picks up portsock the way a user would, builds
# roundtrip.c against it and runs it (a loopback round trip), on the target being tested (under
# Wine for the Windows cross build). Registered by tests/ecosystem.cmake, one ctest test per mode:
#
#   install        cmake --install of the build into WORK/prefix (the others need it: a fixture)
#   find_package   the CMake project find_package/ against WORK/prefix
#   pkgconfig      the compiler alone, with the flags `pkg-config --cflags --libs portsock` gives
#   fetchcontent   the CMake project fetchcontent/, which builds portsock from source inside it
#
#   cmake -DMODE=... -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [options] -P run.cmake
#
# Options describe the build under test, so that the consumer is built the same way: CONFIG,
# LIBDIR (CMAKE_INSTALL_LIBDIR), GENERATOR, GENERATOR_PLATFORM, MAKE_PROGRAM, C_COMPILER,
# C_COMPILER_ID, C_FLAGS, EXE_LINKER_FLAGS, BUILD_TYPE, TOOLCHAIN_FILE, CROSSCOMPILING,
# TARGET_WINDOWS (the build is for Windows: .exe, DLL, Winsock libraries; a cross build may be
# for another Linux), EMULATOR ('|' between its words), LIBRARY_TYPE (STATIC_LIBRARY /
# SHARED_LIBRARY), PKG_CONFIG.
# A test that cannot run here prints "portsock-test-skip: WHY" (ctest reports it skipped).
cmake_minimum_required(VERSION 3.25)

foreach(var MODE BUILD_DIR SOURCE_DIR WORK_DIR)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run.cmake: -D${var}=... is needed")
    endif()
endforeach()
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
if(NOT DEFINED TARGET_WINDOWS OR "${TARGET_WINDOWS}" STREQUAL "")
    set(TARGET_WINDOWS OFF)
    if(CMAKE_HOST_WIN32)
        set(TARGET_WINDOWS ON)
    endif()
endif()
if(NOT LIBDIR)
    set(LIBDIR lib)
endif()
set(prefix ${WORK_DIR}/prefix)
set(libdir ${prefix}/${LIBDIR})
set(work ${WORK_DIR}/${MODE})

# A macro: its return() ends the script (ctest sees the line and reports "skipped").
macro(skip why)
    message("portsock-test-skip: ${why}")
    return()
endmacro()

# step(NAME COMMAND...): runs a command, shows it and its time, fails the test when it fails.
function(step name)
    string(TIMESTAMP t0 "%s")
    list(JOIN ARGN " " shown)
    message("== ${name}: ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    string(TIMESTAMP t1 "%s")
    math(EXPR secs "${t1} - ${t0}")
    if(NOT rc STREQUAL "0")
        message(FATAL_ERROR "${name} failed (${rc}) after ${secs} s")
    endif()
    message("== ${name}: ok (${secs} s)")
endfunction()

# The consumer program runs as ctest runs the build's own tests: through the emulator (Wine)
# when cross-compiling. A DLL must be beside it. A CMake consumer finds a shared library through
# the RPATH CMake sets; the pkg-config build (plain -L -l) needs LD_LIBRARY_PATH, as a user's
# would with a prefix outside the linker's path: run_program(EXE [LIBRARY_PATH]).
function(run_program exe)
    if(CROSSCOMPILING AND NOT EMULATOR)
        skip("built, but cross-compiled without CMAKE_CROSSCOMPILING_EMULATOR to run it")
    endif()
    set(env "")
    # A Windows cross build has the DLL copied beside the program; qemu-user hands the
    # environment to the target's loader, so LD_LIBRARY_PATH serves a Linux cross build too.
    if(ARGN STREQUAL "LIBRARY_PATH" AND NOT (CROSSCOMPILING AND TARGET_WINDOWS)
       AND LIBRARY_TYPE STREQUAL "SHARED_LIBRARY")
        if(TARGET_WINDOWS)
            set(env ${CMAKE_COMMAND} -E env "PATH=${prefix}/bin;$ENV{PATH}")
        else()
            set(env ${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${libdir}:$ENV{LD_LIBRARY_PATH}"
                    "DYLD_LIBRARY_PATH=${libdir}:$ENV{DYLD_LIBRARY_PATH}")
        endif()
    endif()
    step("run" ${env} ${EMULATOR} ${exe})
endfunction()

# -D arguments that make a CMake consumer build like the build under test.
set(cmake_args -G "${GENERATOR}")
if(GENERATOR_PLATFORM)
    list(APPEND cmake_args -A "${GENERATOR_PLATFORM}")
endif()
if(MAKE_PROGRAM)
    list(APPEND cmake_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(TOOLCHAIN_FILE)
    list(APPEND cmake_args --toolchain "${TOOLCHAIN_FILE}")
endif()
list(APPEND cmake_args "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_C_FLAGS=${C_FLAGS}"
     "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")
if(BUILD_TYPE)
    list(APPEND cmake_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()
set(build_args)
if(CONFIG)
    set(build_args --config ${CONFIG})
endif()

# The program a CMake consumer built (single- or multi-config generator).
function(find_program_built dir out)
    file(GLOB_RECURSE found LIST_DIRECTORIES false ${dir}/roundtrip ${dir}/roundtrip.exe)
    list(FILTER found EXCLUDE REGEX "CMakeFiles")
    if(NOT found)
        message(FATAL_ERROR "no roundtrip program in ${dir}")
    endif()
    list(GET found 0 exe)
    set(${out} ${exe} PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "install")
    file(REMOVE_RECURSE ${prefix})
    step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${build_args})
    # What a user of the installed tree needs, by name.
    set(need include/portsock.h ${LIBDIR}/cmake/portsock/portsockConfig.cmake
             ${LIBDIR}/cmake/portsock/portsockConfigVersion.cmake
             ${LIBDIR}/cmake/portsock/portsockTargets.cmake ${LIBDIR}/pkgconfig/portsock.pc)
    file(GLOB libs RELATIVE ${prefix} ${libdir}/*portsock* ${prefix}/bin/*portsock*)
    message("installed: ${libs}")
    if(LIBRARY_TYPE STREQUAL "SHARED_LIBRARY" AND CROSSCOMPILING AND TARGET_WINDOWS)
        list(APPEND need bin/libportsock.dll ${LIBDIR}/libportsock.dll.a)
    elseif(LIBRARY_TYPE STREQUAL "SHARED_LIBRARY" AND NOT CMAKE_HOST_WIN32
           AND NOT CMAKE_HOST_APPLE)
        # The real file, the SONAME link, and the development link.
        list(APPEND need ${LIBDIR}/libportsock.so)
        file(GLOB sonames ${libdir}/libportsock.so.*)
        list(LENGTH sonames n)
        if(n LESS 2)
            message(FATAL_ERROR "no libportsock.so.X.Y.Z with its SONAME link: ${sonames}")
        endif()
    elseif(LIBRARY_TYPE STREQUAL "STATIC_LIBRARY" AND NOT C_COMPILER_ID STREQUAL "MSVC")
        list(APPEND need ${LIBDIR}/libportsock.a)
    endif()
    foreach(f IN LISTS need)
        if(NOT EXISTS ${prefix}/${f})
            message(FATAL_ERROR "cmake --install did not install ${f}")
        endif()
    endforeach()
    message("install ok: ${prefix}")

elseif(MODE STREQUAL "find_package")
    file(REMOVE_RECURSE ${work})
    if(CROSSCOMPILING)
        set(where "-Dportsock_DIR=${libdir}/cmake/portsock")
    else()
        set(where "-DCMAKE_PREFIX_PATH=${prefix}")
    endif()
    step("configure" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/find_package -B ${work}
         ${cmake_args} ${where})
    step("build" ${CMAKE_COMMAND} --build ${work} ${build_args})
    find_program_built(${work} exe)
    run_program(${exe})

elseif(MODE STREQUAL "fetchcontent")
    file(REMOVE_RECURSE ${work})
    set(shared OFF)
    if(LIBRARY_TYPE STREQUAL "SHARED_LIBRARY")
        set(shared ON)
    endif()
    step("configure" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/fetchcontent -B ${work}
         ${cmake_args} "-DPORTSOCK_SOURCE_DIR=${SOURCE_DIR}" "-DBUILD_SHARED_LIBS=${shared}")
    step("build" ${CMAKE_COMMAND} --build ${work} ${build_args})
    find_program_built(${work} exe)
    run_program(${exe})

elseif(MODE STREQUAL "pkgconfig")
    if(NOT PKG_CONFIG)
        skip("pkg-config not found")
    endif()
    if(C_COMPILER_ID STREQUAL "MSVC")
        skip("pkg-config's flags are for gcc-like compilers, not MSVC")
    endif()
    file(REMOVE_RECURSE ${work})
    file(MAKE_DIRECTORY ${work})
    # Only the installed tree's .pc files: a cross build must never see the host's.
    set(pc ${CMAKE_COMMAND} -E env "PKG_CONFIG_LIBDIR=${libdir}/pkgconfig"
            --unset=PKG_CONFIG_PATH ${PKG_CONFIG})
    set(static_flag "")
    if(LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
        set(static_flag --static)
    endif()
    execute_process(COMMAND ${pc} --modversion portsock OUTPUT_VARIABLE version
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    execute_process(COMMAND ${pc} --cflags portsock OUTPUT_VARIABLE cflags
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc1)
    execute_process(COMMAND ${pc} --libs ${static_flag} portsock OUTPUT_VARIABLE libs
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc2)
    execute_process(COMMAND ${pc} --atleast-version=0.1 portsock RESULT_VARIABLE rc3)
    if(NOT rc EQUAL 0 OR NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0 OR NOT rc3 EQUAL 0)
        message(FATAL_ERROR "pkg-config cannot read portsock.pc in ${libdir}/pkgconfig")
    endif()
    message("pkg-config: portsock ${version}; --cflags: ${cflags}; --libs ${static_flag}: ${libs}")
    if(LIBRARY_TYPE STREQUAL "STATIC_LIBRARY" AND NOT cflags MATCHES "-DPORTSOCK_STATIC")
        message(FATAL_ERROR "the static library's portsock.pc has no -DPORTSOCK_STATIC")
    endif()
    if(TARGET_WINDOWS AND LIBRARY_TYPE STREQUAL "STATIC_LIBRARY" AND NOT libs MATCHES "ws2_32")
        message(FATAL_ERROR "the static library's portsock.pc lacks the Winsock libraries")
    endif()
    separate_arguments(cflags UNIX_COMMAND "${cflags}")
    separate_arguments(libs UNIX_COMMAND "${libs}")
    separate_arguments(user_cflags UNIX_COMMAND "${C_FLAGS}")
    separate_arguments(user_ldflags UNIX_COMMAND "${EXE_LINKER_FLAGS}")
    set(exe ${work}/roundtrip)
    if(TARGET_WINDOWS)
        set(exe ${exe}.exe)
    endif()
    # cc $CFLAGS roundtrip.c $(pkg-config --cflags --libs portsock) -o roundtrip
    step("compile" ${C_COMPILER} ${user_cflags} -std=c11 ${cflags}
         ${SOURCE_DIR}/tests/consumer/roundtrip.c -o ${exe} ${user_ldflags} ${libs})
    if(LIBRARY_TYPE STREQUAL "SHARED_LIBRARY" AND CROSSCOMPILING AND TARGET_WINDOWS)
        file(COPY ${prefix}/bin/libportsock.dll DESTINATION ${work})
    endif()
    run_program(${exe} LIBRARY_PATH)

else()
    message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()
