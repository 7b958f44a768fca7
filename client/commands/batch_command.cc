// persona-cli batch: a customer file in, one scored line per customer out.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/bulk/batch.h"
#include "client/bulk/progress_bar.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/persona_client.h"

ABSL_FLAG(std::string, errors, "",
          "batch: where rejected records go, one JSON line each (default: OUTPUT.errors.jsonl).");
ABSL_FLAG(std::string, output_format, "",
          "batch: jsonl or csv (default: from --output's extension, JSON Lines unless .csv).");

namespace persona {

int BatchCommand() {
  BatchOptions options;
  options.score.input = absl::GetFlag(FLAGS_input);
  options.output = absl::GetFlag(FLAGS_output);
  if (options.score.input.empty() || options.output.empty()) {
    std::fprintf(stderr, "error: batch needs --input=FILE and --output=FILE\n");
    return 2;
  }
  options.errors = absl::GetFlag(FLAGS_errors);
  if (options.errors.empty()) options.errors = options.output + ".errors.jsonl";
  absl::StatusOr<CustomerFormat> input_format =
      ResolveCustomerFormat(absl::GetFlag(FLAGS_format), options.score.input);
  absl::StatusOr<ResultFormat> output_format =
      ResolveResultFormat(absl::GetFlag(FLAGS_output_format), options.output);
  absl::StatusOr<std::optional<int64_t>> as_of = AsOfFlag();
  for (const absl::Status& status :
       {input_format.status(), output_format.status(), as_of.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
      return 2;
    }
  }
  options.score.format = *input_format;
  options.output_format = *output_format;
  options.score.as_of_unix_seconds = *as_of;
  options.score.top_k = absl::GetFlag(FLAGS_top_k).value_or(1);
  options.score.persona_ids = PersonaIdsFlag();
  options.score.window = absl::GetFlag(FLAGS_window);
  options.score.batch_size = absl::GetFlag(FLAGS_batch_size);
  options.score.progress = absl::GetFlag(FLAGS_progress);

  auto stub = persona::v1::PersonaScoring::NewStub(
      MakeChannel(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_lb), false));
  absl::StatusOr<ScoreFileSummary> summary = RunBatch(*stub, options);
  if (!summary.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(summary.status().message()).c_str());
    return 2;
  }
  const double seconds = absl::ToDoubleSeconds(summary->elapsed);
  std::fprintf(
      stderr, "batch: %s records: %s scored, %s rejected in %.2fs (%s customers/s)\n",
      GroupThousands(summary->records).c_str(), GroupThousands(summary->scored).c_str(),
      GroupThousands(summary->rejected).c_str(), seconds,
      GroupThousands(
          static_cast<uint64_t>(seconds > 0 ? static_cast<double>(summary->records) / seconds : 0))
          .c_str());
  if (!summary->stream_status.ok()) {
    std::fprintf(stderr, "error: the stream failed: %s\n",
                 DescribeStatus(summary->stream_status).c_str());
  }
  if (summary->rejected > 0) {
    std::fprintf(stderr, "rejected records are listed in %s\n", options.errors.c_str());
    return 1;
  }
  return summary->stream_status.ok() ? 0 : 1;
}

}  // namespace persona
