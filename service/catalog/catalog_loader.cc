#include "service/catalog/catalog_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/catalog/catalog_validator.h"
#include "service/plugin_host/config_value_tree.h"
#include "service/plugin_host/file_digest.h"
#include "service/plugin_host/plugin_library.h"
#include "service/plugin_host/plugin_segmenter.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

constexpr double kDefaultMinAffinity = 0.5;
constexpr double kDefaultMissingAffinity = 0.5;

// Plugins report "params.age.min: must be …"; fold that path into the problem's field so
// the operator sees one path from the catalog root.
CatalogProblem PluginProblem(const std::string& file, const std::string& base,
                             const std::string& root_key, const std::string& message) {
  const std::string prefix = root_key + ".";
  if (absl::StartsWith(message, prefix) || absl::StartsWith(message, root_key + ":")) {
    const size_t colon = message.find(": ");
    if (colon != std::string::npos) {
      return {file, absl::StrCat(base, ".", message.substr(0, colon)), message.substr(colon + 2)};
    }
  }
  return {file, absl::StrCat(base, ".", root_key), message};
}

}  // namespace

CatalogLoadResult BuildCatalogSnapshot(const CatalogSource& source,
                                       const CatalogLoaderOptions& options) {
  CatalogLoadResult result;
  if (!ValidateCatalogSchema(source, &result.problems)) return result;
  const persona::v1::PersonaCatalog& catalog = source.catalog;

  auto snapshot = std::make_shared<CatalogSnapshot>();
  snapshot->version = catalog.version();
  snapshot->loaded_at = absl::Now();

  std::unique_ptr<PluginStore> local_store;
  PluginStore* store = options.plugin_store;
  if (store == nullptr) {
    absl::StatusOr<std::unique_ptr<PluginStore>> created = PluginStore::Create("");
    if (!created.ok()) {
      result.problems.push_back({"", "", std::string(created.status().message())});
      return result;
    }
    local_store = *std::move(created);
    store = local_store.get();
  }

  // Segmenters: configure an instance per catalog segmenter; the store loads each distinct
  // plugin build once.
  absl::flat_hash_map<std::string, uint32_t> slot_of;
  for (int i = 0; i < catalog.segmenters_size(); ++i) {
    const auto& spec = catalog.segmenters(i);
    const std::string& file = source.segmenter_files[i];
    const std::string path = absl::StrCat("segmenters[", spec.name(), "]");
    const fs::path plugin_path = fs::path(options.plugin_dir) / spec.plugin();
    std::error_code ec;
    if (!fs::is_regular_file(plugin_path, ec)) {
      result.problems.push_back(
          {file, absl::StrCat(path, ".plugin"),
           absl::StrCat("plugin file ", plugin_path.string(),
                        " does not exist (plugin directory: ", options.plugin_dir, ")")});
      continue;
    }
    // The pin is checked on the very bytes that get loaded, before anything is opened.
    absl::StatusOr<PluginStore::Loaded> loaded = store->Load(plugin_path.string(), spec.sha256());
    if (!loaded.ok()) {
      const bool pin = absl::StartsWith(loaded.status().message(), "pinned ");
      result.problems.push_back({file, absl::StrCat(path, pin ? ".sha256" : ".plugin"),
                                 std::string(loaded.status().message())});
      continue;
    }
    const std::shared_ptr<const PluginLibrary>& library = loaded->library;
    const std::string* sha256 = &loaded->sha256;
    ConfigValueTree config(spec.config());
    absl::StatusOr<std::unique_ptr<PluginSegmenter>> instance =
        PluginSegmenter::Create(library, config.root());
    if (!instance.ok()) {
      result.problems.push_back(
          PluginProblem(file, path, "config", std::string(instance.status().message())));
      continue;
    }
    const PersonaSegmenterPlugin& api = library->api();
    SegmenterSlot slot;
    slot.info.name = spec.name();
    slot.info.plugin_file = spec.plugin();
    slot.info.plugin_name.assign(api.name.data, api.name.size);
    if (api.version.data != nullptr)
      slot.info.plugin_version.assign(api.version.data, api.version.size);
    if (api.description.data != nullptr) {
      slot.info.description.assign(api.description.data, api.description.size);
    }
    slot.info.abi_version = library->abi_version();
    slot.info.sha256 = *sha256;
    slot.info.default_missing_affinity =
        library->default_missing_affinity().value_or(kDefaultMissingAffinity);
    slot.instance = *std::move(instance);
    slot_of[spec.name()] = static_cast<uint32_t>(snapshot->segmenters.size());
    snapshot->segmenters.push_back(std::move(slot));
  }

  // Personas in id order: the engine breaks score ties by index, which is then by id.
  std::vector<int> order(catalog.personas_size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return catalog.personas(a).id() < catalog.personas(b).id(); });
  for (int p : order) {
    const auto& spec = catalog.personas(p);
    const std::string& file = source.persona_files[p];
    CompiledPersona persona;
    persona.id = spec.id();
    persona.display_name = spec.display_name();
    persona.description = spec.description();
    persona.tags.assign(spec.tags().begin(), spec.tags().end());
    persona.min_score = spec.has_min_score() ? spec.min_score() : 0.0;
    bool complete = true;
    for (int c = 0; c < spec.criteria_size(); ++c) {
      const auto& criterion = spec.criteria(c);
      const std::string path = absl::StrCat("personas[", spec.id(), "].criteria[", c, "]");
      auto slot_it = slot_of.find(criterion.segmenter());
      if (slot_it == slot_of.end()) {
        complete = false;  // its segmenter failed to load; that problem is already reported
        continue;
      }
      SegmenterSlot& slot = snapshot->segmenters[slot_it->second];
      ConfigValueTree params(criterion.params());
      absl::StatusOr<const PersonaCompiledCriterion*> compiled =
          slot.instance->Compile(params.root());
      if (!compiled.ok()) {
        result.problems.push_back(
            PluginProblem(file, path, "params", std::string(compiled.status().message())));
        complete = false;
        continue;
      }
      CompiledCriterion resolved;
      resolved.segmenter = slot_it->second;
      resolved.position = static_cast<uint32_t>(slot.criteria.size());
      resolved.weight = criterion.weight();
      resolved.required = criterion.required();
      resolved.min_affinity =
          criterion.has_min_affinity() ? criterion.min_affinity() : kDefaultMinAffinity;
      resolved.missing_affinity = criterion.has_missing_affinity()
                                      ? criterion.missing_affinity()
                                      : slot.info.default_missing_affinity;
      slot.criteria.push_back(*compiled);
      slot.persona_of.push_back(static_cast<uint32_t>(snapshot->personas.size()));
      slot.criterion_of.push_back(static_cast<uint32_t>(persona.criteria.size()));
      persona.total_weight += resolved.weight;
      persona.criteria.push_back(resolved);
    }
    if (!complete) continue;
    snapshot->persona_index[persona.id] = static_cast<uint32_t>(snapshot->personas.size());
    snapshot->personas.push_back(std::move(persona));
  }
  if (!result.problems.empty()) return result;

  // Everything a request reads is built here, before anyone can see the snapshot.
  FinishCatalogSnapshot(snapshot.get());
  result.snapshot = std::move(snapshot);
  return result;
}

CatalogLoadResult LoadCatalog(const std::string& catalog_path,
                              const CatalogLoaderOptions& options) {
  CatalogLoadResult result;
  CatalogSource source;
  if (!ReadCatalogPath(catalog_path, &source, &result.problems)) return result;
  return BuildCatalogSnapshot(source, options);
}

}  // namespace persona
