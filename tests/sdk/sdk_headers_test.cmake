# The SDK headers compile on their own, warning-free: segmenter_abi.h as C99 and the C++
# headers as C++17 with every given compiler (g++ and clang++ when installed). Every header
# under persona/sdk/ is also compiled alone, so each includes what it uses and a plugin may
# include just the part it needs.
# cmake -DSDK_INCLUDE_DIR=... -DC_COMPILER=... -DCXX_COMPILERS="g++;clang++-14" -DWORK_DIR=...
#       -P sdk_headers_test.cmake
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${WORK_DIR}/abi.c "#include <persona/segmenter_abi.h>\nint main(void) { return PERSONA_SEGMENTER_ABI_MAJOR - 1; }\n")
file(WRITE ${WORK_DIR}/sdk.cc "#include <persona/segmenter.hpp>\n#include <persona/segmenter_testing.hpp>\n#include <persona/segmenter_abi.h>\nint main() { return 0; }\n")

file(GLOB_RECURSE part_headers RELATIVE ${SDK_INCLUDE_DIR} ${SDK_INCLUDE_DIR}/persona/sdk/*.hpp)
if(NOT part_headers)
  message(FATAL_ERROR "no headers under ${SDK_INCLUDE_DIR}/persona/sdk")
endif()
set(part_sources)
foreach(header IN LISTS part_headers)
  string(MAKE_C_IDENTIFIER ${header} id)
  file(WRITE ${WORK_DIR}/${id}.cc "#include <${header}>\n#include <${header}>\nint main() { return 0; }\n")
  list(APPEND part_sources ${id}.cc)
endforeach()

function(compile compiler source)
  execute_process(
    COMMAND ${compiler} ${ARGN} -Wall -Wextra -Wpedantic -Wshadow -Werror -fsyntax-only
            -I${SDK_INCLUDE_DIR} ${WORK_DIR}/${source}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${compiler} ${source}: not clean\n${out}${err}")
  endif()
  message(STATUS "${compiler} ${ARGN} ${source}: clean")
endfunction()

compile(${C_COMPILER} abi.c -std=c99)
set(compiled 0)
foreach(cxx IN LISTS CXX_COMPILERS)
  if(cxx AND NOT cxx MATCHES "NOTFOUND$")
    compile(${cxx} sdk.cc -std=c++17)
    foreach(part IN LISTS part_sources)
      compile(${cxx} ${part} -std=c++17)
    endforeach()
    compile(${cxx} abi.c -x c++ -std=c++17)
    math(EXPR compiled "${compiled} + 1")
  endif()
endforeach()
if(compiled EQUAL 0)
  message(FATAL_ERROR "no C++ compiler given")
endif()
