#pragma once

#include <persona/segmenter_abi.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace persona {

// A segmenter shared library loaded with Boost.DLL (rtld_now | rtld_local) whose ABI
// handshake passed. Held by shared_ptr: every plugin instance keeps its library loaded, so
// the code stays mapped while any snapshot can still call it.
class PluginLibrary {
 public:
  // Loads `path`, resolves the entry symbol and checks the ABI version. Errors say which
  // step failed and why (dlerror text, versions found vs. supported).
  static absl::StatusOr<std::shared_ptr<const PluginLibrary>> Load(
      const std::filesystem::path& path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const PersonaSegmenterPlugin& api() const { return *api_; }
  const std::filesystem::path& path() const { return path_; }
  std::string abi_version() const;
  // The missing_affinity this plugin's criteria get when the catalog sets none, as the plugin
  // declares it (ABI 1.2, in [0,1]: Load() refuses anything else); nullopt when it declares
  // none (and always for a plugin built before 1.2): the host's default applies.
  std::optional<double> default_missing_affinity() const;

 private:
  struct Handle;
  PluginLibrary(std::filesystem::path path, std::unique_ptr<Handle> handle,
                const PersonaSegmenterPlugin* api);

  std::filesystem::path path_;
  std::unique_ptr<Handle> handle_;
  const PersonaSegmenterPlugin* api_;
};

// Whether a plugin built against ABI major.minor can be loaded by this host.
absl::Status CheckAbiCompatible(uint32_t plugin_major, uint32_t plugin_minor);

}  // namespace persona
