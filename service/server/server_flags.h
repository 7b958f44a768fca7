#pragma once

#include "absl/status/statusor.h"
#include "service/server/server_config.h"

namespace persona {

// --help and --helpshort list persona-server's own flags (with their defaults), --version
// prints the project version. Call before absl::ParseCommandLine.
void ConfigureServerUsage();

// Reads every persona-server flag once (after absl::ParseCommandLine) and validates them
// together: the only place the server reads a flag.
absl::StatusOr<ServerConfig> ServerConfigFromFlags();

}  // namespace persona
