// persona-cli's bulk, report, bench and generate subcommands, one file each. Each returns
// the process exit code: 0 success, 1 the server refused something (or records were
// rejected), 2 usage or local input/output error.
#pragma once

#include <string>
#include <vector>

namespace persona {

int BatchCommand();
int ReportCommand();
int BenchCommand();
// `args`: what follows "generate" ("customers" or "catalog" or "grpc-body").
int GenerateCommand(const std::vector<std::string>& args);

}  // namespace persona
