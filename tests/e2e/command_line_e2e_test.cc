// The command lines of persona-server and persona-cli as an operator meets them: --help,
// refused flag values, how fast an idle server stops, and the customer file layouts batch
// and bench read.
#include <signal.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Abseil prints one flag as `    --name (help text); default: value;` (help may wrap).
::testing::Matcher<std::string> ListsFlag(const std::string& name, const std::string& value) {
  return AllOf(
      HasSubstr(absl::StrCat("    --", name, " (")),
      ::testing::ContainsRegex(absl::StrCat("--", name, " \\([^;]*\\); default: ", value, ";")));
}

// ---------------------------------------------------------------------------------------------
// --help

TEST(E2eHelp, ServerHelpListsItsOwnFlagsWithDefaults) {
  const ProcessResult help = RunProcess({ServerBinary(), "--help"});
  EXPECT_FALSE(help.timed_out);
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
  EXPECT_THAT(help.out, ListsFlag("listen", "\"127.0.0.1:50051\""));
  EXPECT_THAT(help.out, ListsFlag("catalog", "\"\""));
  EXPECT_THAT(help.out, ListsFlag("shutdown_grace_seconds", "10"));
  EXPECT_THAT(help.out, ListsFlag("drain_seconds", "0"));
  EXPECT_THAT(help.out, ListsFlag("watch_debounce_ms", "300"));
  EXPECT_THAT(help.out, ListsFlag("allow_insecure_admin", "false"));
  EXPECT_THAT(help.out, ListsFlag("max_batch_records", "1000"));
  // Only this program's flags: gRPC's and Abseil's own stay in --helpfull.
  EXPECT_THAT(help.out, Not(HasSubstr("--flagfile")));

  // --helpfull (what tests/deploy reads) still lists them, and everything else.
  const ProcessResult full = RunProcess({ServerBinary(), "--helpfull"});
  EXPECT_THAT(full.out, AllOf(ListsFlag("listen", "\"127.0.0.1:50051\""), HasSubstr("--flagfile")));

  const ProcessResult version = RunProcess({ServerBinary(), "--version"});
  EXPECT_THAT(version.out, HasSubstr("persona-server "));
}

TEST(E2eHelp, CliHelpListsItsOwnFlagsWithDefaults) {
  const ProcessResult help = RunProcess({CliBinary(), "--help"});
  EXPECT_FALSE(help.timed_out);
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
  EXPECT_THAT(help.out, HasSubstr("persona-cli <command>"));  // the usage text comes first
  EXPECT_THAT(help.out, ListsFlag("target", "\"127.0.0.1:50051\""));
  EXPECT_THAT(help.out, ListsFlag("window", "256"));
  EXPECT_THAT(help.out, ListsFlag("batch_size", "256"));
  EXPECT_THAT(help.out, ListsFlag("timeout_seconds", "10"));
  EXPECT_THAT(help.out, ListsFlag("customer", "\"\""));  // persona_cli.cc
  EXPECT_THAT(help.out, ListsFlag("rate", "1000"));      // bench_command.cc
  EXPECT_THAT(help.out, ListsFlag("errors", "\"\""));    // batch_command.cc
  EXPECT_THAT(help.out, Not(HasSubstr("--flagfile")));

  const ProcessResult version = RunProcess({CliBinary(), "--version"});
  EXPECT_THAT(version.out, HasSubstr("persona-cli "));
}

// ---------------------------------------------------------------------------------------------
// Refused flags: exit 2, every flag at fault named, nothing bound.

ProcessResult RunServer(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ServerBinary(), "--catalog=" + DefaultCatalogPath(),
                                   "--plugin_dir=" + PluginDir(), "--listen=127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

TEST(E2eStartup, BadFlagValuesAndCombinationsAreRefusedNamingTheFlags) {
  const ProcessResult negative = RunServer({"--drain_seconds=-1", "--watch_debounce_ms=-5"});
  EXPECT_EQ(negative.exit_code, 2) << negative.Describe();
  EXPECT_THAT(negative.err,
              AllOf(HasSubstr("--drain_seconds=-1"), HasSubstr("--watch_debounce_ms=-5"),
                    Not(HasSubstr("server_started"))));

  const ProcessResult zero = RunServer({"--max_concurrent_streams=0"});
  EXPECT_EQ(zero.exit_code, 2) << zero.Describe();
  EXPECT_THAT(zero.err, HasSubstr("--max_concurrent_streams=0"));

  const ProcessResult client_ca = RunServer({"--tls_client_ca=/nonexistent/ca.pem"});
  EXPECT_EQ(client_ca.exit_code, 2) << client_ca.Describe();
  EXPECT_THAT(client_ca.err, AllOf(HasSubstr("--tls_client_ca"), HasSubstr("--tls_cert")));

  const ProcessResult no_catalog = RunProcess({ServerBinary(), "--plugin_dir=" + PluginDir()});
  EXPECT_EQ(no_catalog.exit_code, 2) << no_catalog.Describe();
  EXPECT_THAT(no_catalog.err, HasSubstr("--catalog is required"));
}

// ---------------------------------------------------------------------------------------------
// SIGTERM on an idle server

// "2026-11-22T10:00:00.123Z" from a log line's "ts" field.
absl::Time LogTime(const std::string& line) {
  const size_t at = line.find("\"ts\":\"");
  absl::Time time = absl::InfinitePast();
  if (at == std::string::npos) return time;
  const std::string ts = line.substr(at + 6, line.find('"', at + 6) - at - 6);
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", ts, absl::UTCTimeZone(), &time, &error)) {
    return absl::InfinitePast();
  }
  return time;
}

