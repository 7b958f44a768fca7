// persona-cli diff: a candidate catalog against the live one, over a customer file.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "client/admin/catalog_diff.h"
#include "client/admin/diff_html.h"
#include "client/admin/target_expansion.h"
#include "client/bulk/progress_bar.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/persona_client.h"

ABSL_FLAG(bool, replace, false,
          "diff: when a candidate is already staged, drop it for this diff instead of refusing.");

namespace persona {
namespace {

int UsageError(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 2;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "error: " << path << ": cannot write\n";
  return static_cast<bool>(out);
}

}  // namespace

int DiffCommand() {
  const std::string catalog = absl::GetFlag(FLAGS_catalog);
  const std::string html = absl::GetFlag(FLAGS_output);
  const std::string json = absl::GetFlag(FLAGS_json);
  DiffOptions options;
  options.input = absl::GetFlag(FLAGS_input);
  if (catalog.empty() || options.input.empty() || html.empty()) {
    return UsageError(
        "diff needs --catalog=NEW.json, --input=customers.jsonl and --output=FILE.html");
  }
  if (json == html) return UsageError("--json must differ from --output");
  if (absl::Status status = ExamplesFlagValid(); !status.ok()) {
    return UsageError(std::string(status.message()));
  }
  absl::StatusOr<CustomerFormat> format =
      ResolveCustomerFormat(absl::GetFlag(FLAGS_format), options.input);
  absl::StatusOr<std::optional<int64_t>> as_of = AsOfFlag();
  absl::StatusOr<FleetCallOptions> call_options = FleetCallOptionsFromFlags();
  absl::StatusOr<std::vector<Replica>> replicas =
      ExpandTarget(absl::GetFlag(FLAGS_target), ResolveWithGetaddrinfo);
  for (const absl::Status& status :
       {format.status(), as_of.status(), call_options.status(), replicas.status()}) {
    if (!status.ok()) return UsageError(std::string(status.message()));
  }
  std::ifstream in(catalog, std::ios::binary);
  if (!in) return UsageError(catalog + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  options.catalog_json = text.str();
  options.format = *format;
  options.as_of_unix_seconds = *as_of;
  options.examples_per_change = ExamplesFlag();
  options.replace = absl::GetFlag(FLAGS_replace);
  // One server answers for the fleet: every replica loads the same catalog files.
  const Replica& replica = replicas->front();
  if (replicas->size() > 1) {
    std::cerr << "diff: --target names " << replicas->size() << " replicas; comparing on "
              << replica.address << "\n";
  }

  const DiffRun run = RunDiff(replica, options, *call_options, std::cerr);
  for (const std::string& line : run.rejections) std::cerr << "not compared: " << line << "\n";
  if (run.report.staged()) {
    if (!WriteFile(html, DiffToHtml(run, catalog, options.input))) return 2;
    if (!json.empty() && !WriteFile(json, ToJson(run.report))) return 2;
    std::cerr << "diff: " << GroupThousands(run.records) << " records, "
              << GroupThousands(run.compared) << " compared, " << GroupThousands(run.rejected)
              << " not compared; top-1 agreement "
              << static_cast<int>(run.report.top1_agreement() * 1000 + 0.5) / 10.0 << "%; wrote "
              << html << (json.empty() ? "" : " and ") << json << "\n";
  }
  if (run.exit_code != 0) std::cerr << "error: " << run.error << "\n";
  return run.exit_code;
}

}  // namespace persona
