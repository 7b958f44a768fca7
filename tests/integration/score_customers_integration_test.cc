// The bulk stream (ScoreCustomers) in-process with the real plugins and the default catalog,
// and the persona-cli batch/report drivers against it: ordering, equivalence with the unary
// RPC, per-record errors, flow control, the end of the stream, and the record accounting.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "client/bulk/batch.h"
#include "client/bulk/report.h"
#include "client/bulk/score_file.h"
#include "client/loadgen/load_generator.h"
#include "client/loadgen/stream_load.h"
#include "client/persona_client.h"
#include "client/synthetic/customer_generator.h"
#include "client/text/customer_csv.h"
#include "client/text/customer_json.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/persona_scoring_service.h"
#include "service/grpc/score_customers_reactor.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using persona::v1::ScoreCustomerRequest;
using persona::v1::ScoreCustomerResponse;
using persona::v1::ScoreCustomersResponse;
using ::testing::HasSubstr;

constexpr int64_t kAsOf = 1795305600;  // 2026-11-22T00:00:00Z

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> ReadLines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Counts what the stream reports for metrics.
class CountingObserver final : public RpcObserver {
 public:
  void OnRpcDone(std::string_view method, absl::StatusCode code, absl::Duration) override {
    absl::MutexLock lock(&mu_);
    if (method == "ScoreCustomers") done_codes_.push_back(code);
  }
  void OnScored(const CatalogSnapshot&, const ScoreStats&) override { ++scored_; }

  int64_t scored() const { return scored_.load(); }
  // The server reports a stream when its reactor is done, which may be a moment after the
  // client saw the status.
  std::vector<absl::StatusCode> WaitForDoneCodes(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return done_codes_.size() >= count;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return done_codes_;
  }

 private:
  std::atomic<int64_t> scored_{0};
  absl::Mutex mu_;
  std::vector<absl::StatusCode> done_codes_ ABSL_GUARDED_BY(mu_);
};

class ScoreCustomersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("score_customers_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    catalog_path_ = (dir_ / "catalog.json").string();
    catalog_text_ = ReadText(fs::path(PERSONA_SOURCE_DIR) / "deploy/catalog/catalog.json");
    std::ofstream(catalog_path_) << catalog_text_;
    CatalogLoaderOptions options;
    options.plugin_dir = PERSONA_PLUGIN_DIR;
    reloader_ = std::make_unique<CatalogReloader>(&serving_, catalog_path_, options);
  }

  // Starts the server; tests pick the stream limits first.
  void Start(StreamLimits stream_limits = {}) {
    scoring_ = std::make_unique<PersonaScoringService>(&serving_, RequestLimits(), &observer_,
                                                       stream_limits);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(scoring_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    target_ = "127.0.0.1:" + std::to_string(port_);
    stub_ = persona::v1::PersonaScoring::NewStub(MakeChannel(target_));
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    reloader_.reset();
    fs::remove_all(dir_);
  }

  ScoreCustomerRequest Example(const std::string& name) {
    ScoreCustomerRequest request;
    const absl::Status status =
        ReadJsonFile((fs::path(PERSONA_SOURCE_DIR) / "deploy/examples" / (name + ".json")).string(),
                     request.mutable_customer());
    EXPECT_TRUE(status.ok()) << status;
    request.mutable_as_of()->set_seconds(kAsOf);
    return request;
  }

  // `count` generated customers (seed 11) with a fixed as_of.
  static std::vector<ScoreCustomerRequest> Generated(int count, uint32_t top_k = 0) {
    synthetic::CustomerGenerator generator(11);
    std::vector<ScoreCustomerRequest> requests(count);
    for (auto& request : requests) {
      generator.Next(request.mutable_customer());
      request.set_top_k(top_k);
      request.mutable_as_of()->set_seconds(kAsOf);
    }
    return requests;
  }

  // Writes every request on one thread while reading on this one; returns the responses and
  // the stream's final status.
  grpc::Status Stream(const std::vector<ScoreCustomerRequest>& requests,
                      std::vector<ScoreCustomersResponse>* responses) {
    grpc::ClientContext context;
    auto stream = stub_->ScoreCustomers(&context);
    std::thread writer([&] {
      for (const auto& request : requests) {
        if (!stream->Write(request)) break;
      }
      stream->WritesDone();
    });
    ScoreCustomersResponse response;
    while (stream->Read(&response)) responses->push_back(response);
    writer.join();
    return stream->Finish();
  }

  // A client whose HTTP/2 receive windows stay at their initial 64 KiB (no BDP probing), so
  // a client that reads slowly or not at all stalls the server's writes quickly and the
  // same way every run.
  std::unique_ptr<persona::v1::PersonaScoring::Stub> SmallWindowStub() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    return persona::v1::PersonaScoring::NewStub(
        grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(), args));
  }

  grpc::Status Unary(const ScoreCustomerRequest& request, ScoreCustomerResponse* response) {
    grpc::ClientContext context;
    return stub_->ScoreCustomer(&context, request, response);
  }

  fs::path dir_;
  std::string catalog_path_;
  std::string catalog_text_;
  ServingCatalog serving_;
  CountingObserver observer_;
  std::unique_ptr<CatalogReloader> reloader_;
  std::unique_ptr<PersonaScoringService> scoring_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> stub_;
};

