#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "service/catalog/catalog_source.h"
#include "service/plugin_host/plugin_library.h"
#include "service/plugin_host/plugin_segmenter.h"
#include "service/plugin_host/plugin_store.h"
#include "tools/plugin_check/customer_population.h"
#include "tools/plugin_check/params_doc.h"
#include "tools/plugin_check/plugin_checker.h"
#include "tools/plugin_check/report.h"

namespace persona {
namespace plugin_check {

// A key no plugin documents: any plugin that accepts it ignores unknown keys, and a typo in
// a catalog would silently disable a rule.
inline constexpr char kUnknownKey[] = "persona_plugin_check_unknown_key";

// Everything one run of the checks shares: the inputs, the loaded plugin and its instances,
// the customers. Each check reads what earlier ones left here and adds its own results.
struct CheckSession {
  CheckSession(const CheckOptions& check_options, std::FILE* out)
      : options(check_options), report(out), population(check_options.as_of_unix_seconds) {}

  const CheckOptions& options;
  Reporter report;

  // Inputs (check_inputs.h).
  std::vector<google::protobuf::Struct> file_params;
  std::unique_ptr<CatalogSource> catalog;
  google::protobuf::Struct config;
  std::string config_source;
  std::vector<google::protobuf::Struct> samples;
  std::string samples_source;

  // The plugin (plugin_loading.h, metadata_check.h, params_checks.h).
  std::unique_ptr<PluginStore> store;
  std::shared_ptr<const PluginLibrary> library;
  ParamsDoc doc;
  std::unique_ptr<PluginSegmenter> instance;
  std::unique_ptr<PluginSegmenter> second;  // a second instance, as during a reload
  std::vector<const PersonaCompiledCriterion*> criteria;

  // Customers: generated first, then --customers, then any derived by the exercise check.
  CustomerPopulation population;
  size_t generated = 0;
  size_t from_file = 0;
  size_t derived = 0;

  // Decided while scoring, reported once the instances are destroyed.
  bool lifecycle_checked = false;
  std::string lifecycle_problem;
};

}  // namespace plugin_check
}  // namespace persona
