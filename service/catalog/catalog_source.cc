#include "service/catalog/catalog_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "service/plugin_host/file_digest.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxCatalogFileBytes = 64u << 20;

bool ReadFile(const fs::path& path, std::string* contents, CatalogProblems* problems) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    problems->push_back({path.string(), "", absl::StrCat("cannot read: ", ec.message())});
    return false;
  }
  if (size > kMaxCatalogFileBytes) {
    problems->push_back(
        {path.string(), "",
         absl::StrCat("file is ", size, " bytes; the limit is ", kMaxCatalogFileBytes)});
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems->push_back({path.string(), "", "cannot open for reading"});
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return true;
}

void Merge(CatalogSource&& part, const std::string& file, CatalogSource* out,
           CatalogProblems* problems) {
  if (!part.catalog.version().empty()) {
    if (out->catalog.version().empty()) {
      out->catalog.set_version(part.catalog.version());
      out->version_file = file;
    } else if (out->catalog.version() != part.catalog.version()) {
      problems->push_back({file, "version",
                           absl::StrCat("\"", part.catalog.version(), "\" disagrees with \"",
                                        out->catalog.version(), "\" in ", out->version_file,
                                        " (files of one catalog must share one version)")});
    }
  }
  for (auto& segmenter : *part.catalog.mutable_segmenters()) {
    *out->catalog.add_segmenters() = std::move(segmenter);
    out->segmenter_files.push_back(file);
  }
  for (auto& persona : *part.catalog.mutable_personas()) {
    *out->catalog.add_personas() = std::move(persona);
    out->persona_files.push_back(file);
  }
}

// The files a catalog path stands for: itself, or a directory's visible *.json files in name
// order.
bool ListCatalogFiles(const std::string& path, std::vector<fs::path>* files,
                      CatalogProblems* problems) {
  std::error_code ec;
  const fs::path root(path);
  if (!fs::exists(root, ec)) {
    problems->push_back({path, "", "no such file or directory"});
    return false;
  }
  if (!fs::is_directory(root, ec)) {
    files->push_back(root);
    return true;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, ".") || !absl::EndsWith(name, ".json")) continue;
    if (!entry.is_regular_file(ec)) continue;  // follows symlinks: ConfigMap files are links
    files->push_back(entry.path());
  }
  if (ec) {
    problems->push_back({path, "", absl::StrCat("cannot list directory: ", ec.message())});
    return false;
  }
  if (files->empty()) {
    problems->push_back({path, "", "directory holds no *.json catalog file"});
    return false;
  }
  std::sort(files->begin(), files->end());
  return true;
}

}  // namespace

std::string CatalogFingerprint(const std::string& path) {
  std::vector<fs::path> files;
  CatalogProblems problems;
  std::string material;
  if (ListCatalogFiles(path, &files, &problems)) {
    for (const fs::path& file : files) {
      std::string bytes;
      if (!ReadFile(file, &bytes, &problems)) continue;
      absl::StrAppend(&material, file.string(), "\n", bytes.size(), "\n", bytes);
    }
  }
  for (const CatalogProblem& p : problems) absl::StrAppend(&material, p.ToString(), "\n");
  return Sha256Hex(material);
}

bool ParseCatalogJson(const std::string& json, const std::string& file, CatalogSource* out,
                      CatalogProblems* problems) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  persona::v1::PersonaCatalog catalog;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &catalog, options);
  if (!status.ok()) {
    // protobuf's message carries the field path where it can ("personas[0].colour: Cannot
    // find field."); keep it whole.
    problems->push_back(
        {file, "",
         absl::StrCat("not a valid persona.v1.PersonaCatalog: ", std::string(status.message()))});
    return false;
  }
  *out = CatalogSourceFromProto(catalog, file);
  return true;
}

CatalogSource CatalogSourceFromProto(const persona::v1::PersonaCatalog& catalog,
                                     const std::string& file) {
  CatalogSource source;
  source.catalog = catalog;
  source.persona_files.assign(catalog.personas_size(), file);
  source.segmenter_files.assign(catalog.segmenters_size(), file);
  source.version_file = file;
  return source;
}

bool ReadCatalogPath(const std::string& path, CatalogSource* out, CatalogProblems* problems) {
  std::vector<fs::path> files;
  if (!ListCatalogFiles(path, &files, problems)) return false;

  CatalogSource merged;
  const size_t before = problems->size();
  for (const fs::path& file : files) {
    std::string json;
    CatalogSource part;
    if (!ReadFile(file, &json, problems)) continue;
    if (!ParseCatalogJson(json, file.string(), &part, problems)) continue;
    Merge(std::move(part), file.string(), &merged, problems);
  }
  if (problems->size() != before) return false;
  if (merged.catalog.version().empty()) merged.version_file = files.front().string();
  *out = std::move(merged);
  return true;
}

}  // namespace persona
