#pragma once

#include "absl/strings/string_view.h"
#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "metadata": name, version, description and params_doc (parsed into session.doc).
void CheckMetadata(CheckSession& session);

// The catalog schema's rule for segmenter names, which a plugin's default name must meet.
bool IsValidSegmenterName(absl::string_view name);

// MAJOR.MINOR.PATCH with an optional -prerelease or +build suffix.
bool IsSemanticVersion(absl::string_view version);

}  // namespace plugin_check
}  // namespace persona