TEST_F(ScoreCustomersTest, StreamingGivesTheSameAnswersAsUnary) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<ScoreCustomerRequest> requests;
  for (const char* name : {"hemat-fred", "young-working-mother", "loyal-champion",
                           "high-value-at-risk", "urban-trendsetter"}) {
    ScoreCustomerRequest request = Example(name);
    requests.push_back(request);
    request.set_explain(true);  // the explanations must match too
    requests.push_back(request);
    request.set_top_k(1);
    request.add_persona_ids("hemat-fred");
    request.add_persona_ids("loyal-champion");
    requests.push_back(request);
  }
  for (const auto& request : Generated(300, 3)) requests.push_back(request);

  std::vector<ScoreCustomersResponse> streamed;
  ASSERT_TRUE(Stream(requests, &streamed).ok());
  ASSERT_EQ(streamed.size(), requests.size());
  int with_matches = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    ScoreCustomerResponse unary;
    ASSERT_TRUE(Unary(requests[i], &unary).ok());
    EXPECT_EQ(streamed[i].index(), i);
    EXPECT_EQ(streamed[i].error_code(), 0);
    EXPECT_TRUE(streamed[i].has_result());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(streamed[i].result(), unary))
        << "record " << i << "\nstream: " << streamed[i].result().DebugString()
        << "\nunary: " << unary.DebugString();
    with_matches += unary.matches_size() > 0;
  }
  EXPECT_GT(with_matches, 100);  // the comparison is not vacuous
  EXPECT_EQ(observer_.scored(), static_cast<int64_t>(2 * requests.size()));
}

TEST_F(ScoreCustomersTest, ManyRecordsComeBackInOrder) {
  Start(StreamLimits{4, 0});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<ScoreCustomerRequest> requests = Generated(20000, 1);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].mutable_customer()->set_customer_id("c-" + std::to_string(i));
  }
  std::vector<ScoreCustomersResponse> responses;
  const grpc::Status status = Stream(requests, &responses);
  ASSERT_TRUE(status.ok()) << DescribeStatus(status);
  ASSERT_EQ(responses.size(), requests.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    ASSERT_EQ(responses[i].index(), i);
    ASSERT_EQ(responses[i].result().customer_id(), "c-" + std::to_string(i));
  }
  EXPECT_THAT(observer_.WaitForDoneCodes(1), ::testing::ElementsAre(absl::StatusCode::kOk));
}

