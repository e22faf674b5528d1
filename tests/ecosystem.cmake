# Tests of portsock as a package and of what comes with it, beside the area tests (included at the
# end of tests/CMakeLists.txt). Each prints why when it cannot run here and is then reported as
# skipped (exit 77, or the line "portsock-test-skip: WHY" from a CMake script).
#
#   install, consumer_cmake, consumer_pkgconfig, consumer_fetchcontent   (label consumer)
#       cmake --install into <build>/consumer/prefix, then a separate project built against it
#       with find_package, with pkg-config's flags, and with FetchContent from the source tree;
#       each runs tests/consumer/roundtrip.c (under Wine when cross-compiling)
#   exports      only the public ps_ functions leave the shared library / DLL   (label exports)
#   psnc         psnc against psnc on loopback                                (label psnc)
#   examples     chat_server and echo_server under hostile peers: NUL-bearing lines, a low
#                descriptor limit (POSIX)                                       (label examples)
#   docs         Doxygen over portsock.h, warnings as errors                  (label docs)
#   ci_yaml      .github/workflows/ci.yml parses and names the hosted targets (label ci-yaml)
#
# docs and ci_yaml do not depend on the target: only native builds register them.

# The consumer builds run elsewhere: a relative toolchain file must become absolute, found as
# CMake finds it (relative to the build folder, else to the source folder).
set(portsock_toolchain_file "")
if(CMAKE_TOOLCHAIN_FILE)
    get_filename_component(portsock_toolchain_file "${CMAKE_TOOLCHAIN_FILE}" ABSOLUTE
                           BASE_DIR "${CMAKE_BINARY_DIR}")
    if(NOT EXISTS "${portsock_toolchain_file}")
        get_filename_component(portsock_toolchain_file "${CMAKE_TOOLCHAIN_FILE}" ABSOLUTE
                               BASE_DIR "${PROJECT_SOURCE_DIR}")
    endif()
