// persona-cli stage, shadow, promote, discard, rollback, history: the safe catalog change,
// on every replica --target names.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "client/admin/fleet_admin.h"
#include "client/admin/target_expansion.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/persona_client.h"

ABSL_FLAG(double, sample, 0.05,
          "stage: share of live scoring requests scored again against the candidate, 0..1 "
          "(0 = no shadowing; diff always stages with 0).");
ABSL_FLAG(std::string, expect, "",
          "promote: promote only a candidate of this version (what you reviewed in shadow); "
          "a replica staging another one refuses.");
ABSL_FLAG(std::string, to, "",
          "rollback: the catalog version to return to (default: the one live before the "
          "current one).");
ABSL_FLAG(uint32_t, examples, 5, "shadow, diff: example customer ids per persona change, 1..20.");

namespace persona {
namespace {

int UsageError(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 2;
}

}  // namespace

bool IsCatalogChangeCommand(const std::string& command) {
  return command == "stage" || command == "shadow" || command == "promote" ||
         command == "discard" || command == "rollback" || command == "history";
}

absl::StatusOr<FleetCallOptions> FleetCallOptionsFromFlags() {
  absl::StatusOr<std::string> token = AdminTokenFlag();
  if (!token.ok()) return token.status();
  FleetCallOptions options;
  options.admin_token = *std::move(token);
  options.timeout_seconds = absl::GetFlag(FLAGS_timeout_seconds);
  return options;
}

absl::Status ExamplesFlagValid() {
  const uint32_t examples = absl::GetFlag(FLAGS_examples);
  if (examples < 1 || examples > 20) {
    return absl::InvalidArgumentError("--examples: must be 1..20");
  }
  return absl::OkStatus();
}

uint32_t ExamplesFlag() { return absl::GetFlag(FLAGS_examples); }

int CatalogChangeCommand(const std::string& command) {
  absl::StatusOr<std::vector<Replica>> replicas =
      ExpandTarget(absl::GetFlag(FLAGS_target), ResolveWithGetaddrinfo);
  if (!replicas.ok()) return UsageError(std::string(replicas.status().message()));
  absl::StatusOr<FleetCallOptions> options = FleetCallOptionsFromFlags();
  if (!options.ok()) return UsageError(std::string(options.status().message()));

  if (command == "stage") {
    const std::string file = absl::GetFlag(FLAGS_catalog);
    if (file.empty()) return UsageError("stage needs --catalog=FILE.json");
    const double sample = absl::GetFlag(FLAGS_sample);
    if (!(sample >= 0 && sample <= 1)) return UsageError("--sample: must be 0..1");
    std::ifstream in(file, std::ios::binary);
    if (!in) return UsageError(file + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    persona::v1::StageCatalogRequest request;
    request.set_catalog_json(text.str());
    request.set_shadow_sample_rate(sample);
    return ReportOutcomes("stage", StageOnFleet(*replicas, request, *options), std::cout,
                          std::cerr);
  }
  if (command == "shadow") {
    if (absl::Status status = ExamplesFlagValid(); !status.ok()) {
      return UsageError(std::string(status.message()));
    }
    const std::string json = absl::GetFlag(FLAGS_json);
    FleetShadow fleet = ShadowOfFleet(*replicas, ExamplesFlag(), *options);
    // With --json=- stdout carries the JSON alone.
    std::ostream& lines = json == "-" ? std::cerr : std::cout;
    const int code = ReportOutcomes("shadow", fleet.outcomes, lines, std::cerr);
    if (json == "-") {
      std::cout << ToJson(fleet.merged);
      return code;
    }
    lines << "\n" << FormatShadowReport(fleet.merged);
    if (!json.empty()) {
      std::ofstream out(json, std::ios::binary | std::ios::trunc);
      out << ToJson(fleet.merged);
      out.close();
      if (!out) return UsageError(json + ": cannot write");
    }
    return code;
  }
  if (command == "promote") {
    persona::v1::PromoteCatalogRequest request;
    request.set_expected_candidate_version(absl::GetFlag(FLAGS_expect));
    if (request.expected_candidate_version().empty() && replicas->size() > 1) {
      std::cerr << "note: without --expect each replica promotes whatever it stages; "
                   "--expect=VERSION promotes only the version shadow showed\n";
    }
    return ReportOutcomes("promote", PromoteOnFleet(*replicas, request, *options), std::cout,
                          std::cerr);
  }
  if (command == "discard") {
    return ReportOutcomes("discard", DiscardOnFleet(*replicas, *options), std::cout, std::cerr);
  }
  if (command == "rollback") {
    persona::v1::RollbackCatalogRequest request;
    request.set_to_version(absl::GetFlag(FLAGS_to));
    return ReportOutcomes("rollback", RollbackOnFleet(*replicas, request, *options), std::cout,
                          std::cerr);
  }
  return ReportOutcomes("history", HistoryOfFleet(*replicas, *options), std::cout, std::cerr);
}

}  // namespace persona
