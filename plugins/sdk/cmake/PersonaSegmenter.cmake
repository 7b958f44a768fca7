# persona_add_segmenter(<name> SOURCES <files...> [LINK_LIBRARIES <libs...>])
#
# Builds libsegmenter_<name>.so (target segmenter_<name>) the way the host expects a plugin:
# C++17, hidden visibility so only the entry symbol (persona_segmenter_plugin) is exported,
# every symbol resolved at link time (-z defs: a missing symbol fails the build, not the
# server at first call), and the file name the catalog refers to. The library lands in
# PERSONA_PLUGIN_OUTPUT_DIR when that is set, else in the current binary directory.
#
# Works in this source tree (target persona_segmenter_sdk) and against an installed SDK
# (find_package(PersonaSegmenterSDK), target PersonaSegmenterSDK::sdk).
function(persona_add_segmenter name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "persona_add_segmenter(${name}): SOURCES is required")
  endif()
  # The name becomes the file name and, by convention, the catalog's segmenter name.
  if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "persona_add_segmenter(${name}): the name must be lowercase letters, "
                        "digits and _, starting with a letter")
  endif()
  set(target segmenter_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET PersonaSegmenterSDK::sdk)
    target_link_libraries(${target} PRIVATE PersonaSegmenterSDK::sdk)
  elseif(TARGET persona_segmenter_sdk)
    target_link_libraries(${target} PRIVATE persona_segmenter_sdk)
  else()
    message(FATAL_ERROR "persona_add_segmenter(${name}): no SDK target; call "
                        "find_package(PersonaSegmenterSDK CONFIG REQUIRED) first")
  endif()
  if(ARG_LINK_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${ARG_LINK_LIBRARIES})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "segmenter_${name}"
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED PERSONA_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PERSONA_PLUGIN_OUTPUT_DIR})
  endif()
  # Hidden visibility cannot hide template code libstdc++ marks default-visible; the
  # version script leaves exactly one exported symbol, the entry point.
  set(version_script ${CMAKE_CURRENT_BINARY_DIR}/segmenter_${name}.map)
  file(WRITE ${version_script} "{ global: persona_segmenter_plugin; local: *; };\n")
  target_link_options(${target} PRIVATE "LINKER:-z,defs" "LINKER:--exclude-libs,ALL"
    "LINKER:--version-script=${version_script}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${version_script})
endfunction()