TEST_F(ScoreCustomersTest, BadRecordsAreAnsweredInTheirOwnResponseAndTheStreamGoesOn) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<ScoreCustomerRequest> requests;
  requests.push_back(Example("hemat-fred"));
  ScoreCustomerRequest bad_age = Example("loyal-champion");
  bad_age.mutable_customer()->mutable_demographics()->set_age(300);
  requests.push_back(bad_age);
  requests.push_back(Example("urban-trendsetter"));
  ScoreCustomerRequest unknown_persona = Example("hemat-fred");
  unknown_persona.add_persona_ids("no-such-persona");
  requests.push_back(unknown_persona);
  ScoreCustomerRequest two_violations = Example("young-working-mother");
  two_violations.mutable_customer()->mutable_demographics()->set_age(300);
  two_violations.mutable_customer()->mutable_psychographics()->mutable_personality()->set_openness(
      2);
  requests.push_back(two_violations);
  requests.push_back(Example("high-value-at-risk"));

  std::vector<ScoreCustomersResponse> responses;
  ASSERT_TRUE(Stream(requests, &responses).ok());
  ASSERT_EQ(responses.size(), 6u);
  for (size_t i = 0; i < responses.size(); ++i) EXPECT_EQ(responses[i].index(), i);
  for (int ok : {0, 2, 5}) {
    EXPECT_EQ(responses[ok].error_code(), 0) << ok;
    EXPECT_TRUE(responses[ok].has_result()) << ok;
  }
  EXPECT_EQ(responses[0].result().customer_id(), "cust-fred-001");

  EXPECT_EQ(responses[1].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(responses[1].has_result());
  EXPECT_THAT(responses[1].error_message(), HasSubstr("customer.demographics.age"));
  // The same error the unary RPC gives.
  ScoreCustomerResponse unary;
  const grpc::Status unary_status = Unary(bad_age, &unary);
  EXPECT_EQ(responses[1].error_message(), unary_status.error_message());

  EXPECT_EQ(responses[3].error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(responses[3].error_message(), HasSubstr("no-such-persona"));

  // With no room for rich details, the record's message lists every violation.
  EXPECT_EQ(responses[4].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(responses[4].error_message(), HasSubstr("customer.demographics.age"));
  EXPECT_THAT(responses[4].error_message(),
              HasSubstr("customer.psychographics.personality.openness"));
  EXPECT_EQ(observer_.scored(), 3);
}

TEST_F(ScoreCustomersTest, UnavailableRecordsBeforeACatalogThenScoresAfterAReloadMidStream) {
  Start();
  grpc::ClientContext context;
  auto stream = stub_->ScoreCustomers(&context);
  ScoreCustomersResponse response;
  // One record at a time, so each is scored against the catalog current at that moment.
  ASSERT_TRUE(stream->Write(Example("hemat-fred")));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(response.index(), 0u);

  ASSERT_TRUE(reloader_->ReloadNow().applied);
  ASSERT_TRUE(stream->Write(Example("hemat-fred")));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_code(), 0);
  EXPECT_EQ(response.result().catalog_version(), "2026-12-07.1");

  std::string next = catalog_text_;
  next.replace(next.find("2026-12-07.1"), 12, "2026-11-22.2");
  std::ofstream(catalog_path_) << next;
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  ASSERT_TRUE(stream->Write(Example("hemat-fred")));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.result().catalog_version(), "2026-11-22.2");
  EXPECT_EQ(response.index(), 2u);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(ScoreCustomersTest, AClientThatDoesNotReadCannotMakeTheServerBufferWithoutBound) {
  Start(StreamLimits{4, 0});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  // Large answers (explanations for every persona) fill the transport's buffers quickly.
  ScoreCustomerRequest request = Example("young-working-mother");
  request.set_explain(true);
  constexpr int kRecords = 20000;
  auto stub = SmallWindowStub();
  grpc::ClientContext context;
  auto stream = stub->ScoreCustomers(&context);
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < kRecords; ++i) {
      if (!stream->Write(request)) break;
      ++written;
    }
    stream->WritesDone();
  });
  // Nothing is read: wait until the server stops scoring.
  int64_t scored = -1;
  for (int settled = 0; settled < 5;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const int64_t now = observer_.scored();
    settled = now == scored ? settled + 1 : 0;
    scored = now;
  }
  // The server read at most its queue (4) plus what fits the client's 64 KiB receive
  // window; without the bound it would have scored everything the client wrote. (What the
  // client could write meanwhile is up to gRPC's transport windows, not the reactor.)
  EXPECT_LT(scored, 200) << "written " << written.load();

  // Reading resumes the stream: every record is answered, in order.
  ScoreCustomersResponse response;
  int read = 0;
  while (stream->Read(&response)) {
    ASSERT_EQ(response.index(), static_cast<uint64_t>(read));
    ASSERT_EQ(response.error_code(), 0);
    ++read;
  }
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(read, kRecords);
}