TEST(E2eShutdown, IdleServerStopsWithinOneSecondOfSigterm) {
  ServerOptions options = DefaultServerOptions();
  // A grace far longer than the bound: an idle server must not wait for any of it. The metrics
  // endpoint is on, as in every deployment: stopping it is what used to take up to 2 s.
  const int metrics_port = FreeLoopbackPort();
  options.extra_args = {"--shutdown_grace_seconds=30", "--drain_seconds=0",
                        absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port)};
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  // A health Watch stream open at SIGTERM, as a load balancer keeps one: it must not hold the
  // shutdown either.
  auto health = grpc::health::v1::Health::NewStub((*server)->channel());
  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  std::unique_ptr<grpc::ClientReader<grpc::health::v1::HealthCheckResponse>> watch =
      health->Watch(&watch_context, watch_request);
  grpc::health::v1::HealthCheckResponse first;
  ASSERT_TRUE(watch->Read(&first));

  // A scrape just before SIGTERM, as Prometheus does: the metrics listener's 2-second poll
  // restarts at each connection, so without a prompt stop this would take the full 2 s.
  ASSERT_THAT(HttpGet(metrics_port, "/metrics"), HasSubstr("persona_catalog_info"));

  const ServerProcess::StopResult stop = (*server)->Stop(absl::Seconds(20));
  ASSERT_FALSE(stop.killed) << (*server)->Log();
  EXPECT_EQ(stop.exit_code, 0) << (*server)->Log();
  watch_context.TryCancel();

  // The bound is on the server's own clock, from the shutdown_started line (logged as soon as
  // the signal is taken) to shutdown_complete (logged after every part of the server has been
  // destroyed, threads joined): that is the shutdown path this test is about, and it does not
  // include process start-up and exit costs that sanitizer builds inflate (LeakSanitizer scans
  // the heap at exit) nor the test's own polling. On an idle server that path takes tens of
  // milliseconds even under ASan on a loaded machine, so 1 s cannot flake, while any wait on a
  // timer, a grace period or a poll interval of a second or more fails it.
  const std::vector<std::string> started = (*server)->LogLines({"\"event\":\"shutdown_started\""});
  const std::vector<std::string> complete =
      (*server)->LogLines({"\"event\":\"shutdown_complete\""});
  ASSERT_EQ(started.size(), 1u) << (*server)->Log();
  ASSERT_EQ(complete.size(), 1u) << (*server)->Log();
  const absl::Duration took = LogTime(complete[0]) - LogTime(started[0]);
  EXPECT_GE(took, absl::ZeroDuration());
  EXPECT_LT(took, absl::Seconds(1)) << (*server)->Log();
  // And from outside, a bound that catches waiting out the 30 s grace whatever the build.
  EXPECT_LT(stop.took, absl::Seconds(10)) << absl::FormatDuration(stop.took);
}

// ---------------------------------------------------------------------------------------------
// Customer file layouts

