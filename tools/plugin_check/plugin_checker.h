#pragma once

#include <cstdio>
#include <string>

#include "tools/plugin_check/customer_generator.h"

namespace persona {
namespace plugin_check {

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
// it goes, then a RESULT line. Returns the number of failed checks.
int RunChecks(const CheckOptions& options, std::FILE* out);

// The name of the check in progress, for a crash or timeout report from a signal handler.
const char* CurrentCheck();

// While the checker captures stdout/stderr (to see whether the plugin prints), the file
// descriptor holding what was captured; else -1. A dying process dumps it so a sanitizer's
// report is not lost.
int CapturedOutputFd();

// Removes the private copy of the plugin the checker loaded, and its directory. For exits
// that skip destructors (a crash, a timeout); async-signal-safe (unlink, rmdir).
void RemovePrivateCopies();

}  // namespace plugin_check
}  // namespace persona