TEST_F(ScoreCustomersTest, WritesDoneIsAcknowledgedOnlyAfterEveryResponse) {
  Start(StreamLimits{2, 0});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  const std::vector<ScoreCustomerRequest> requests = Generated(500, 2);
  grpc::ClientContext context;
  auto stream = stub_->ScoreCustomers(&context);
  // Everything written and half-closed before a single read: the server must still answer
  // every record before it ends the call.
  std::thread writer([&] {
    for (const auto& r : requests) ASSERT_TRUE(stream->Write(r));
    ASSERT_TRUE(stream->WritesDone());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::vector<ScoreCustomersResponse> responses;
  ScoreCustomersResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  ASSERT_EQ(responses.size(), requests.size());
  EXPECT_EQ(responses.back().index(), requests.size() - 1);
}

TEST_F(ScoreCustomersTest, ASlowReaderGetsEveryAnswerAndOk) {
  Start(StreamLimits{2, 0});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  // Everything is written and half-closed up front, and answers are read slowly, through a
  // small receive window: the server keeps stalling on writes, and the end of the stream
  // still comes only after the last answer, with OK.
  ScoreCustomerRequest request = Example("young-working-mother");
  request.set_explain(true);
  auto stub = SmallWindowStub();
  grpc::ClientContext context;
  auto stream = stub->ScoreCustomers(&context);
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->WritesDone());
  });
  ScoreCustomersResponse response;
  int read = 0;
  while (stream->Read(&response)) {
    ++read;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  writer.join();
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << DescribeStatus(status);
  EXPECT_EQ(read, 100);
}

TEST_F(ScoreCustomersTest, AnEmptyStreamEndsOk) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<ScoreCustomersResponse> responses;
  EXPECT_TRUE(Stream({}, &responses).ok());
  EXPECT_TRUE(responses.empty());
}

TEST_F(ScoreCustomersTest, StreamsOverTheLimitAreRefused) {
  Start(StreamLimits{16, 1});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  grpc::ClientContext first_context;
  auto first = stub_->ScoreCustomers(&first_context);
  ScoreCustomersResponse response;
  ASSERT_TRUE(first->Write(Example("hemat-fred")));
  ASSERT_TRUE(first->Read(&response));  // the first stream is open

  grpc::ClientContext second_context;
  auto second = stub_->ScoreCustomers(&second_context);
  EXPECT_FALSE(second->Read(&response));
  const grpc::Status refused = second->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  first->WritesDone();
  EXPECT_FALSE(first->Read(&response));
  EXPECT_TRUE(first->Finish().ok());
}

TEST_F(ScoreCustomersTest, ACancelledStreamIsCleanedUp) {
  Start(StreamLimits{4, 0});
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  {
    grpc::ClientContext context;
    auto stream = stub_->ScoreCustomers(&context);
    ScoreCustomersResponse response;
    ASSERT_TRUE(stream->Write(Example("hemat-fred")));
    ASSERT_TRUE(stream->Read(&response));
    context.TryCancel();
    while (stream->Read(&response)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_THAT(observer_.WaitForDoneCodes(1), ::testing::ElementsAre(absl::StatusCode::kCancelled));
}

// --- persona-cli batch and report, driven against the in-process server ---

class BulkClientTest : public ScoreCustomersTest {
 protected:
  // Writes `lines` to a file in the test directory.
  std::string WriteInput(const std::string& name, const std::vector<std::string>& lines) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path);
    for (const std::string& line : lines) out << line << "\n";
    return path;
  }

  ScoreFileSummary Batch(const std::string& input, CustomerFormat format,
                         ResultFormat output_format = ResultFormat::kJsonl) {
    BatchOptions options;
    options.score.input = input;
    options.score.format = format;
    options.score.top_k = 2;
    options.score.window = 8;
    options.score.as_of_unix_seconds = kAsOf;
    options.output = (dir_ / "out").string();
    options.output_format = output_format;
    options.errors = (dir_ / "errors.jsonl").string();
    absl::StatusOr<ScoreFileSummary> summary = RunBatch(*stub_, options);
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? *summary : ScoreFileSummary{};
  }
};

