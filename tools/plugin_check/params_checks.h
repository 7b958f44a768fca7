#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/plugin_host/config_value_tree.h"
#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "config": create() accepts the config and refuses an unknown key naming it. Leaves the
// instance in session.instance; false (the rest skipped) when create() failed.
bool CheckConfig(CheckSession& session);

// "params": every sample compiles; the compiled criteria go to session.criteria.
void CheckParams(CheckSession& session);

// "malformed": an unknown key and a wrong type for every key are refused, naming the key.
void CheckMalformed(CheckSession& session);

// Reports every check after "config" as skipped, saying why.
void SkipRest(CheckSession& session, const std::string& why);

// compile(), with an escaping exception turned into an error.
absl::StatusOr<const PersonaCompiledCriterion*> CompileGuarded(PluginSegmenter& segmenter,
                                                               const ConfigValueTree& tree);

}  // namespace plugin_check
}  // namespace persona
