#include "tools/plugin_check/metadata_check.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {
namespace {

bool IsValidMissingAffinity(double value) {
  return std::isfinite(value) && value >= 0.0 && value <= 1.0;
}

std::string MissingAffinityProblem(double value) {
  return absl::StrCat("default_missing_affinity ", value,
                      " is not a number in [0, 1]: the server refuses to load the plugin");
}

struct RawDeclaration {
  uint32_t abi_major = 0, abi_minor = 0;
  double missing_affinity = 0;
};

// What a plugin's own description declares, read without the host's checks: dlopen, the
// entry point, the fields up to default_missing_affinity if its struct_size has them.
std::optional<RawDeclaration> RawDeclaredMissingAffinity(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return std::nullopt;
  std::optional<RawDeclaration> declared;
  const auto entry =
      reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(handle, PERSONA_SEGMENTER_ENTRY_SYMBOL));
  const PersonaSegmenterPlugin* api = entry == nullptr ? nullptr : entry();
  constexpr size_t kV12Size =
      offsetof(PersonaSegmenterPlugin, default_missing_affinity) + sizeof(double);
  if (api != nullptr && api->struct_size >= kV12Size &&
      api->abi_major == PERSONA_SEGMENTER_ABI_MAJOR && api->abi_minor >= 2 &&
      api->abi_minor <= PERSONA_SEGMENTER_ABI_MINOR && api->has_default_missing_affinity != 0) {
    declared = RawDeclaration{api->abi_major, api->abi_minor, api->default_missing_affinity};
  }
  dlclose(handle);
  return declared;
}

}  // namespace

bool IsValidSegmenterName(absl::string_view name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsSemanticVersion(absl::string_view version) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    const size_t start = i;
    while (i < version.size() && version[i] >= '0' && version[i] <= '9') ++i;
    if (i == start) return false;
    if (part < 2) {
      if (i >= version.size() || version[i] != '.') return false;
      ++i;
    }
  }
  if (i == version.size()) return true;
  if (version[i] != '-' && version[i] != '+') return false;
  if (i + 1 == version.size()) return false;
  return std::all_of(version.begin() + static_cast<std::ptrdiff_t>(i) + 1, version.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                              (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+';
                     });
}

void CheckMetadata(CheckSession& s) {
  s.report.Begin("metadata");
  const PersonaSegmenterPlugin& api = s.library->api();
  std::vector<std::string> problems;
  if (BadString(api.version) || BadString(api.description) || BadString(api.params_doc)) {
    s.report.Fail("metadata", "a metadata string has a NULL pointer and a non-zero size");
    return;
  }
  const absl::string_view name = ViewOf(api.name);
  const absl::string_view version = ViewOf(api.version);
  const absl::string_view description = ViewOf(api.description);
  if (!IsValidSegmenterName(name)) {
    problems.push_back(absl::StrCat("name \"", name,
                                    "\" is not a valid segmenter name (lowercase letter, then "
                                    "lowercase letters, digits or _; at most 32)"));
  }
  if (!IsSemanticVersion(version)) {
    problems.push_back(
        absl::StrCat("version \"", version, "\" is not a semantic version like 1.2.0"));
  }
  if (description.empty() || description.size() > 200 ||
      std::any_of(description.begin(), description.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    problems.push_back(absl::StrCat("description must be one line of 1 to 200 bytes, got ",
                                    description.size(), " bytes"));
  }
  std::string doc_summary = "no params_doc";
  if (!ViewOf(api.params_doc).empty()) {
    std::string problem = ParseParamsDoc(std::string(ViewOf(api.params_doc)), &s.doc);
    if (!problem.empty()) {
      s.doc = ParamsDoc();
      problems.push_back(absl::StrCat("params_doc: ", problem));
    } else {
      doc_summary = absl::StrCat("params_doc documents ", s.doc.params.size(), " params",
                                 s.doc.example ? " with an example" : "");
    }
  } else if (api.struct_size >= sizeof(PersonaSegmenterPlugin)) {
    doc_summary = "no params_doc (optional since ABI 1.1)";
  }
  if (!problems.empty()) {
    s.report.Fail("metadata", problems.front());
    for (size_t i = 1; i < problems.size(); ++i) s.report.Note(problems[i]);
    return;
  }
  // The host refuses a plugin declaring a bad value at load; checked again here so the
  // verdict never rests on that alone.
  const std::optional<double> declared = s.library->default_missing_affinity();
  if (declared.has_value() && !IsValidMissingAffinity(*declared)) {
    s.report.Fail("metadata", MissingAffinityProblem(*declared));
    return;
  }
  const std::string affinity =
      declared.has_value() ? absl::StrCat("default_missing_affinity ", *declared, " (declared)")
                           : "default_missing_affinity 0.5 (host default)";
  s.report.Pass("metadata", absl::StrCat("name \"", name, "\", version ", version, ", \"",
                                         Shorten(std::string(description), 60), "\"; ", doc_summary,
                                         "; ", affinity));
  const std::string file = std::filesystem::path(s.options.plugin_path).filename().string();
  if (file != absl::StrCat("libsegmenter_", name, ".so")) {
    s.report.Note(absl::StrCat("note: the file is ", file, "; persona_add_segmenter(", name,
                               ") would name it libsegmenter_", name, ".so"));
  }
}

bool CheckRefusedMissingAffinity(CheckSession& s) {
  const std::optional<RawDeclaration> declared = RawDeclaredMissingAffinity(s.options.plugin_path);
  if (!declared.has_value() || IsValidMissingAffinity(declared->missing_affinity)) return false;
  s.report.Pass("abi",
                absl::StrCat("built against ABI ", declared->abi_major, ".", declared->abi_minor,
                             "; the server refuses to load it for its metadata"));
  s.report.Begin("metadata");
  s.report.Fail("metadata", MissingAffinityProblem(declared->missing_affinity));
  return true;
}

}  // namespace plugin_check
}  // namespace persona