class E2eCustomerFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(DefaultServerOptions());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    if (server_ == nullptr) return;
    const absl::Status stopped = server_->StopCleanly();
    EXPECT_TRUE(stopped.ok()) << stopped << "\n" << server_->Log();
  }

  ProcessResult Cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {CliBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--target=" + server_->target());
    return RunProcess(argv);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(E2eCustomerFiles, BatchReadsAPrettyPrintedCustomerFile) {
  const std::string output = dir_.path() + "/out.jsonl";
  const ProcessResult batch =
      Cli({"batch", "--input=" + SourcePath("deploy/examples/hemat-fred.json"),
           "--output=" + output, "--errors=" + dir_.path() + "/errors.jsonl"});
  ASSERT_EQ(batch.exit_code, 0) << batch.Describe();
  const std::vector<std::string> lines =
      absl::StrSplit(ReadFileOrEmpty(output), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << ReadFileOrEmpty(output);
  EXPECT_THAT(lines[0], HasSubstr("hemat-fred"));
}

TEST_F(E2eCustomerFiles, BatchAndBenchReadAJsonArrayAndNumberItsRecords) {
  const std::string fred = ReadFileOrEmpty(SourcePath("deploy/examples/hemat-fred.json"));
  const std::string input =
      dir_.Write("customers.json",
                 absl::StrCat("[\n", fred, ",\n{\"customer_id\": \"x\", \"shoe_size\": 44},\n",
                              fred, "\n]\n"));
  const std::string output = dir_.path() + "/out.jsonl";
  const std::string errors = dir_.path() + "/errors.jsonl";
  const ProcessResult batch =
      Cli({"batch", "--input=" + input, "--output=" + output, "--errors=" + errors});
  EXPECT_EQ(batch.exit_code, 1) << batch.Describe();  // one record was rejected
  const std::vector<std::string> scored =
      absl::StrSplit(ReadFileOrEmpty(output), '\n', absl::SkipEmpty());
  EXPECT_EQ(scored.size(), 2u) << ReadFileOrEmpty(output);
  const std::string rejected = ReadFileOrEmpty(errors);
  // The second element (record index 1), with the line it starts on.
  EXPECT_THAT(rejected,
              AllOf(HasSubstr("\"record\":1"), HasSubstr("shoe_size"), HasSubstr("PARSE_ERROR")));

  const ProcessResult bench = Cli({"bench", "--customers=" + input, "--stream", "--count=5"});
  EXPECT_NE(bench.exit_code, 0) << bench.Describe();
  EXPECT_THAT(bench.err, AllOf(HasSubstr(input + ": record 2 (line "), HasSubstr("shoe_size")));

  const std::string good = dir_.Write("good.json", absl::StrCat("[", fred, ",", fred, "]"));
  const ProcessResult good_bench = Cli({"bench", "--customers=" + good, "--stream", "--count=5"});
  EXPECT_EQ(good_bench.exit_code, 0) << good_bench.Describe();
}

TEST_F(E2eCustomerFiles, AFileThatIsNoCustomerJsonSaysWhichLayoutsAreAccepted) {
  const std::string input = dir_.Write("notes.json", "customer_id,age\nc1,40\n");
  const ProcessResult batch =
      Cli({"batch", "--input=" + input, "--output=" + dir_.path() + "/out.jsonl"});
  EXPECT_EQ(batch.exit_code, 2) << batch.Describe();
  EXPECT_THAT(batch.err, AllOf(HasSubstr(input), HasSubstr("JSON Lines"),
                               HasSubstr("array of objects"), HasSubstr("--format=csv")));
}

// persona-cli batch sends ScoreCustomerBatches by default; --batch_size=1 sends the
// per-customer ScoreCustomers stream. Both must write the same files, record for record.
TEST_F(E2eCustomerFiles, BatchWritesTheSameFilesWithAndWithoutBatches) {
  for (const std::string format : {"csv", "jsonl"}) {
    SCOPED_TRACE(format);
    const std::string generated = dir_.path() + "/generated." + format;
    const ProcessResult generate =
        Cli({"generate", "customers", "--count=700", "--seed=5", "--output=" + generated});
    ASSERT_EQ(generate.exit_code, 0) << generate.Describe();
    std::vector<std::string> lines =
        absl::StrSplit(ReadFileOrEmpty(generated), '\n', absl::SkipEmpty());
    ASSERT_GT(lines.size(), 600u);
    // Records the client cannot read and, in JSON, one the server refuses, among good ones
    // (after the CSV header), so batches carry them in the middle.
    lines.insert(lines.begin() + 300, format == "csv" ? "cust-bad,abc" : "{not json");
    if (format == "jsonl") {
      lines.insert(lines.begin() + 450, R"({"customer_id":"old","demographics":{"age":300}})");
    }
    const std::string input =
        dir_.Write("customers." + format, absl::StrCat(absl::StrJoin(lines, "\n"), "\n"));

    std::vector<std::string> outputs, errors;
    for (const std::string batch_size : {"256", "1", "7"}) {
      const std::string output = absl::StrCat(dir_.path(), "/out_", batch_size, ".", format);
      const std::string errors_file = absl::StrCat(dir_.path(), "/errors_", batch_size, ".jsonl");
      const ProcessResult batch =
          Cli({"batch", "--input=" + input, "--output=" + output, "--errors=" + errors_file,
               "--batch_size=" + batch_size, "--window=64", "--as_of=2026-11-22T00:00:00Z"});
      EXPECT_EQ(batch.exit_code, 1) << batch.Describe();  // records were rejected
      outputs.push_back(ReadFileOrEmpty(output));
      // Read errors are written as they are read and server errors as they are answered,
      // so the two kinds interleave differently from run to run: compared as a set.
      std::vector<std::string> rejected =
          absl::StrSplit(ReadFileOrEmpty(errors_file), '\n', absl::SkipEmpty());
      std::sort(rejected.begin(), rejected.end());
      errors.push_back(absl::StrJoin(rejected, "\n"));
    }
    const std::vector<std::string> scored = absl::StrSplit(outputs[0], '\n', absl::SkipEmpty());
    EXPECT_GT(scored.size(), 600u);
    EXPECT_EQ(outputs[1], outputs[0]) << "--batch_size=1 wrote other results";
    EXPECT_EQ(outputs[2], outputs[0]) << "--batch_size=7 wrote other results";
    EXPECT_EQ(errors[1], errors[0]);
    EXPECT_EQ(errors[2], errors[0]);
    EXPECT_THAT(errors[0], HasSubstr("PARSE_ERROR"));
    if (format == "jsonl") {
      EXPECT_THAT(errors[0],
                  AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr("customer.demographics.age")));
    }
  }
}

}  // namespace
}  // namespace persona::e2e