endif()
set(portsock_skip_regex "portsock-test-skip: ")
get_target_property(portsock_type portsock TYPE)
string(REPLACE ";" "|" portsock_emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")

# ---- the package: install, then three consumers ------------------------------------------------

if(PORTSOCK_INSTALL)
    find_program(PORTSOCK_PKG_CONFIG NAMES pkgconf pkg-config)
    get_property(portsock_multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(portsock_multi_config)
        set(portsock_build_type "")
    else()
        set(portsock_build_type "${CMAKE_BUILD_TYPE}")
    endif()
    set(portsock_consumer_args
        -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
        -DWORK_DIR=${PROJECT_BINARY_DIR}/consumer -DCONFIG=$<CONFIG>
        -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
        "-DGENERATOR=${CMAKE_GENERATOR}" "-DGENERATOR_PLATFORM=${CMAKE_GENERATOR_PLATFORM}"
        "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
        "-DC_COMPILER=${CMAKE_C_COMPILER}" "-DC_COMPILER_ID=${CMAKE_C_COMPILER_ID}"
        "-DC_FLAGS=${CMAKE_C_FLAGS}" "-DEXE_LINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}"
        "-DBUILD_TYPE=${portsock_build_type}" "-DTOOLCHAIN_FILE=${portsock_toolchain_file}"
        "-DCROSSCOMPILING=${CMAKE_CROSSCOMPILING}" "-DTARGET_WINDOWS=${WIN32}"
        "-DEMULATOR=${portsock_emulator}"
        -DLIBRARY_TYPE=${portsock_type} "-DPKG_CONFIG=${PORTSOCK_PKG_CONFIG}")
    set(portsock_consumer_script ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.cmake)

    add_test(NAME install
             COMMAND ${CMAKE_COMMAND} -DMODE=install ${portsock_consumer_args}
                     -P ${portsock_consumer_script})
    set_tests_properties(install PROPERTIES LABELS "portsock;consumer" TIMEOUT 120
                         FIXTURES_SETUP portsock_installed)
    foreach(mode IN ITEMS find_package pkgconfig fetchcontent)
        string(REPLACE "find_package" "cmake" name "consumer_${mode}")
        add_test(NAME ${name}
                 COMMAND ${CMAKE_COMMAND} -DMODE=${mode} ${portsock_consumer_args}
                         -P ${portsock_consumer_script})
        set_tests_properties(${name} PROPERTIES LABELS "portsock;consumer" TIMEOUT 120
                             SKIP_REGULAR_EXPRESSION "${portsock_skip_regex}")
        if(NOT mode STREQUAL "fetchcontent")
            set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED portsock_installed)
        endif()
    endforeach()
endif()

# ---- the export table --------------------------------------------------------------------------

if(WIN32)
    set(portsock_format PE)
elseif(APPLE)
    set(portsock_format MACHO)
else()
    set(portsock_format ELF)
endif()
set(portsock_dumpbin "")
if(MSVC)
    get_filename_component(portsock_linker_dir "${CMAKE_LINKER}" DIRECTORY)
    find_program(PORTSOCK_DUMPBIN dumpbin HINTS ${portsock_linker_dir})
    set(portsock_dumpbin "${PORTSOCK_DUMPBIN}")
endif()
add_test(NAME exports
         COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:portsock> -DLIBRARY_TYPE=${portsock_type}
                 -DFORMAT=${portsock_format} "-DNM=${CMAKE_NM}" "-DOBJDUMP=${CMAKE_OBJDUMP}"
                 "-DDUMPBIN=${portsock_dumpbin}" -DHEADER=${PROJECT_SOURCE_DIR}/include/portsock.h
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/check_exports.cmake)
set_tests_properties(exports PROPERTIES LABELS "portsock;exports" TIMEOUT 60
                     SKIP_REGULAR_EXPRESSION "${portsock_skip_regex}")

# ---- psnc against psnc -------------------------------------------------------------------------

if(TARGET psnc)
    find_program(PORTSOCK_BASH bash)
    if(PORTSOCK_BASH)
        add_test(NAME psnc
                 COMMAND ${PORTSOCK_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/psnc_test.sh
                         ${CMAKE_CURRENT_BINARY_DIR}/psnc $<TARGET_FILE:psnc>
                         ${CMAKE_CROSSCOMPILING_EMULATOR})
        set_tests_properties(psnc PROPERTIES LABELS "portsock;psnc" TIMEOUT 120
                             SKIP_RETURN_CODE 77)
    endif()
endif()

# ---- the example servers under hostile peers (issue 18) ------------------------------------------

if(TARGET chat_server AND TARGET echo_server)
    find_program(PORTSOCK_PYTHON3 python3)
    if(PORTSOCK_PYTHON3)
        add_test(NAME examples
                 COMMAND ${PORTSOCK_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/examples_test.py
                         $<TARGET_FILE:chat_server> $<TARGET_FILE:echo_server>
                         ${CMAKE_CROSSCOMPILING_EMULATOR}
                 WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
        set_tests_properties(examples PROPERTIES LABELS "portsock;examples" TIMEOUT 120
                             SKIP_RETURN_CODE 77
                             ENVIRONMENT PS_TEST_TIME_SCALE=${PORTSOCK_TEST_TIME_SCALE})
    endif()
endif()

# ---- documentation and the hosted CI's workflow (native builds only) ---------------------------

if(NOT CMAKE_CROSSCOMPILING)
    if(PORTSOCK_DOCS_COMMAND)
        add_test(NAME docs COMMAND ${PORTSOCK_DOCS_COMMAND}
                 WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
    else()
        add_test(NAME docs COMMAND ${CMAKE_COMMAND} -E echo
                 "${portsock_skip_regex}${PORTSOCK_DOCS_MISSING} not found")
    endif()
    set_tests_properties(docs PROPERTIES LABELS "portsock;docs" TIMEOUT 120
                         SKIP_REGULAR_EXPRESSION "${portsock_skip_regex}")

    # An interpreter that has PyYAML: the first python3 on PATH may be another one (pyenv).
    set(portsock_yaml_python "")
    foreach(candidate IN ITEMS "${PORTSOCK_PYTHON3}" /usr/bin/python3 /usr/local/bin/python3)
        if(candidate AND EXISTS "${candidate}")
            execute_process(COMMAND "${candidate}" -c "import yaml" RESULT_VARIABLE rc
                            OUTPUT_QUIET ERROR_QUIET)
            if(rc EQUAL 0)
                set(portsock_yaml_python "${candidate}")
                break()
            endif()
        endif()
    endforeach()
    if(portsock_yaml_python)
        add_test(NAME ci_yaml
                 COMMAND ${portsock_yaml_python} ${CMAKE_CURRENT_SOURCE_DIR}/check_ci_yaml.py
                         ${PROJECT_SOURCE_DIR}/.github/workflows/ci.yml)
    else()
        add_test(NAME ci_yaml COMMAND ${CMAKE_COMMAND} -E echo
                 "${portsock_skip_regex}no python3 with PyYAML (Debian: python3-yaml)")
    endif()
    set_tests_properties(ci_yaml PROPERTIES LABELS "portsock;ci-yaml" TIMEOUT 60
                         SKIP_RETURN_CODE 77 SKIP_REGULAR_EXPRESSION "${portsock_skip_regex}")
endif()