TEST_F(BulkClientTest, BatchAccountsForEveryRecordWithBadLinesMixedIn) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<std::string> lines;
  int good = 0;
  for (const auto& request : Generated(400)) {
    lines.push_back(CustomerToJson(request.customer()));
    ++good;
    if (good % 50 == 7) lines.push_back("{not json");                           // parse error
    if (good % 50 == 13) lines.push_back(R"({"customer_id":"u","colour":1})");  // unknown field
    if (good % 50 == 21) lines.push_back(R"({"customer_id":"old","demographics":{"age":300}})");
    if (good % 50 == 29) lines.push_back("   ");  // blank: not a record
  }
  const std::string input = WriteInput("customers.jsonl", lines);
  const ScoreFileSummary summary = Batch(input, CustomerFormat::kJsonl);
  EXPECT_TRUE(summary.stream_status.ok()) << summary.stream_status.error_message();
  EXPECT_EQ(summary.records, 400u + 3 * 8);
  EXPECT_EQ(summary.scored, 400u);
  EXPECT_EQ(summary.rejected, 24u);

  const std::vector<std::string> out = ReadLines(dir_ / "out");
  const std::vector<std::string> errors = ReadLines(dir_ / "errors.jsonl");
  EXPECT_EQ(out.size() + errors.size(), summary.records);
  ASSERT_EQ(out.size(), 400u);
  EXPECT_THAT(out[0], HasSubstr(R"("line":1,"customer_id":"cust-00000001","matches":[)"));
  int parse_errors = 0, server_errors = 0;
  for (const std::string& e : errors) {
    if (e.find(R"("code":"PARSE_ERROR")") != std::string::npos) ++parse_errors;
    if (e.find(R"("code":"INVALID_ARGUMENT")") != std::string::npos) {
      ++server_errors;
      EXPECT_THAT(e, HasSubstr("customer.demographics.age"));
      EXPECT_THAT(e, HasSubstr(R"("customer_id":"old")"));
    }
  }
  EXPECT_EQ(parse_errors, 16);
  EXPECT_EQ(server_errors, 8);
  // The line numbers point at the bad lines.
  for (const std::string& e : errors) {
    const size_t at = e.find(R"("line":)") + 7;
    const int line = std::stoi(e.substr(at));
    ASSERT_GE(line, 1);
    ASSERT_LE(line, static_cast<int>(lines.size()));
    EXPECT_TRUE(lines[line - 1].find("cust-") == std::string::npos) << e;
  }
}

TEST_F(BulkClientTest, BatchReadsCsvAndWritesCsv) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  const CustomerCsvSchema schema = CustomerCsvSchema::Full();
  std::vector<std::string> lines = {schema.Header()};
  for (const auto& request : Generated(50)) lines.push_back(schema.Row(request.customer()));
  lines.insert(lines.begin() + 10, "cust-bad,abc");  // wrong column count
  persona::v1::Customer customer = Generated(1)[0].customer();
  customer.set_customer_id("bad-age");
  customer.mutable_demographics()->set_age(77);
  std::string bad_age = schema.Row(customer);
  bad_age.replace(bad_age.find(",77,"), 4, ",notanumber,");
  lines.push_back(bad_age);
  const std::string input = WriteInput("customers.csv", lines);
  const ScoreFileSummary summary = Batch(input, CustomerFormat::kCsv, ResultFormat::kCsv);
  EXPECT_EQ(summary.records, 52u);
  EXPECT_EQ(summary.scored, 50u);
  const std::vector<std::string> out = ReadLines(dir_ / "out");
  const std::vector<std::string> errors = ReadLines(dir_ / "errors.jsonl");
  ASSERT_EQ(out.size(), 51u);  // a header and one row per scored customer
  EXPECT_EQ(out[0], "line,customer_id,top_persona,top_score,matches,labels,catalog_version");
  EXPECT_THAT(out[1], ::testing::StartsWith("2,cust-00000001,"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors[0] + errors[1], HasSubstr(R"("line":11)"));
  EXPECT_THAT(errors[0] + errors[1], HasSubstr("column age: not a whole number"));
}

