// Flags used by more than one persona-cli subcommand (defined in cli_flags.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"

ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, catalog);
ABSL_DECLARE_FLAG(double, timeout_seconds);
ABSL_DECLARE_FLAG(std::optional<uint32_t>, top_k);
ABSL_DECLARE_FLAG(bool, explain);
ABSL_DECLARE_FLAG(std::string, persona_ids);
ABSL_DECLARE_FLAG(std::string, as_of);
ABSL_DECLARE_FLAG(std::string, input);
ABSL_DECLARE_FLAG(std::string, output);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, json);
ABSL_DECLARE_FLAG(uint32_t, window);
ABSL_DECLARE_FLAG(uint32_t, batch_size);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(uint64_t, count);
ABSL_DECLARE_FLAG(std::string, lb);
ABSL_DECLARE_FLAG(bool, progress);

namespace persona {

// --help and --helpshort list persona-cli's own flags with their defaults, --version prints
// the project version. Call before absl::ParseCommandLine.
void ConfigureCliUsage();
// --as_of as Unix seconds; nullopt when not given.
absl::StatusOr<std::optional<int64_t>> AsOfFlag();
// --persona_ids split at commas.
std::vector<std::string> PersonaIdsFlag();
// --tls, --tls_ca, --tls_cert, --tls_key, --tls_server_name into SetChannelSecurity; an error
// names the flag and file that could not be used.
absl::Status ConfigureChannelSecurityFromFlags();
// The token in --admin_token_file, whitespace trimmed; empty when the flag is not set.
absl::StatusOr<std::string> AdminTokenFlag();

}  // namespace persona
