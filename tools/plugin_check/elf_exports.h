#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace persona {
namespace plugin_check {

// The symbols a shared library defines and exports to the dynamic linker (its .dynsym
// entries that are defined, global or weak, and default or protected visibility): what
// `nm -D --defined-only` lists. A correct plugin exports exactly persona_segmenter_plugin;
// anything else can interpose on, or be interposed by, other code in the server.
absl::StatusOr<std::vector<std::string>> ExportedSymbols(const std::string& path);

}  // namespace plugin_check
}  // namespace persona
