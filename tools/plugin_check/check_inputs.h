#pragma once

#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// Reads --params, --config, --catalog and --customers, and generates the customers. Input
// files are the caller's to get right: a bad one is a usage error (exit 2), explained on
// stderr with file, line and field, not a verdict on the plugin. False on such an error.
bool ReadInputs(CheckSession& session);

// Picks the sample params (--params, else the catalog's criteria for the segmenter, else the
// params_doc example, else {}) and the config. Needs the loaded plugin's name. False when the
// catalog has no criterion for the segmenter (a usage error).
bool ResolveSamples(CheckSession& session);

// Prints a usage error to stderr; returns false.
bool InputError(absl::string_view message);

}  // namespace plugin_check
}  // namespace persona
