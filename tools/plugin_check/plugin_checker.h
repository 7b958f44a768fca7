#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "tools/plugin_check/customer_generator.h"

namespace persona {
namespace plugin_check {

// 2026-11-22T00:00:00Z: the default reference time handed to score(), fixed so two runs see
// the same recency.
inline constexpr int64_t kDefaultAsOf = 1795305600;

struct CheckOptions {
  std::string plugin_path;
  // Where sample params come from, in this order of preference: a JSON file holding one
  // params object or a list of them; every criterion of `segmenter` in a catalog; the
  // plugin's own params_doc example; an empty object.
  std::string params_path;
  std::string catalog_path;
  std::string segmenter;  // in the catalog; default: the plugin's own name
  // The segmenter's config object (a JSON file); default: the catalog's, else {}.
  std::string config_path;
  // JSON Lines of persona.v1.Customer, scored in addition to the generated customers.
  std::string customers_path;
  // The reference time score() is given (and generated orders lead up to).
  int64_t as_of_unix_seconds = kDefaultAsOf;
  GeneratorOptions generator;
  int threads = 4;
  // Fail the cost check above this many nanoseconds per criterion per customer; 0 = report
  // only.
  double max_ns_per_criterion = 0;
  // How long the cost measurement runs, at least.
  double cost_seconds = 0.3;
};

// Loads the plugin with the server's own plugin host code (PluginLibrary, PluginSegmenter,
// ConfigValueTree) and runs every check, printing one PASS/FAIL line per check to `out` as
// it goes, then a RESULT line. Returns the number of failed checks, or -1 for unusable input
// (already explained on stderr).
int RunChecks(const CheckOptions& options, std::FILE* out);

}  // namespace plugin_check
}  // namespace persona