TEST_F(BulkClientTest, BatchAccountsForEveryRecordWhenTheServerIsDown) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  server_->Shutdown();
  server_.reset();
  std::vector<std::string> lines;
  for (const auto& request : Generated(30)) lines.push_back(CustomerToJson(request.customer()));
  lines.push_back("{broken");
  const std::string input = WriteInput("customers.jsonl", lines);
  const ScoreFileSummary summary = Batch(input, CustomerFormat::kJsonl);
  EXPECT_FALSE(summary.stream_status.ok());
  EXPECT_EQ(summary.records, 31u);
  EXPECT_EQ(summary.scored, 0u);
  EXPECT_EQ(summary.rejected, 31u);
  EXPECT_EQ(ReadLines(dir_ / "out").size() + ReadLines(dir_ / "errors.jsonl").size(), 31u);
}

TEST_F(BulkClientTest, ReportNumbersMatchTheUnaryAnswers) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::vector<std::string> lines;
  std::vector<ScoreCustomerRequest> requests;
  for (const char* name : {"hemat-fred", "young-working-mother", "loyal-champion",
                           "high-value-at-risk", "urban-trendsetter"}) {
    requests.push_back(Example(name));
  }
  ScoreCustomerRequest nobody;  // no data at all: matches nothing
  nobody.mutable_customer()->set_customer_id("nobody");
  nobody.mutable_as_of()->set_seconds(kAsOf);
  requests.push_back(nobody);
  for (const auto& request : Generated(60)) requests.push_back(request);
  for (const auto& r : requests) lines.push_back(CustomerToJson(r.customer()));
  lines.push_back("{bad");
  const std::string input = WriteInput("customers.jsonl", lines);

  // Expected numbers, from the unary RPC.
  std::map<std::string, uint64_t> top, matched;
  std::map<std::pair<std::string, std::string>, uint64_t> both;
  // Customers per label key, and per (key, value).
  std::map<std::string, uint64_t> labelled;
  std::map<std::pair<std::string, std::string>, uint64_t> label_values;
  uint64_t unmatched = 0;
  for (const auto& r : requests) {
    ScoreCustomerRequest all = r;
    all.set_top_k(0);
    ScoreCustomerResponse response;
    ASSERT_TRUE(Unary(all, &response).ok());
    std::set<std::string> keys;
    std::set<std::pair<std::string, std::string>> values;
    for (const auto& label : response.labels()) {
      keys.insert(label.key());
      values.insert({label.key(), label.value()});
    }
    for (const auto& key : keys) ++labelled[key];
    for (const auto& value : values) ++label_values[value];
    if (response.matches().empty()) ++unmatched;
    if (!response.matches().empty()) ++top[response.matches(0).persona_id()];
    for (const auto& a : response.matches()) {
      ++matched[a.persona_id()];
      for (const auto& b : response.matches()) {
        if (a.persona_id() < b.persona_id()) ++both[{a.persona_id(), b.persona_id()}];
      }
    }
  }
  EXPECT_GE(unmatched, 1u);

  ReportBuilder builder({{"hemat-fred", "Hemat Fred"},
                         {"high-value-at-risk", "High-Value Customer at Risk"},
                         {"loyal-champion", "Loyal Champion"},
                         {"urban-trendsetter", "Urban Trendsetter"},
                         {"young-working-mother", "Young Working Mother"}});
  ScoreFileOptions options;
  options.input = input;
  options.as_of_unix_seconds = kAsOf;
  absl::StatusOr<ScoreFileSummary> summary = ScoreFile(*stub_, options, builder);
  ASSERT_TRUE(summary.ok());
  const Report report = builder.Build();
  EXPECT_EQ(report.records, requests.size() + 1);
  EXPECT_EQ(report.scored, requests.size());
  EXPECT_EQ(report.rejected, 1u);
  EXPECT_EQ(report.unmatched, unmatched);
  ASSERT_EQ(report.personas.size(), 5u);
  for (const PersonaSummaryRow& row : report.personas) {
    EXPECT_EQ(row.top_count, top[row.id]) << row.id;
    EXPECT_EQ(row.match_count, matched[row.id]) << row.id;
    uint64_t histogram_total = 0;
    for (uint64_t n : row.histogram) histogram_total += n;
    EXPECT_EQ(histogram_total, row.match_count) << row.id;
  }
  for (size_t i = 0; i < report.matrix_ids.size(); ++i) {
    for (size_t j = 0; j < report.matrix_ids.size(); ++j) {
      const std::string& a = report.matrix_ids[i];
      const std::string& b = report.matrix_ids[j];
      const uint64_t expected = i == j ? matched[a] : both[{std::min(a, b), std::max(a, b)}];
      EXPECT_EQ(report.co_match[i][j], expected) << a << " & " << b;
    }
  }
  EXPECT_EQ(report.catalog_versions, std::vector<std::string>{"2026-12-07.1"});

  // Label distributions: the bundled lenses' keys, each value's customers as the unary
  // answers carry them (the named keys of other lenses carry nobody here).
  ASSERT_FALSE(labelled.empty());
  size_t keys_seen = 0;
  for (const LabelDistribution& label : report.labels) {
    const auto it = labelled.find(label.key);
    EXPECT_EQ(label.customers, it == labelled.end() ? 0u : it->second) << label.key;
    if (label.customers == 0) continue;
    ++keys_seen;
    uint64_t total = label.other_count;
    for (const LabelValueCount& value : label.values) {
      EXPECT_EQ(value.count, (label_values[{label.key, value.value}]))
          << label.key << "=" << value.value;
      total += value.count;
    }
    EXPECT_EQ(total, label.customers) << label.key;  // one value per customer and key here
  }
  EXPECT_EQ(keys_seen, labelled.size());
}

