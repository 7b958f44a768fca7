// persona-cli bench: an open-loop (or closed-loop) load generator, and bulk stream throughput.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/bulk/progress_bar.h"
#include "client/bulk/result_writer.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/loadgen/load_generator.h"
#include "client/loadgen/stream_load.h"
#include "client/persona_client.h"
#include "client/synthetic/customer_generator.h"
#include "client/text/customer_reader.h"
#include "client/text/json_writer.h"

ABSL_FLAG(double, rate, 1000, "bench: calls per second (open loop).");
ABSL_FLAG(double, duration, 10, "bench: seconds of measured load.");
ABSL_FLAG(std::string, customers, "",
          "bench: customers to send: JSON (JSON Lines, one object, or an array of objects) or "
          "CSV (default: 1000 generated with --seed).");
ABSL_FLAG(int32_t, concurrency, 1,
          "bench: open loop: connections the schedule is spread over; closed loop: calls in "
          "flight; --stream: parallel streams.");
ABSL_FLAG(bool, closed_loop, false,
          "bench: keep --concurrency calls in flight instead of a fixed rate (max throughput).");
ABSL_FLAG(int32_t, connections, 0,
          "bench --closed_loop: connections the calls are spread over (0: one per call, <= 8).");
ABSL_FLAG(std::string, method, "",
          "bench: the method to call: a PersonaScoring method name or a full path such as "
          "/persona.bench.v1.Echo/Echo (the same request bytes are sent). Default "
          "ScoreCustomer, with --stream ScoreCustomers (or ScoreCustomerBatches, batches of "
          "--batch_size).");
ABSL_FLAG(double, warmup_seconds, 1, "bench: unmeasured closed-loop calls before measuring.");
ABSL_FLAG(bool, stream, false,
          "bench: measure bulk throughput instead: --count requests through ScoreCustomers.");

namespace persona {
namespace {

absl::StatusOr<std::vector<persona::v1::ScoreCustomerRequest>> LoadRequests() {
  std::vector<persona::v1::ScoreCustomerRequest> requests;
  persona::v1::ScoreCustomerRequest request;
  request.set_top_k(absl::GetFlag(FLAGS_top_k).value_or(0));
  for (const std::string& id : PersonaIdsFlag()) request.add_persona_ids(id);
  absl::StatusOr<std::optional<int64_t>> as_of = AsOfFlag();
  if (!as_of.ok()) return as_of.status();
  if (*as_of) request.mutable_as_of()->set_seconds(**as_of);

  const std::string path = absl::GetFlag(FLAGS_customers);
  if (path.empty()) {
    synthetic::CustomerGenerator generator(absl::GetFlag(FLAGS_seed));
    for (int i = 0; i < 1000; ++i) {
      generator.Next(request.mutable_customer());
      requests.push_back(request);
    }
    return requests;
  }
  absl::StatusOr<CustomerFormat> format = ResolveCustomerFormat(absl::GetFlag(FLAGS_format), path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::unique_ptr<CustomerReader>> reader = CustomerReader::Open(path, *format);
  if (!reader.ok()) return reader.status();
  CustomerRecord record;
  while ((*reader)->Next(request.mutable_customer(), &record)) {
    if (!record.status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", (*reader)->Where(record), ": ", record.status.message()));
    }
    requests.push_back(request);
  }
  if (requests.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no customers"));
  return requests;
}

std::string Millis(int64_t nanos) { return absl::StrFormat("%.3f", nanos / 1e6); }

bool Emit(const std::string& json) {
  const std::string path = absl::GetFlag(FLAGS_json);
  if (path.empty()) return true;
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Open(path);
  absl::Status status = file.ok() ? absl::OkStatus() : file.status();
  if (file.ok()) {
    (*file)->Write(json + "\n");
    status = (*file)->Close();
  }
  if (!status.ok()) std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return status.ok();
}

int Stream(const std::vector<persona::v1::ScoreCustomerRequest>& requests) {
  StreamLoadOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.lb_policy = absl::GetFlag(FLAGS_lb);
  options.method = absl::GetFlag(FLAGS_method);
  if (options.method.empty()) options.method = "ScoreCustomers";
  if (!absl::StartsWith(options.method, "/")) {
    options.method = absl::StrCat("/persona.v1.PersonaScoring/", options.method);
  }
  for (const auto& request : requests) options.requests.push_back(request.SerializeAsString());
  options.count = absl::GetFlag(FLAGS_count);
  options.streams = absl::GetFlag(FLAGS_concurrency);
  options.window = absl::GetFlag(FLAGS_window);
  if (absl::EndsWith(options.method, "/ScoreCustomerBatches")) {
    // --window counts records, the stream's window messages: whole batches, at least two.
    options.batch_size = std::max<uint32_t>(1, absl::GetFlag(FLAGS_batch_size));
    options.window =
        std::max<size_t>(2, (options.window + options.batch_size - 1) / options.batch_size);
  }
  const StreamLoadResult result = RunStreamLoad(options);
  std::fprintf(
      stderr,
      "stream: %s requests over %d stream(s), window %zu message(s)%s: %s scored, %s "
      "rejected in %.2fs = %s customers/s\n",
      GroupThousands(result.sent).c_str(), options.streams, options.window,
      options.batch_size == 0 ? "" : absl::StrCat(" of ", options.batch_size, " customers").c_str(),
      GroupThousands(result.scored).c_str(), GroupThousands(result.rejected).c_str(),
      absl::ToDoubleSeconds(result.elapsed),
      GroupThousands(static_cast<uint64_t>(result.per_second())).c_str());
  if (result.failed_streams > 0) {
    std::fprintf(stderr, "error: %s stream(s) failed: %s\n",
                 GroupThousands(result.failed_streams).c_str(), result.first_error.c_str());
  }
  JsonWriter json;
  json.BeginObject().Key("mode").String("stream").Key("target").String(options.target);
  json.Key("method").String(options.method);
  json.Key("streams").Int(options.streams).Key("window").Uint(options.window);
  json.Key("batch_size").Uint(options.batch_size);
  json.Key("sent").Uint(result.sent).Key("scored").Uint(result.scored);
  json.Key("rejected").Uint(result.rejected).Key("failed_streams").Uint(result.failed_streams);
  json.Key("seconds").Number(absl::ToDoubleSeconds(result.elapsed));
  json.Key("customers_per_second").Number(result.per_second()).EndObject();
  if (!Emit(json.Take())) return 2;
  return result.failed_streams == 0 && result.rejected == 0 ? 0 : 1;
}

}  // namespace

int BenchCommand() {
  absl::StatusOr<std::vector<persona::v1::ScoreCustomerRequest>> requests = LoadRequests();
  if (!requests.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(requests.status().message()).c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_stream)) return Stream(*requests);

  LoadOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.lb_policy = absl::GetFlag(FLAGS_lb);
  options.method = absl::GetFlag(FLAGS_method);
  if (options.method.empty()) options.method = "ScoreCustomer";
  if (!absl::StartsWith(options.method, "/")) {
    options.method = absl::StrCat("/persona.v1.PersonaScoring/", options.method);
  }
  for (const auto& request : *requests) options.requests.push_back(request.SerializeAsString());
  options.closed_loop = absl::GetFlag(FLAGS_closed_loop);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_duration));
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.connections = absl::GetFlag(FLAGS_connections);
  options.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  options.warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  if (!options.closed_loop && options.rate <= 0) {
    std::fprintf(stderr, "error: --rate must be positive\n");
    return 2;
  }

