#include "service/catalog/catalog_validator.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace persona {
namespace {

constexpr size_t kMaxVersionBytes = 64;
constexpr size_t kMaxDisplayNameBytes = 128;
constexpr size_t kMaxDescriptionBytes = 4096;
constexpr size_t kMaxCriteriaPerPersona = 64;
constexpr int kMaxPersonas = 100000;
constexpr double kMaxWeight = 1e6;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsValidSegmenterName(const std::string& name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '_') return false;
  }
  return true;
}

bool IsPlainPluginFileName(const std::string& plugin) {
  return !plugin.empty() && plugin.size() <= 255 && plugin.find('/') == std::string::npos &&
         plugin != "." && plugin != ".." && absl::EndsWith(plugin, ".so");
}

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsPrintable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// Params travel to plugins as finite numbers only (the ABI promises it); a binary
// ValidateCatalog request could carry NaN where JSON cannot.
void CheckFinite(const google::protobuf::Value& value, const std::string& path,
                 const std::string& file, CatalogProblems* problems) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      if (!std::isfinite(value.number_value())) {
        problems->push_back({file, path, "must be a finite number"});
      }
      break;
    case google::protobuf::Value::kListValue:
      for (int i = 0; i < value.list_value().values_size(); ++i) {
        CheckFinite(value.list_value().values(i), absl::StrCat(path, "[", i, "]"), file, problems);
      }
      break;
    case google::protobuf::Value::kStructValue:
      for (const auto& [key, item] : value.struct_value().fields()) {
        CheckFinite(item, absl::StrCat(path, ".", key), file, problems);
      }
      break;
    default:
      break;
  }
}

void CheckStructFinite(const google::protobuf::Struct& object, const std::string& path,
                       const std::string& file, CatalogProblems* problems) {
  for (const auto& [key, item] : object.fields()) {
    CheckFinite(item, absl::StrCat(path, ".", key), file, problems);
  }
}

void CheckUnit(double value, const std::string& path, const std::string& file,
               CatalogProblems* problems) {
  if (!std::isfinite(value) || value < 0.0 || value > 1.0) {
    problems->push_back({file, path, absl::StrCat("must be between 0 and 1, got ", value)});
  }
}

}  // namespace

