#include "tools/plugin_check/metadata_check.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {

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
  s.report.Pass("metadata",
                absl::StrCat("name \"", name, "\", version ", version, ", \"",
                             Shorten(std::string(description), 60), "\"; ", doc_summary));
  const std::string file = std::filesystem::path(s.options.plugin_path).filename().string();
  if (file != absl::StrCat("libsegmenter_", name, ".so")) {
    s.report.Note(absl::StrCat("note: the file is ", file, "; persona_add_segmenter(", name,
                               ") would name it libsegmenter_", name, ".so"));
  }
}

}  // namespace plugin_check
}  // namespace persona
