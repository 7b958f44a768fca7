// Limits and deadlines of the real server: calls that carry no deadline get the
// server's default one, ScoreCustomers streams included, and overload is refused with
// RESOURCE_EXHAUSTED instead of queueing. A slow segmenter (the toy fixture told to stall)
// stands in for the overload.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kSlowMs = 600;

// "quick" answers at once; "slow" stalls its segmenter call for kSlowMs.
std::string SlowCatalog() {
  return absl::StrCat(
      R"({"version": "limits-1", "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so"}],)",
      R"( "personas": [)",
      R"({"id": "quick", "display_name": "Quick", "criteria": [{"segmenter": "toy", "weight": 1,)",
      R"( "params": {"affinity": 0.9}}]},)",
      R"({"id": "slow", "display_name": "Slow", "criteria": [{"segmenter": "toy", "weight": 1,)",
      R"( "params": {"affinity": 0.9, "delay_ms": )", kSlowMs, "}}]}]}");
}

class E2eCallLimits : public ::testing::Test {
 protected:
  void StartServer(const std::vector<std::string>& flags) {
    const fs::path plugins = fs::path(dir_.path()) / "plugins";
    fs::create_directories(plugins);
    fs::copy_file(fs::path(FixturePluginDir()) / "libsegmenter_toy.so",
                  plugins / "libsegmenter_toy.so");
    metrics_port_ = FreeLoopbackPort();
    ServerOptions options;
    options.binary = ServerBinary();
    options.catalog = dir_.Write("catalog.json", SlowCatalog());
    options.plugin_dir = plugins.string();
    options.extra_args = flags;
    options.extra_args.push_back(absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_));
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = persona::v1::PersonaScoring::NewStub(server_->channel());
  }

  // Deadline 0: the call carries none.
  grpc::Status Score(const std::string& persona, absl::Duration deadline) {
    persona::v1::ScoreCustomerRequest request;
    request.mutable_customer()->set_customer_id("limits-probe");
    request.add_persona_ids(persona);
    persona::v1::ScoreCustomerResponse response;
    grpc::ClientContext context;
    if (deadline > absl::ZeroDuration())
      context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    return stub_->ScoreCustomer(&context, request, &response);
  }

  TempDir dir_;
  int metrics_port_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> stub_;
};