  LatencyHistogram latency;
  const LoadResult result = RunLoad(options, &latency);
  const char* mode = options.closed_loop ? "closed_loop" : "open_loop";
  // With --json=- stdout carries the JSON alone.
  std::FILE* out = absl::GetFlag(FLAGS_json) == "-" ? stderr : stdout;
  std::fprintf(out, "%s %s on %s: %s calls started, %s completed, %s OK in %.2fs = %.0f OK/s\n",
               mode, options.method.c_str(), options.target.c_str(),
               GroupThousands(result.started).c_str(), GroupThousands(result.completed).c_str(),
               GroupThousands(result.ok()).c_str(), absl::ToDoubleSeconds(result.elapsed),
               result.throughput());
  std::fprintf(out, "latency ms (%s): p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s\n",
               options.closed_loop ? "from send" : "from scheduled start",
               Millis(latency.Percentile(0.5)).c_str(), Millis(latency.Percentile(0.9)).c_str(),
               Millis(latency.Percentile(0.99)).c_str(), Millis(latency.Percentile(0.999)).c_str(),
               Millis(latency.max()).c_str(), Millis(static_cast<int64_t>(latency.mean())).c_str());
  std::string codes;
  for (size_t c = 0; c < result.by_code.size(); ++c) {
    if (result.by_code[c] == 0) continue;
    absl::StrAppend(&codes, codes.empty() ? "" : ", ", StatusCodeName(static_cast<int>(c)), " ",
                    GroupThousands(result.by_code[c]));
  }
  std::fprintf(out, "status: %s\n", codes.empty() ? "(no calls completed)" : codes.c_str());
  if (!options.closed_loop && result.max_start_lag > absl::Milliseconds(5)) {
    std::fprintf(out,
                 "note: the load generator started a call up to %s ms late (its own CPU limit; "
                 "the lag is counted in the latencies)\n",
                 Millis(absl::ToInt64Nanoseconds(result.max_start_lag)).c_str());
  }

  JsonWriter json;
  json.BeginObject().Key("mode").String(mode).Key("target").String(options.target);
  json.Key("method").String(options.method);
  if (!options.closed_loop) json.Key("rate").Number(options.rate);
  json.Key("duration_seconds").Number(absl::ToDoubleSeconds(options.duration));
  json.Key("concurrency").Int(options.concurrency);
  json.Key("started").Uint(result.started).Key("completed").Uint(result.completed);
  json.Key("ok").Uint(result.ok()).Key("seconds").Number(absl::ToDoubleSeconds(result.elapsed));
  json.Key("throughput").Number(result.throughput());
  json.Key("latency_ms").BeginObject();
  json.Key("p50").Number(latency.Percentile(0.5) / 1e6);
  json.Key("p90").Number(latency.Percentile(0.9) / 1e6);
  json.Key("p99").Number(latency.Percentile(0.99) / 1e6);
  json.Key("p999").Number(latency.Percentile(0.999) / 1e6);
  json.Key("max").Number(latency.max() / 1e6).Key("mean").Number(latency.mean() / 1e6);
  json.EndObject().Key("status").BeginObject();
  for (size_t c = 0; c < result.by_code.size(); ++c) {
    if (result.by_code[c] > 0)
      json.Key(StatusCodeName(static_cast<int>(c))).Uint(result.by_code[c]);
  }
  json.EndObject();
  json.Key("max_start_lag_ms").Number(absl::ToDoubleMilliseconds(result.max_start_lag));
  json.EndObject();
  if (!Emit(json.Take())) return 2;
  return result.ok() == result.completed && result.completed > 0 ? 0 : 1;
}

}  // namespace persona
