# Install rules and Debian packages (CPack DEB), two components:
#
#   server  persona-server (package persona-server): the server, persona-cli,
#           persona-plugin-check, the bundled plugins, the default catalog, example customers
#           and the systemd unit
#   sdk     the plugin SDK (package persona-segmenter-sdk, Architecture: all): headers, the
#           CMake package PersonaSegmenterSDK, the author guide and the template; its install
#           rules live with the SDK in plugins/sdk/CMakeLists.txt
#
#   cpack -G DEB --config build/CPackConfig.cmake -B <out dir>
#
# Installed layout of the server (prefix /usr):
#   /usr/lib/persona-server/bin/persona-server   the binary; its default --plugin_dir is
#   /usr/lib/persona-server/plugins/             ../plugins beside the binary, i.e. this
#   /usr/bin/persona-server -> ../lib/persona-server/bin/persona-server   (the server resolves
#                                                /proc/self/exe, which follows the symlink)
#   /usr/bin/persona-cli, /usr/bin/persona-plugin-check
#   /etc/persona-server/catalog/catalog.json     the default catalog (a conffile)
#   /usr/share/persona-server/examples/*.json    example customers
#   /usr/lib/systemd/system/persona-server.service
#
# The catalog goes to an absolute /etc path (PERSONA_INSTALL_CATALOG_DIR): install the
# server component with DESTDIR (or through the .deb), not with a bare --prefix.
include(GNUInstallDirs)

# Not CMAKE_INSTALL_LIBDIR (multiarch lib/x86_64-linux-gnu on Debian): the server is no
# library, and the systemd unit names one fixed path.
set(PERSONA_INSTALL_LIBEXEC_DIR lib/persona-server CACHE STRING
    "Server binary and bundled plugins, relative to the prefix (bin/ and plugins/ inside)")
set(PERSONA_INSTALL_CATALOG_DIR /etc/persona-server/catalog CACHE PATH
    "Where the default catalog is installed (absolute)")

install(TARGETS persona-server RUNTIME
        DESTINATION ${PERSONA_INSTALL_LIBEXEC_DIR}/bin COMPONENT server)
install(TARGETS persona-cli persona-plugin-check RUNTIME
        DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)

# Every bundled plugin: whatever plugins/CMakeLists.txt hangs under all_plugins.
get_target_property(persona_bundled_plugins all_plugins MANUALLY_ADDED_DEPENDENCIES)
if(NOT persona_bundled_plugins)
  message(FATAL_ERROR "Packaging: all_plugins has no plugins")
endif()
install(TARGETS ${persona_bundled_plugins} LIBRARY
        DESTINATION ${PERSONA_INSTALL_LIBEXEC_DIR}/plugins COMPONENT server
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# /usr/bin/persona-server, a relative symlink made at configure time and installed as is.
set(persona_link_dir ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${persona_link_dir})
file(RELATIVE_PATH persona_server_link_target /${CMAKE_INSTALL_BINDIR}
     /${PERSONA_INSTALL_LIBEXEC_DIR}/bin/persona-server)
file(CREATE_LINK ${persona_server_link_target} ${persona_link_dir}/persona-server SYMBOLIC)
install(FILES ${persona_link_dir}/persona-server DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT server)

install(FILES ${PROJECT_SOURCE_DIR}/deploy/catalog/catalog.json
        DESTINATION ${PERSONA_INSTALL_CATALOG_DIR} COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/examples/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/persona-server/examples COMPONENT server
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/persona-server.service
        DESTINATION lib/systemd/system COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/persona-server COMPONENT server)

# ---------------------------------------------------------------------------------------
# CPack: one .deb per component.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME persona-server)
set(CPACK_PACKAGE_VENDOR "persona-server")
set(CPACK_PACKAGE_CONTACT "persona-server maintainers <persona-server@example.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Scores customers against marketing personas over gRPC")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL server sdk)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME persona-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_SHLIBDEPS ON)
# Not a library: /usr/share/zoneinfo, where requests' customer time zones are looked up.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "tzdata")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "persona-server, persona-cli and persona-plugin-check with the bundled demographic, RFM, \
psychographic, behavioral, digital and triggers segmenters, a default catalog and a systemd unit. Plugin ABI \
${PERSONA_SDK_VERSION}: loads segmenters built against ABI ${PERSONA_SDK_VERSION} or an \
older minor of the same major.")
# The default catalog is configuration: an upgrade must not overwrite an operator's edits.
file(WRITE ${persona_link_dir}/conffiles
     "${PERSONA_INSTALL_CATALOG_DIR}/catalog.json\n")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA ${persona_link_dir}/conffiles)

set(CPACK_DEBIAN_SDK_PACKAGE_NAME persona-segmenter-sdk)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "cmake (>= 3.16)")
set(CPACK_DEBIAN_SDK_PACKAGE_RECOMMENDS "g++ | clang, persona-server")
set(CPACK_COMPONENT_SDK_DESCRIPTION
    "Headers, the CMake package PersonaSegmenterSDK (version ${PERSONA_SDK_VERSION} = the \
plugin ABI) with persona_add_segmenter(), the plugin author guide and a template segmenter \
(/usr/share/persona-segmenter-sdk/template). The Debian version follows persona-server \
releases; the CMake package version is the ABI version.")

include(CPack)
