// persona-cli report: a customer file in, a self-contained HTML summary (and its JSON) out,
// the label distributions as text on stdout.
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "client/bulk/progress_bar.h"
#include "client/bulk/report.h"
#include "client/bulk/report_html.h"
#include "client/bulk/result_writer.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/persona_client.h"

namespace persona {
namespace {

std::string JsonPathBeside(const std::string& html) {
  const size_t dot = html.rfind('.');
  const size_t slash = html.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return html + ".json";
  }
  return html.substr(0, dot) + ".json";
}

bool WriteText(const std::string& path, const std::string& text) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Open(path);
  absl::Status status = file.ok() ? absl::OkStatus() : file.status();
  if (file.ok()) {
    (*file)->Write(text);
    status = (*file)->Close();
  }
  if (!status.ok()) std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return status.ok();
}

}  // namespace

int ReportCommand() {
  ScoreFileOptions options;
  options.input = absl::GetFlag(FLAGS_input);
  const std::string html_path = absl::GetFlag(FLAGS_output);
  if (options.input.empty() || html_path.empty()) {
    std::fprintf(stderr, "error: report needs --input=FILE and --output=report.html\n");
    return 2;
  }
  std::string json_path = absl::GetFlag(FLAGS_json);
  if (json_path.empty()) json_path = JsonPathBeside(html_path);
  if (json_path == html_path) {
    std::fprintf(stderr, "error: --json must differ from --output\n");
    return 2;
  }
  absl::StatusOr<CustomerFormat> format =
      ResolveCustomerFormat(absl::GetFlag(FLAGS_format), options.input);
  absl::StatusOr<std::optional<int64_t>> as_of = AsOfFlag();
  for (const absl::Status& status : {format.status(), as_of.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
      return 2;
    }
  }
  options.format = *format;
  options.as_of_unix_seconds = *as_of;
  options.top_k = 0;  // every match: pairs and histograms need them all
  options.persona_ids = PersonaIdsFlag();
  options.window = absl::GetFlag(FLAGS_window);
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  options.progress = absl::GetFlag(FLAGS_progress);

  auto stub = persona::v1::PersonaScoring::NewStub(
      MakeChannel(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_lb), false));
  // The catalog's personas first, so a persona nobody matches still shows (with zeros).
  persona::v1::ListPersonasResponse listed;
  grpc::ClientContext context;
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(absl::GetFlag(FLAGS_timeout_seconds) * 1000)));
  if (grpc::Status status = stub->ListPersonas(&context, {}, &listed); !status.ok()) {
    std::fprintf(stderr, "error: %s\n", DescribeStatus(status).c_str());
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> personas;
  for (const auto& p : listed.personas()) personas.emplace_back(p.id(), p.display_name());

  ReportBuilder builder(personas);
  absl::StatusOr<ScoreFileSummary> summary = ScoreFile(*stub, options, builder);
  if (!summary.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(summary.status().message()).c_str());
    return 2;
  }
  const Report report = builder.Build();
  if (!WriteText(html_path, ReportToHtml(report, options.input)) ||
      !WriteText(json_path, ReportToJson(report))) {
    return 2;
  }
  // The label distributions on stdout: the marketers' three questions answered in the
  // terminal, without opening the page.
  std::fputs(LabelsToText(report).c_str(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "report: %s records, %s scored, %s rejected; wrote %s and %s\n",
               GroupThousands(report.records).c_str(), GroupThousands(report.scored).c_str(),
               GroupThousands(report.rejected).c_str(), html_path.c_str(), json_path.c_str());
  if (!summary->stream_status.ok()) {
    std::fprintf(stderr, "error: the stream failed: %s\n",
                 DescribeStatus(summary->stream_status).c_str());
    return 1;
  }
  return 0;
}

}  // namespace persona