// --- persona-cli bench's load generator ---

TEST_F(ScoreCustomersTest, LoadGeneratorKeepsItsScheduleAndCountsEveryStatus) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  LoadOptions options;
  options.target = target_;
  ScoreCustomerRequest good = Example("hemat-fred");
  ScoreCustomerRequest bad = good;
  bad.mutable_customer()->mutable_demographics()->set_age(300);
  ScoreCustomerRequest unknown = good;
  unknown.add_persona_ids("nobody");
  options.requests = {good.SerializeAsString(), bad.SerializeAsString(),
                      unknown.SerializeAsString(), good.SerializeAsString()};
  options.rate = 400;
  options.duration = absl::Seconds(1);
  options.concurrency = 2;
  options.warmup = absl::ZeroDuration();
  LatencyHistogram latency;
  const LoadResult open = RunLoad(options, &latency);
  // Open loop: exactly rate × duration calls, whatever the server does.
  EXPECT_EQ(open.started, 400u);
  EXPECT_EQ(open.completed, 400u);
  EXPECT_EQ(open.by_code[grpc::StatusCode::OK], 200u);
  EXPECT_EQ(open.by_code[grpc::StatusCode::INVALID_ARGUMENT], 100u);
  EXPECT_EQ(open.by_code[grpc::StatusCode::NOT_FOUND], 100u);
  EXPECT_EQ(latency.count(), 400u);
  EXPECT_GT(latency.Percentile(0.5), 0);
  EXPECT_GE(open.elapsed, absl::Milliseconds(990));

  options.closed_loop = true;
  options.concurrency = 4;
  options.duration = absl::Milliseconds(300);
  options.requests = {good.SerializeAsString()};
  latency.Reset();
  const LoadResult closed = RunLoad(options, &latency);
  EXPECT_GT(closed.ok(), 10u);
  EXPECT_EQ(closed.ok(), closed.completed);
  EXPECT_EQ(closed.started, closed.completed);
  EXPECT_GT(closed.throughput(), 0.0);
}

