#include "client/commands/cli_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "persona-server address (\"ipv4:127.0.0.1:50051,127.0.0.1:50052\" lists replicas).");
ABSL_FLAG(double, timeout_seconds, 10, "Deadline for each call.");
ABSL_FLAG(std::optional<uint32_t>, top_k, std::nullopt,
          "Return at most this many matches, 0 = all (default: batch 1, otherwise all).");
ABSL_FLAG(bool, explain, false, "score: include the per-criterion breakdown.");
ABSL_FLAG(std::string, persona_ids, "", "Comma-separated persona ids to restrict scoring to.");
ABSL_FLAG(std::string, as_of, "",
          "Reference time for recency, RFC 3339 (e.g. 2026-11-22T00:00:00Z); default now.");
ABSL_FLAG(std::string, input, "", "batch, report: customers, JSON Lines (.jsonl) or CSV (.csv).");
ABSL_FLAG(std::string, output, "", "Output file.");
ABSL_FLAG(std::string, format, "",
          "Customer file format, jsonl or csv (default: from the file's extension).");
ABSL_FLAG(std::string, json, "",
          "report: where the numbers go as JSON (default: beside --output, .json); bench: "
          "write the results as JSON to this file (\"-\" = stdout).");
ABSL_FLAG(uint32_t, window, 256,
          "batch, report, bench --stream: requests sent and not yet answered, at most.");
ABSL_FLAG(uint64_t, seed, 1, "generate, bench: seed of the synthetic data.");
ABSL_FLAG(uint64_t, count, 1000, "generate customers: how many; bench --stream: requests.");
ABSL_FLAG(std::string, lb, "",
          "Load-balancing policy, e.g. round_robin to spread calls over every address of "
          "--target (default: pick_first).");
ABSL_FLAG(bool, progress, true, "batch, report: draw a progress bar when stderr is a terminal.");

namespace persona {

absl::StatusOr<std::optional<int64_t>> AsOfFlag() {
  const std::string as_of = absl::GetFlag(FLAGS_as_of);
  if (as_of.empty()) return std::optional<int64_t>();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, as_of, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("--as_of: ", error));
  }
  return std::optional<int64_t>(absl::ToUnixSeconds(t));
}

std::vector<std::string> PersonaIdsFlag() {
  return absl::StrSplit(absl::GetFlag(FLAGS_persona_ids), ',', absl::SkipWhitespace());
}

}  // namespace persona
