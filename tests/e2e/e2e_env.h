// Where the end-to-end tests find binaries, plugins and deploy/ files: the compile definitions
// tests/CMakeLists.txt and tests/e2e/CMakeLists.txt set, never the working directory.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "persona/segmenter_abi.h"
#include "tests/e2e/server_process.h"

#if !defined(PERSONA_SOURCE_DIR) || !defined(PERSONA_PLUGIN_DIR) ||            \
    !defined(PERSONA_FIXTURE_PLUGIN_DIR) || !defined(PERSONA_SERVER_BINARY) || \
    !defined(PERSONA_CLI_BINARY)
#error "build the e2e tests through tests/e2e/CMakeLists.txt"
#endif

namespace persona::e2e {

inline std::string ServerBinary() { return PERSONA_SERVER_BINARY; }
inline std::string CliBinary() { return PERSONA_CLI_BINARY; }
inline std::string PluginDir() { return PERSONA_PLUGIN_DIR; }
inline std::string FixturePluginDir() { return PERSONA_FIXTURE_PLUGIN_DIR; }
inline std::string SourcePath(const std::string& relative) {
  return absl::StrCat(PERSONA_SOURCE_DIR, "/", relative);
}
inline std::string DefaultCatalogPath() { return SourcePath("deploy/catalog/catalog.json"); }
inline std::string DefaultCatalogVersion() { return "2026-12-07.1"; }
// "major.minor" of the SDK in this tree: what the bundled plugins are built against.
inline std::string SdkAbiVersion() {
  return absl::StrCat(PERSONA_SEGMENTER_ABI_MAJOR, ".", PERSONA_SEGMENTER_ABI_MINOR);
}

// deploy/examples/*.json, sorted; each file's stem is the persona it should match best.
inline std::vector<std::filesystem::path> ExampleCustomers() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("deploy/examples"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Options for a server on `catalog` with the bundled plugins of this build.
inline ServerOptions DefaultServerOptions(const std::string& catalog = DefaultCatalogPath()) {
  ServerOptions options;
  options.binary = ServerBinary();
  options.catalog = catalog;
  options.plugin_dir = PluginDir();
  return options;
}

}  // namespace persona::e2e