TEST_F(E2eCallLimits, UnaryCallWithoutDeadlineGetsTheServerDefault) {
  StartServer({"--default_deadline_ms=200"});
  // Fast scoring is untouched by the default.
  EXPECT_TRUE(Score("quick", absl::ZeroDuration()).ok());
  // A slow segmenter overruns the default: the answer is DEADLINE_EXCEEDED, naming the flag.
  const grpc::Status late = Score("slow", absl::ZeroDuration());
  EXPECT_EQ(late.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << late.error_message();
  EXPECT_THAT(late.error_message(), HasSubstr("--default_deadline_ms"));
  // A caller that sets a longer deadline of its own gets its answer.
  const grpc::Status patient = Score("slow", absl::Seconds(10));
  EXPECT_TRUE(patient.ok()) << patient.error_message();
  const std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_EQ(MetricValue(metrics,
                        "persona_rpc_requests_total{code=\"DEADLINE_EXCEEDED\",method="
                        "\"ScoreCustomer\"}"),
            1.0);
  EXPECT_TRUE(server_->StopCleanly().ok());
}

TEST_F(E2eCallLimits, OverloadIsRefusedWithResourceExhaustedNotQueued) {
  StartServer({"--max_inflight_calls=1", "--default_deadline_ms=0"});
  // Several callers at once against a segmenter that takes kSlowMs per call: one call is in
  // flight, the others are refused at once rather than queued behind it.
  constexpr int kCallers = 4;
  std::mutex mu;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::thread> callers;
  std::atomic<int> ready{0};
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&] {
      auto stub = persona::v1::PersonaScoring::NewStub(server_->channel());
      ready.fetch_add(1);
      while (ready.load() < kCallers) std::this_thread::yield();
      persona::v1::ScoreCustomerRequest request;
      request.add_persona_ids("slow");
      persona::v1::ScoreCustomerResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      const grpc::Status status = stub->ScoreCustomer(&context, request, &response);
      std::lock_guard<std::mutex> lock(mu);
      ++codes[status.error_code()];
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        EXPECT_THAT(status.error_message(), HasSubstr("--max_inflight_calls"));
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_GE(codes[grpc::StatusCode::OK], 1);
  EXPECT_GE(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 1);
  EXPECT_EQ(codes[grpc::StatusCode::OK] + codes[grpc::StatusCode::RESOURCE_EXHAUSTED], kCallers)
      << "every call either ran or was refused";
  // Once the load is gone, calls are admitted again (retried briefly: the slot frees when the
  // last slow handler returns, which races with its client seeing the answer).
  int late_refusals = 0;
  grpc::Status admitted;
  for (int attempt = 0; attempt < 100; ++attempt) {
    admitted = Score("quick", absl::Seconds(10));
    if (admitted.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    ++late_refusals;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(admitted.ok()) << admitted.error_message();
  EXPECT_LE(late_refusals, 10);
  const std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_EQ(MetricValue(metrics,
                        "persona_rpc_requests_total{code=\"RESOURCE_EXHAUSTED\",method="
                        "\"ScoreCustomer\"}"),
            static_cast<double>(codes[grpc::StatusCode::RESOURCE_EXHAUSTED] + late_refusals));
  EXPECT_TRUE(server_->StopCleanly().ok());
}

TEST_F(E2eCallLimits, StreamWithoutDeadlineEndsAtTheServerDefault) {
  StartServer({"--default_stream_deadline_seconds=1"});
  grpc::ClientContext context;  // no deadline
  auto stream = stub_->ScoreCustomers(&context);
  persona::v1::ScoreCustomerRequest request;
  request.mutable_customer()->set_customer_id("stream-probe");
  request.add_persona_ids("quick");
  ASSERT_TRUE(stream->Write(request));
  persona::v1::ScoreCustomersResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_code(), 0);
  // The client now idles without half-closing: the server ends the stream.
  const absl::Time idle_since = absl::Now();
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("--default_stream_deadline_seconds"));
  EXPECT_LT(absl::Now() - idle_since, absl::Seconds(10));
  // The stream is counted when gRPC is done with it (OnDone), which can come a moment after
  // the client saw the status: poll, bounded.
  std::optional<double> counted;
  for (int attempt = 0; attempt < 100; ++attempt) {
    counted = MetricValue(HttpGet(metrics_port_, "/metrics"),
                          "persona_rpc_requests_total{code=\"DEADLINE_EXCEEDED\",method="
                          "\"ScoreCustomers\"}");
    if (counted == 1.0) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(counted, 1.0);
  EXPECT_TRUE(server_->StopCleanly().ok());
}

TEST_F(E2eCallLimits, StreamWithItsOwnDeadlineOutlivesTheDefault) {
  StartServer({"--default_stream_deadline_seconds=1"});
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub_->ScoreCustomers(&context);
  persona::v1::ScoreCustomerRequest request;
  request.add_persona_ids("quick");
  persona::v1::ScoreCustomersResponse response;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  absl::SleepFor(absl::Milliseconds(1500));  // past the server default
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.index(), 1u);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(server_->StopCleanly().ok());
}

// Connections are recycled (GOAWAY) after --max_connection_age_seconds so round_robin over
// DNS finds new replicas; a stream open at that moment carries on, new calls reconnect.
TEST_F(E2eCallLimits, MaxConnectionAgeRecyclesConnectionsWithoutFailingCalls) {
  StartServer({"--max_connection_age_seconds=1"});
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub_->ScoreCustomers(&context);
  persona::v1::ScoreCustomerRequest request;
  request.add_persona_ids("quick");
  persona::v1::ScoreCustomersResponse response;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  for (int i = 0; i < 15; ++i) {  // three connection ages, with jitter
    absl::SleepFor(absl::Milliseconds(200));
    const grpc::Status status = Score("quick", absl::Seconds(10));
    ASSERT_TRUE(status.ok()) << "call " << i << ": " << status.error_message();
  }
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.index(), 1u);
  ASSERT_TRUE(stream->WritesDone());
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(server_->StopCleanly().ok());
}

}  // namespace
}  // namespace persona::e2e
