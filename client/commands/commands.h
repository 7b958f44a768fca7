// persona-cli's bulk, report, bench, generate and catalog-change subcommands, one file each. Each
// returns the process exit code: 0 success, 1 the server refused something (or records were
// rejected), 2 usage or local input/output error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/admin/fleet_admin.h"

namespace persona {

int BatchCommand();
int ReportCommand();
int BenchCommand();
// `args`: what follows "generate" ("customers" or "catalog" or "grpc-body").
int GenerateCommand(const std::vector<std::string>& args);

// stage, shadow, promote, discard, rollback, history: on every replica --target names.
bool IsCatalogChangeCommand(const std::string& command);
int CatalogChangeCommand(const std::string& command);
// diff: a candidate catalog against the live one, over a customer file.
int DiffCommand();

// --admin_token_file and --timeout_seconds for CatalogAdmin calls.
absl::StatusOr<FleetCallOptions> FleetCallOptionsFromFlags();
// --examples, checked to be 1..20.
absl::Status ExamplesFlagValid();
uint32_t ExamplesFlag();

}  // namespace persona