TEST_F(ScoreCustomersTest, StreamLoadCountsAnswersAndRejections) {
  Start();
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  ScoreCustomerRequest good = Example("loyal-champion");
  ScoreCustomerRequest bad = good;
  bad.mutable_customer()->mutable_demographics()->set_age(300);
  StreamLoadOptions options;
  options.target = target_;
  options.requests = {good.SerializeAsString(), bad.SerializeAsString()};
  options.count = 1001;
  options.streams = 2;
  options.window = 16;
  const StreamLoadResult result = RunStreamLoad(options);
  EXPECT_EQ(result.failed_streams, 0u) << result.first_error;
  EXPECT_EQ(result.sent, 1001u);
  EXPECT_EQ(result.scored + result.rejected, 1001u);
  EXPECT_NEAR(static_cast<double>(result.rejected), 500.0, 1.0);
}

// --- the flow-control state machine on its own ---

TEST(StreamFlowControlTest, ReadsPauseWhenTheQueueIsFullAndResumeOnWrite) {
  StreamFlowControl flow(2);
  EXPECT_EQ(flow.NextSlot(), 0u);
  StreamFlowControl::Actions a = flow.OnResponseReady();  // record 0 scored
  EXPECT_TRUE(a.start_write);
  EXPECT_EQ(a.write_slot, 0u);
  EXPECT_TRUE(a.start_read);
  EXPECT_EQ(flow.NextSlot(), 1u);
  a = flow.OnResponseReady();  // record 1 scored while 0 is being written: queue full
  EXPECT_FALSE(a.start_write);
  EXPECT_FALSE(a.start_read);
  EXPECT_EQ(flow.pending(), 2u);
  a = flow.OnWriteDone();  // 0 written: 1 goes out, reading resumes
  EXPECT_TRUE(a.start_write);
  EXPECT_EQ(a.write_slot, 1u);
  EXPECT_TRUE(a.start_read);
  EXPECT_FALSE(a.finish);
  EXPECT_EQ(flow.NextSlot(), 0u);  // the ring wrapped
}

TEST(StreamFlowControlTest, FinishesOnlyAfterTheLastWrite) {
  StreamFlowControl flow(4);
  flow.OnResponseReady();
  flow.OnResponseReady();
  StreamFlowControl::Actions a = flow.OnReadsDone();  // client half-closed, 2 pending
  EXPECT_FALSE(a.finish);
  a = flow.OnWriteDone();
  EXPECT_FALSE(a.finish);
  EXPECT_TRUE(a.start_write);
  EXPECT_FALSE(a.start_read);  // no reads after the half-close
  a = flow.OnWriteDone();
  EXPECT_TRUE(a.finish);
  EXPECT_FALSE(a.start_write);
  EXPECT_EQ(flow.pending(), 0u);

  StreamFlowControl idle(4);
  EXPECT_TRUE(idle.OnReadsDone().finish);  // nothing pending: finish at once
}

TEST(StreamFlowControlTest, NeverMoreThanCapacityPendingAndFinishesOnceWhenBroken) {
  StreamFlowControl flow(3);
  size_t reads_outstanding = 1;  // the reactor starts with one read
  for (int step = 0; step < 1000; ++step) {
    StreamFlowControl::Actions a;
    if (reads_outstanding == 1 && (step % 3 != 2 || flow.pending() == 0)) {
      reads_outstanding = 0;
      a = flow.OnResponseReady();
    } else {
      a = flow.OnWriteDone();
    }
    reads_outstanding += a.start_read ? 1 : 0;
    ASSERT_LE(reads_outstanding, 1u);
    ASSERT_LE(flow.pending(), flow.capacity());
    ASSERT_FALSE(a.finish);
  }
  EXPECT_TRUE(flow.OnBroken().finish);
  EXPECT_FALSE(flow.OnBroken().finish);
  EXPECT_FALSE(flow.OnWriteDone().start_write);
}

}  // namespace
}  // namespace persona
