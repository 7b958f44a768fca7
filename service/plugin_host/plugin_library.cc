#include "service/plugin_host/plugin_library.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif
#include <boost/dll/shared_library.hpp>

namespace persona {

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
  // The plugin's description as this host's ABI lays it out: what the plugin's (possibly
  // older, shorter) struct has, zeros for fields appended after the plugin's minor. Readers
  // of api() can touch every field of this host's ABI; an absent one reads as empty.
  PersonaSegmenterPlugin api{};
};

namespace {

// What `api` (the host's zero-padded copy) declares as its criteria's default missing
// affinity. A host built before ABI 1.2 (the compatibility tests build one) has no such field.
std::optional<double> DeclaredMissingAffinity(const PersonaSegmenterPlugin& api) {
#if PERSONA_SEGMENTER_ABI_MINOR >= 2
  constexpr size_t kV12Size = offsetof(PersonaSegmenterPlugin, default_missing_affinity) +
                              sizeof(api.default_missing_affinity);
  if (api.struct_size >= kV12Size && api.has_default_missing_affinity != 0) {
    return api.default_missing_affinity;
  }
#else
  (void)api;
#endif
  return std::nullopt;
}

}  // namespace

absl::Status CheckAbiCompatible(uint32_t plugin_major, uint32_t plugin_minor) {
  if (plugin_major != PERSONA_SEGMENTER_ABI_MAJOR) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin ABI ", plugin_major, ".", plugin_minor,
                     " is incompatible: this server supports ABI ", PERSONA_SEGMENTER_ABI_MAJOR,
                     ".0 to ", PERSONA_SEGMENTER_ABI_MAJOR, ".", PERSONA_SEGMENTER_ABI_MINOR,
                     " (the major version must match)"));
  }
  if (plugin_minor > PERSONA_SEGMENTER_ABI_MINOR) {
    return absl::FailedPreconditionError(absl::StrCat(
        "plugin ABI ", plugin_major, ".", plugin_minor, " is newer than this server's ABI ",
        PERSONA_SEGMENTER_ABI_MAJOR, ".", PERSONA_SEGMENTER_ABI_MINOR,
        " (upgrade the server or rebuild the plugin "
        "against an older SDK)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLibrary::Load(
    const std::filesystem::path& path) {
  auto handle = std::make_unique<Handle>();
  try {
    // Boost's default is lazy binding, which turns a missing symbol into a crash at first
    // call; rtld_now makes it a load error. rtld_local keeps plugins' symbols apart.
    handle->library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load ", path.string(), ": ", e.what()));
  }
  if (!handle->library.has(PERSONA_SEGMENTER_ENTRY_SYMBOL)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), " is not a segmenter plugin: it does not export ",
                     PERSONA_SEGMENTER_ENTRY_SYMBOL, "()"));
  }
  auto& entry =
      handle->library.get<const PersonaSegmenterPlugin*()>(PERSONA_SEGMENTER_ENTRY_SYMBOL);
  const PersonaSegmenterPlugin* api = entry();
  if (api == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), ": ", PERSONA_SEGMENTER_ENTRY_SYMBOL, "() returned null"));
  }
  // The frozen prefix (struct_size, abi_major, abi_minor) is readable in every version.
  constexpr size_t kPrefix = offsetof(PersonaSegmenterPlugin, abi_minor) + sizeof(uint32_t);
  if (api->struct_size < kPrefix) {
    return absl::FailedPreconditionError(absl::StrCat(
        path.string(), ": plugin description is truncated (struct_size ", api->struct_size, ")"));
  }
  if (absl::Status status = CheckAbiCompatible(api->abi_major, api->abi_minor); !status.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(path.string(), ": ", status.message()));
  }
  constexpr size_t kV1Size = offsetof(PersonaSegmenterPlugin, score) + sizeof(api->score);
  if (api->struct_size < kV1Size || api->create == nullptr || api->destroy == nullptr ||
      api->compile == nullptr || api->release_criterion == nullptr || api->score == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), ": plugin description lacks functions required by ABI 1.0"));
  }
  if (api->name.size == 0 || api->name.data == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(path.string(), ": plugin has no name"));
  }
  // Copy only the bytes the plugin declared (an ABI 1.0 struct ends before params_doc).
  std::memcpy(&handle->api, api, std::min(api->struct_size, sizeof(PersonaSegmenterPlugin)));
  api = &handle->api;
  if (const std::optional<double> missing = DeclaredMissingAffinity(*api);
      missing.has_value() && !(std::isfinite(*missing) && *missing >= 0.0 && *missing <= 1.0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        path.string(), ": default_missing_affinity must be a number in [0, 1], got ", *missing));
  }
  return std::shared_ptr<const PluginLibrary>(new PluginLibrary(path, std::move(handle), api));
}

PluginLibrary::PluginLibrary(std::filesystem::path path, std::unique_ptr<Handle> handle,
                             const PersonaSegmenterPlugin* api)
    : path_(std::move(path)), handle_(std::move(handle)), api_(api) {}

PluginLibrary::~PluginLibrary() = default;

std::optional<double> PluginLibrary::default_missing_affinity() const {
  return DeclaredMissingAffinity(*api_);
}

std::string PluginLibrary::abi_version() const {
  return absl::StrCat(api_->abi_major, ".", api_->abi_minor);
}

}  // namespace persona