bool IsValidPersonaId(const std::string& id) {
  if (id.empty() || id.size() > 64 || !IsLowerAlnum(id[0])) return false;
  for (char c : id) {
    if (!IsLowerAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool ValidateCatalogSchema(const CatalogSource& source, CatalogProblems* problems) {
  const size_t before = problems->size();
  const persona::v1::PersonaCatalog& catalog = source.catalog;

  if (catalog.version().empty()) {
    problems->push_back({source.version_file, "version", "is required"});
  } else if (catalog.version().size() > kMaxVersionBytes || !IsPrintable(catalog.version())) {
    problems->push_back(
        {source.version_file, "version",
         absl::StrCat("must be printable and at most ", kMaxVersionBytes, " bytes")});
  }

  if (catalog.segmenters_size() == 0) {
    problems->push_back({source.version_file, "segmenters", "at least one segmenter is required"});
  }
  absl::flat_hash_map<std::string, std::string> segmenter_file;
  for (int i = 0; i < catalog.segmenters_size(); ++i) {
    const auto& segmenter = catalog.segmenters(i);
    const std::string& file = source.segmenter_files[i];
    const std::string path = segmenter.name().empty()
                                 ? absl::StrCat("segmenters[", i, "]")
                                 : absl::StrCat("segmenters[", segmenter.name(), "]");
    if (!IsValidSegmenterName(segmenter.name())) {
      problems->push_back({file, absl::StrCat(path, ".name"),
                           absl::StrCat("\"", segmenter.name(),
                                        "\" must match [a-z][a-z0-9_]* (at most 32 bytes)")});
    } else if (auto [it, inserted] = segmenter_file.emplace(segmenter.name(), file); !inserted) {
      problems->push_back({file, absl::StrCat(path, ".name"),
                           absl::StrCat("duplicate segmenter \"", segmenter.name(),
                                        "\" (also defined in ", it->second, ")")});
    }
    if (!IsPlainPluginFileName(segmenter.plugin())) {
      problems->push_back({file, absl::StrCat(path, ".plugin"),
                           absl::StrCat("\"", segmenter.plugin(),
                                        "\" must be a file name ending in .so inside the plugin "
                                        "directory (no path)")});
    }
    if (!segmenter.sha256().empty() && !IsLowerHex64(segmenter.sha256())) {
      problems->push_back({file, absl::StrCat(path, ".sha256"),
                           "must be 64 lowercase hex digits (the plugin file's SHA-256)"});
    }
    CheckStructFinite(segmenter.config(), absl::StrCat(path, ".config"), file, problems);
  }

  if (catalog.personas_size() == 0) {
    problems->push_back({source.version_file, "personas", "at least one persona is required"});
  } else if (catalog.personas_size() > kMaxPersonas) {
    problems->push_back(
        {source.version_file, "personas", absl::StrCat("at most ", kMaxPersonas, " personas")});
  }
  absl::flat_hash_map<std::string, std::string> persona_file;
  for (int p = 0; p < catalog.personas_size(); ++p) {
    const auto& persona = catalog.personas(p);
    const std::string& file = source.persona_files[p];
    const std::string path = IsValidPersonaId(persona.id())
                                 ? absl::StrCat("personas[", persona.id(), "]")
                                 : absl::StrCat("personas[", p, "]");
    if (!IsValidPersonaId(persona.id())) {
      problems->push_back({file, absl::StrCat(path, ".id"),
                           absl::StrCat("\"", persona.id(),
                                        "\" must match [a-z0-9][a-z0-9_.-]* (at most 64 bytes)")});
    } else if (auto [it, inserted] = persona_file.emplace(persona.id(), file); !inserted) {
      problems->push_back(
          {file, absl::StrCat(path, ".id"),
           absl::StrCat("duplicate persona id (also defined in ", it->second, ")")});
    }
    if (persona.display_name().empty() || persona.display_name().size() > kMaxDisplayNameBytes ||
        !IsPrintable(persona.display_name())) {
      problems->push_back(
          {file, absl::StrCat(path, ".display_name"),
           absl::StrCat("is required, printable, at most ", kMaxDisplayNameBytes, " bytes")});
    }
    if (persona.description().size() > kMaxDescriptionBytes) {
      problems->push_back({file, absl::StrCat(path, ".description"),
                           absl::StrCat("at most ", kMaxDescriptionBytes, " bytes")});
    }
    if (persona.has_min_score()) {
      CheckUnit(persona.min_score(), absl::StrCat(path, ".min_score"), file, problems);
    }
    if (persona.criteria_size() == 0) {
      problems->push_back(
          {file, absl::StrCat(path, ".criteria"), "at least one criterion is required"});
    } else if (persona.criteria_size() > static_cast<int>(kMaxCriteriaPerPersona)) {
      problems->push_back({file, absl::StrCat(path, ".criteria"),
                           absl::StrCat("at most ", kMaxCriteriaPerPersona, " criteria")});
    }
    for (int c = 0; c < persona.criteria_size(); ++c) {
      const auto& criterion = persona.criteria(c);
      const std::string cpath = absl::StrCat(path, ".criteria[", c, "]");
      if (criterion.segmenter().empty()) {
        problems->push_back({file, absl::StrCat(cpath, ".segmenter"), "is required"});
      } else if (!segmenter_file.contains(criterion.segmenter())) {
        std::string known;
        for (const auto& s : catalog.segmenters()) {
          absl::StrAppend(&known, known.empty() ? "" : ", ", s.name());
        }
        problems->push_back({file, absl::StrCat(cpath, ".segmenter"),
                             absl::StrCat("unknown segmenter \"", criterion.segmenter(),
                                          "\" (the catalog defines: ", known, ")")});
      }
      if (!std::isfinite(criterion.weight()) || criterion.weight() <= 0.0 ||
          criterion.weight() > kMaxWeight) {
        problems->push_back(
            {file, absl::StrCat(cpath, ".weight"),
             absl::StrCat("must be > 0 and at most ", kMaxWeight, ", got ", criterion.weight())});
      }
      if (criterion.has_min_affinity()) {
        CheckUnit(criterion.min_affinity(), absl::StrCat(cpath, ".min_affinity"), file, problems);
        if (!criterion.required()) {
          problems->push_back({file, absl::StrCat(cpath, ".min_affinity"),
                               "only applies to a required criterion (set \"required\": true)"});
        }
      }
      if (criterion.has_missing_affinity()) {
        CheckUnit(criterion.missing_affinity(), absl::StrCat(cpath, ".missing_affinity"), file,
                  problems);
      }
      CheckStructFinite(criterion.params(), absl::StrCat(cpath, ".params"), file, problems);
    }
  }
  return problems->size() == before;
}

}  // namespace persona
