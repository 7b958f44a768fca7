#pragma once

#include "absl/strings/string_view.h"
#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "metadata": name, version, description, params_doc (parsed into session.doc) and the
// default missing_affinity the plugin declares (ABI 1.2), or the host's 0.5.
void CheckMetadata(CheckSession& session);

// For a plugin the server refused to load: when the refusal is its declared
// default_missing_affinity (outside [0, 1] or NaN; read straight from the library, since the
// host keeps no refused plugin), reports "abi" as passed and "metadata" as failed, naming the
// value. False, reporting nothing, when the refusal is anything else.
bool CheckRefusedMissingAffinity(CheckSession& session);

// The catalog schema's rule for segmenter names, which a plugin's default name must meet.
bool IsValidSegmenterName(absl::string_view name);

// MAJOR.MINOR.PATCH with an optional -prerelease or +build suffix.
bool IsSemanticVersion(absl::string_view version);

}  // namespace plugin_check
}  // namespace persona
