#pragma once

#include <string>
#include <vector>

#include "persona/v1/catalog.pb.h"
#include "service/catalog/catalog_problem.h"

namespace persona {

// A catalog as read from disk (or a request), before validation. A directory's files are
// merged; each persona and segmenter remembers the file it came from for error messages.
struct CatalogSource {
  persona::v1::PersonaCatalog catalog;
  std::vector<std::string> persona_files;    // parallel to catalog.personas()
  std::vector<std::string> segmenter_files;  // parallel to catalog.segmenters()
  std::string version_file;
};

// Parses one catalog JSON text with protobuf's JSON parser; unknown fields are errors.
bool ParseCatalogJson(const std::string& json, const std::string& file, CatalogSource* out,
                      CatalogProblems* problems);

// Reads `path`: a JSON file, or a directory whose visible *.json files (sorted by name) are
// merged. Hidden entries are skipped, which is what makes a Kubernetes ConfigMap volume
// (`..data` -> `..2026_11_22_…`, files symlinked through it) read as just its files.
bool ReadCatalogPath(const std::string& path, CatalogSource* out, CatalogProblems* problems);

// A digest of what ReadCatalogPath would read (file names and bytes): equal fingerprints
// mean an unchanged catalog, so a watcher event that changed nothing costs no reload.
std::string CatalogFingerprint(const std::string& path);

// Wraps an already-parsed catalog (e.g. from a ValidateCatalog request).
CatalogSource CatalogSourceFromProto(const persona::v1::PersonaCatalog& catalog,
                                     const std::string& file);

}  // namespace persona
