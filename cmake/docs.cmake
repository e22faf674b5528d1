# The API reference of include/portsock.h, built by Doxygen with warnings as errors: every public
# function, type and constant must be documented (see docs/Doxyfile and docs/doxygen-filter.py).
#
#   cmake --build B --target docs      # HTML in B/docs/html
#
# Sets PORTSOCK_DOCS_COMMAND (the command line, for the test `docs`) when Doxygen and python3 are
# there, else PORTSOCK_DOCS_MISSING (what is missing).

find_program(PORTSOCK_DOXYGEN doxygen)
find_program(PORTSOCK_PYTHON3 NAMES python3 python)
set(PORTSOCK_DOCS_COMMAND "")
set(PORTSOCK_DOCS_MISSING "")
if(NOT PORTSOCK_DOXYGEN)
    set(PORTSOCK_DOCS_MISSING "doxygen")
elseif(NOT PORTSOCK_PYTHON3)
    set(PORTSOCK_DOCS_MISSING "python3")
else()
    # docs/Doxyfile with absolute paths, so that it runs from any directory.
    set(src ${PROJECT_SOURCE_DIR})
    file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/docs/Doxyfile CONTENT "\
@INCLUDE               = \"${src}/docs/Doxyfile\"
OUTPUT_DIRECTORY       = \"${PROJECT_BINARY_DIR}/docs\"
PROJECT_NUMBER         = ${PROJECT_VERSION}
INPUT                  = \"${src}/include/portsock.h\"
FILTER_PATTERNS        = \"*.h=\\\"${PORTSOCK_PYTHON3}\\\" \\\"${src}/docs/doxygen-filter.py\\\"\"
STRIP_FROM_PATH        = \"${src}\"
")
    set(PORTSOCK_DOCS_COMMAND ${PORTSOCK_DOXYGEN} ${PROJECT_BINARY_DIR}/docs/Doxyfile)
    add_custom_target(docs
        COMMAND ${PORTSOCK_DOCS_COMMAND}
        WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
        COMMENT "Doxygen: API reference in ${PROJECT_BINARY_DIR}/docs/html"
        VERBATIM)
endif()
