// The batched bulk stream (ScoreCustomerBatches) in-process with the real plugins and the
// default catalog: the same answers as the unary RPC, per-record errors inside a batch, order
// over many batches, the batch size limit, empty batches, flow control, the shared stream limit
// and the default deadline; and persona-cli batch's driver (RunBatch) with and without batches.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "client/bulk/batch.h"
#include "client/loadgen/stream_load.h"
#include "client/persona_client.h"
#include "client/synthetic/customer_generator.h"
#include "client/text/customer_json.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/persona_scoring_service.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;
using persona::v1::ScoreCustomerBatch;
using persona::v1::ScoreCustomerBatchResult;
using persona::v1::ScoreCustomerRequest;
using persona::v1::ScoreCustomerResponse;
using persona::v1::ScoreCustomersResponse;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kAsOf = 1795305600;  // 2026-11-22T00:00:00Z

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Counts what the server reports for metrics, per stream method.
class CountingObserver final : public RpcObserver {
 public:
  void OnRpcDone(std::string_view method, absl::StatusCode code, absl::Duration) override {
    absl::MutexLock lock(&mu_);
    if (method == "ScoreCustomerBatches") batch_codes_.push_back(code);
    if (method == "ScoreCustomers") stream_codes_.push_back(code);
  }
  void OnScored(const CatalogSnapshot&, const ScoreStats&) override { ++scored_; }

  int64_t scored() const { return scored_.load(); }
  // The server reports a stream when its reactor is done, a moment after the client saw it.
  std::vector<absl::StatusCode> WaitForBatchCodes(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return batch_codes_.size() >= count;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return batch_codes_;
  }
  // The same for ScoreCustomers streams: once reported, their stream slot is free.
  std::vector<absl::StatusCode> WaitForStreamCodes(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stream_codes_.size() >= count;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return stream_codes_;
  }

 private:
  std::atomic<int64_t> scored_{0};
  absl::Mutex mu_;
  std::vector<absl::StatusCode> batch_codes_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::StatusCode> stream_codes_ ABSL_GUARDED_BY(mu_);
};

class ScoreBatchesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("score_batches_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    catalog_path_ = (dir_ / "catalog.json").string();
    std::ofstream(catalog_path_) << ReadText(fs::path(PERSONA_SOURCE_DIR) /
                                             "deploy/catalog/catalog.json");
    CatalogLoaderOptions options;
    options.plugin_dir = PERSONA_PLUGIN_DIR;
    reloader_ = std::make_unique<CatalogReloader>(&serving_, catalog_path_, options);
  }

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
    ASSERT_TRUE(reloader_->ReloadNow().applied);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_.reset();
    reloader_.reset();
    fs::remove_all(dir_);
  }

  static ScoreCustomerRequest Example(const std::string& name) {
    ScoreCustomerRequest request;
    const absl::Status status =
        ReadJsonFile((fs::path(PERSONA_SOURCE_DIR) / "deploy/examples" / (name + ".json")).string(),
                     request.mutable_customer());
    EXPECT_TRUE(status.ok()) << status;
    request.mutable_as_of()->set_seconds(kAsOf);
    return request;
  }

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

  // Splits `requests` into batches of the given sizes, in turn (the last size repeats).
  static std::vector<ScoreCustomerBatch> Split(const std::vector<ScoreCustomerRequest>& requests,
                                               const std::vector<int>& sizes) {
    std::vector<ScoreCustomerBatch> batches;
    size_t next = 0;
    for (size_t b = 0; next < requests.size(); ++b) {
      const int size = sizes[std::min(b, sizes.size() - 1)];
      ScoreCustomerBatch& batch = batches.emplace_back();
      for (int i = 0; i < size && next < requests.size(); ++i) {
        *batch.add_requests() = requests[next++];
      }
    }
    return batches;
  }

  // Writes every batch on one thread while reading on this one.
  grpc::Status Stream(const std::vector<ScoreCustomerBatch>& batches,
                      std::vector<ScoreCustomerBatchResult>* results) {
    grpc::ClientContext context;
    auto stream = stub_->ScoreCustomerBatches(&context);
    std::thread writer([&] {
      for (const auto& batch : batches) {
        if (!stream->Write(batch)) break;
      }
      stream->WritesDone();
    });
    ScoreCustomerBatchResult result;
    while (stream->Read(&result)) results->push_back(result);
    writer.join();
    return stream->Finish();
  }

  // The per-record entries of every result, flattened.
  static std::vector<ScoreCustomersResponse> Entries(
      const std::vector<ScoreCustomerBatchResult>& results) {
    std::vector<ScoreCustomersResponse> entries;
    for (const auto& result : results) {
      for (const auto& entry : result.results()) entries.push_back(entry);
    }
    return entries;
  }

  // The same records through the per-customer stream, for comparison.
  std::vector<ScoreCustomersResponse> PerCustomerStream(
      const std::vector<ScoreCustomerRequest>& requests) {
    grpc::ClientContext context;
    auto stream = stub_->ScoreCustomers(&context);
    std::thread writer([&] {
      for (const auto& request : requests) {
        if (!stream->Write(request)) break;
      }
      stream->WritesDone();
    });
    std::vector<ScoreCustomersResponse> responses;
    ScoreCustomersResponse response;
    while (stream->Read(&response)) responses.push_back(response);
    writer.join();
    EXPECT_TRUE(stream->Finish().ok());
    return responses;
  }

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
  ServingCatalog serving_;
  CountingObserver observer_;
  std::unique_ptr<CatalogReloader> reloader_;
  std::unique_ptr<PersonaScoringService> scoring_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> stub_;
};

TEST_F(ScoreBatchesTest, BatchesGiveTheSameAnswersAsUnary) {
  Start();
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
  for (const auto& request : Generated(100, 1)) requests.push_back(request);

  // Uneven batches, a one-record batch among them.
  std::vector<ScoreCustomerBatchResult> results;
  const std::vector<ScoreCustomerBatch> batches = Split(requests, {1, 7, 100, 64});
  ASSERT_TRUE(Stream(batches, &results).ok());
  ASSERT_EQ(results.size(), batches.size());
  for (size_t b = 0; b < batches.size(); ++b) {
    EXPECT_EQ(results[b].results_size(), batches[b].requests_size()) << "batch " << b;
  }
  const std::vector<ScoreCustomersResponse> entries = Entries(results);
  ASSERT_EQ(entries.size(), requests.size());
  int with_matches = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    ScoreCustomerResponse unary;
    ASSERT_TRUE(Unary(requests[i], &unary).ok());
    EXPECT_EQ(entries[i].index(), i);
    EXPECT_EQ(entries[i].error_code(), 0);
    EXPECT_TRUE(entries[i].has_result());
    EXPECT_TRUE(MessageDifferencer::Equals(entries[i].result(), unary))
        << "record " << i << "\nbatch: " << entries[i].result().DebugString()
        << "\nunary: " << unary.DebugString();
    with_matches += unary.matches_size() > 0;
  }
  EXPECT_GT(with_matches, 100);  // the comparison is not vacuous
  EXPECT_EQ(observer_.scored(), static_cast<int64_t>(2 * requests.size()));
  EXPECT_THAT(observer_.WaitForBatchCodes(1), ::testing::ElementsAre(absl::StatusCode::kOk));
}

TEST_F(ScoreBatchesTest, ABadRecordInTheMiddleOfABatchIsItsOwnEntryAndTheRestAreScored) {
  Start();
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

  // All six in one batch, then the same again in a second batch: the stream goes on.
  std::vector<ScoreCustomerRequest> twice = requests;
  twice.insert(twice.end(), requests.begin(), requests.end());
  std::vector<ScoreCustomerBatchResult> results;
  ASSERT_TRUE(Stream(Split(twice, {6}), &results).ok());
  ASSERT_EQ(results.size(), 2u);
  const std::vector<ScoreCustomersResponse> entries = Entries(results);
  ASSERT_EQ(entries.size(), 12u);
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].index(), i);
  for (int ok : {0, 2, 5, 6, 8, 11}) {
    EXPECT_EQ(entries[ok].error_code(), 0) << ok;
    EXPECT_TRUE(entries[ok].has_result()) << ok;
  }
  EXPECT_EQ(entries[0].result().customer_id(), "cust-fred-001");

  EXPECT_EQ(entries[1].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(entries[1].has_result());
  EXPECT_THAT(entries[1].error_message(), HasSubstr("customer.demographics.age"));
  // Exactly the error the unary RPC gives.
  ScoreCustomerResponse unary;
  const grpc::Status unary_status = Unary(bad_age, &unary);
  EXPECT_EQ(entries[1].error_message(), unary_status.error_message());

  EXPECT_EQ(entries[3].error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(entries[3].error_message(), HasSubstr("no-such-persona"));
  EXPECT_EQ(entries[3].error_message(), Unary(unknown_persona, &unary).error_message());

  // Several violations: every one listed, as the per-customer stream does.
  EXPECT_EQ(entries[4].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(entries[4].error_message(), HasSubstr("customer.demographics.age"));
  EXPECT_THAT(entries[4].error_message(),
              HasSubstr("customer.psychographics.personality.openness"));

  // Entry for entry what the per-customer stream answers.
  const std::vector<ScoreCustomersResponse> streamed = PerCustomerStream(twice);
  ASSERT_EQ(streamed.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(entries[i], streamed[i])) << "record " << i;
  }
}

TEST_F(ScoreBatchesTest, ManyBatchesComeBackInOrder) {
  Start(StreamLimits{4, 0});
  std::vector<ScoreCustomerRequest> requests = Generated(20000, 1);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].mutable_customer()->set_customer_id("c-" + std::to_string(i));
  }
  std::vector<ScoreCustomerBatchResult> results;
  const std::vector<ScoreCustomerBatch> batches = Split(requests, {256});
  const grpc::Status status = Stream(batches, &results);
  ASSERT_TRUE(status.ok()) << DescribeStatus(status);
  ASSERT_EQ(results.size(), batches.size());
  const std::vector<ScoreCustomersResponse> entries = Entries(results);
  ASSERT_EQ(entries.size(), requests.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].index(), i);
    ASSERT_EQ(entries[i].result().customer_id(), "c-" + std::to_string(i));
  }
  EXPECT_THAT(observer_.WaitForBatchCodes(1), ::testing::ElementsAre(absl::StatusCode::kOk));
}

TEST_F(ScoreBatchesTest, ABatchOverTheLimitIsAnErrorForEachOfItsRecordsAndTheStreamGoesOn) {
  StreamLimits limits;
  limits.max_batch_records = 10;
  Start(limits);
  const std::vector<ScoreCustomerRequest> requests = Generated(25, 1);
  std::vector<ScoreCustomerBatchResult> results;
  ASSERT_TRUE(Stream(Split(requests, {10, 11, 4}), &results).ok());
  ASSERT_EQ(results.size(), 3u);
  ASSERT_EQ(results[0].results_size(), 10);
  ASSERT_EQ(results[1].results_size(), 11);
  ASSERT_EQ(results[2].results_size(), 4);
  for (const auto& entry : results[0].results()) EXPECT_EQ(entry.error_code(), 0);
  for (const auto& entry : results[2].results()) EXPECT_EQ(entry.error_code(), 0);
  for (const auto& entry : results[1].results()) {
    EXPECT_EQ(entry.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_FALSE(entry.has_result());
    EXPECT_EQ(entry.error_message(),
              "requests: the batch has 11 records, more than the server's limit of 10 "
              "(--max_batch_records); send smaller batches");
  }
  // Indexes count every record, refused ones included.
  const std::vector<ScoreCustomersResponse> entries = Entries(results);
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].index(), i);
  EXPECT_EQ(entries[21].result().customer_id(), requests[21].customer().customer_id());
  EXPECT_EQ(observer_.scored(), 14);
}

TEST_F(ScoreBatchesTest, EmptyBatchesGetEmptyResultsAndAnEmptyStreamEndsOk) {
  Start();
  const std::vector<ScoreCustomerRequest> requests = Generated(2, 1);
  std::vector<ScoreCustomerBatch> batches(3);
  *batches[1].add_requests() = requests[0];
  *batches[1].add_requests() = requests[1];
  std::vector<ScoreCustomerBatchResult> results;
  ASSERT_TRUE(Stream(batches, &results).ok());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].results_size(), 0);
  ASSERT_EQ(results[1].results_size(), 2);
  EXPECT_EQ(results[1].results(0).index(), 0u);
  EXPECT_EQ(results[1].results(1).index(), 1u);
  EXPECT_EQ(results[1].results(1).error_code(), 0);
  EXPECT_EQ(results[2].results_size(), 0);

  results.clear();
  EXPECT_TRUE(Stream({}, &results).ok());
  EXPECT_TRUE(results.empty());
}

TEST_F(ScoreBatchesTest, AClientThatDoesNotReadCannotMakeTheServerBufferWithoutBound) {
  Start(StreamLimits{16, 0});
  // Large answers (explanations for every persona) fill the transport's buffers quickly.
  ScoreCustomerRequest request = Example("young-working-mother");
  request.set_explain(true);
  constexpr int kBatches = 400;
  constexpr int kPerBatch = 50;
  ScoreCustomerBatch batch;
  for (int i = 0; i < kPerBatch; ++i) *batch.add_requests() = request;
  auto stub = SmallWindowStub();
  grpc::ClientContext context;
  auto stream = stub->ScoreCustomerBatches(&context);
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < kBatches; ++i) {
      if (!stream->Write(batch)) break;
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
  // At most kMaxPendingBatchResults (4) results queued, plus what fits the client's 64 KiB
  // receive window (less than one batch's answers here) and the batch being scored; without
  // the bound it would have scored all 20,000 records.
  EXPECT_LE(scored, static_cast<int64_t>((kMaxPendingBatchResults + 2) * kPerBatch))
      << "written " << written.load();

  // Reading resumes the stream: every record is answered, in order.
  ScoreCustomerBatchResult result;
  uint64_t read = 0;
  while (stream->Read(&result)) {
    ASSERT_EQ(result.results_size(), kPerBatch);
    for (const auto& entry : result.results()) {
      ASSERT_EQ(entry.index(), read);
      ASSERT_EQ(entry.error_code(), 0);
      ++read;
    }
  }
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(read, static_cast<uint64_t>(kBatches * kPerBatch));
}

TEST_F(ScoreBatchesTest, BatchStreamsCountAgainstTheSameStreamLimit) {
  Start(StreamLimits{16, 1});
  grpc::ClientContext first_context;
  auto first = stub_->ScoreCustomers(&first_context);
  ScoreCustomersResponse response;
  ASSERT_TRUE(first->Write(Example("hemat-fred")));
  ASSERT_TRUE(first->Read(&response));  // a per-customer stream is open

  grpc::ClientContext second_context;
  auto second = stub_->ScoreCustomerBatches(&second_context);
  ScoreCustomerBatchResult result;
  EXPECT_FALSE(second->Read(&result));
  const grpc::Status refused = second->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("limit 1"));
  EXPECT_THAT(observer_.WaitForBatchCodes(1),
              ::testing::ElementsAre(absl::StatusCode::kResourceExhausted));

  first->WritesDone();
  EXPECT_FALSE(first->Read(&response));
  EXPECT_TRUE(first->Finish().ok());
  // The client sees Finish a moment before the server's reactor is done and frees the slot.
  EXPECT_THAT(observer_.WaitForStreamCodes(1), ::testing::ElementsAre(absl::StatusCode::kOk));

  // With the slot free again, a batch stream is served.
  std::vector<ScoreCustomerBatchResult> results;
  ASSERT_TRUE(Stream(Split(Generated(3, 1), {3}), &results).ok());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].results_size(), 3);
}

TEST_F(ScoreBatchesTest, AStreamWithoutADeadlineEndsAtTheServersDefault) {
  StreamLimits limits;
  limits.default_deadline = absl::Milliseconds(300);
  Start(limits);
  grpc::ClientContext context;  // no deadline of its own
  auto stream = stub_->ScoreCustomerBatches(&context);
  ASSERT_TRUE(stream->Write(Split(Generated(2, 1), {2})[0]));
  ScoreCustomerBatchResult result;
  ASSERT_TRUE(stream->Read(&result));
  EXPECT_EQ(result.results_size(), 2);
  // Then nothing more: the server ends the stream.
  EXPECT_FALSE(stream->Read(&result));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("--default_stream_deadline_seconds"));
  EXPECT_THAT(observer_.WaitForBatchCodes(1),
              ::testing::ElementsAre(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(ScoreBatchesTest, RecordsBeforeACatalogAreUnavailableAndTheStreamGoesOn) {
  scoring_ = std::make_unique<PersonaScoringService>(&serving_, RequestLimits(), &observer_);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(scoring_.get());
  server_ = builder.BuildAndStart();
  ASSERT_NE(server_, nullptr);
  stub_ = persona::v1::PersonaScoring::NewStub(MakeChannel("127.0.0.1:" + std::to_string(port_)));
  grpc::ClientContext context;
  auto stream = stub_->ScoreCustomerBatches(&context);
  const ScoreCustomerBatch batch = Split(Generated(2, 1), {2})[0];
  ScoreCustomerBatchResult result;
  ASSERT_TRUE(stream->Write(batch));
  ASSERT_TRUE(stream->Read(&result));
  ASSERT_EQ(result.results_size(), 2);
  EXPECT_EQ(result.results(1).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(result.results(1).index(), 1u);

  ASSERT_TRUE(reloader_->ReloadNow().applied);
  ASSERT_TRUE(stream->Write(batch));
  ASSERT_TRUE(stream->Read(&result));
  ASSERT_EQ(result.results_size(), 2);
  EXPECT_EQ(result.results(0).error_code(), 0);
  EXPECT_EQ(result.results(0).index(), 2u);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&result));
  EXPECT_TRUE(stream->Finish().ok());
}

// --- persona-cli batch's driver over batches and over the per-customer stream ---

class BatchDriverTest : public ScoreBatchesTest {
 protected:
  std::string WriteInput(const std::string& name, const std::vector<std::string>& lines) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path);
    for (const std::string& line : lines) out << line << "\n";
    return path;
  }

  struct Outcome {
    ScoreFileSummary summary;
    std::string output;
    std::vector<std::string> errors;  // sorted: read errors and answers interleave by timing
  };

  Outcome Batch(const std::string& input, size_t batch_size, size_t window) {
    BatchOptions options;
    options.score.input = input;
    options.score.format = CustomerFormat::kJsonl;
    options.score.top_k = 2;
    options.score.window = window;
    options.score.batch_size = batch_size;
    options.score.as_of_unix_seconds = kAsOf;
    const std::string tag = std::to_string(batch_size) + "_" + std::to_string(window);
    options.output = (dir_ / ("out_" + tag)).string();
    options.errors = (dir_ / ("errors_" + tag)).string();
    absl::StatusOr<ScoreFileSummary> summary = RunBatch(*stub_, options);
    EXPECT_TRUE(summary.ok()) << summary.status();
    Outcome outcome;
    if (summary.ok()) outcome.summary = *summary;
    outcome.output = ReadText(options.output);
    std::istringstream errors(ReadText(options.errors));
    for (std::string line; std::getline(errors, line);) outcome.errors.push_back(line);
    std::sort(outcome.errors.begin(), outcome.errors.end());
    return outcome;
  }
};

TEST_F(BatchDriverTest, BatchesAndThePerCustomerStreamWriteTheSameFiles) {
  Start();
  std::vector<std::string> lines;
  int good = 0;
  for (const auto& request : Generated(600)) {
    lines.push_back(CustomerToJson(request.customer()));
    ++good;
    if (good % 100 == 7) lines.push_back("{not json");
    if (good % 100 == 21) lines.push_back(R"({"customer_id":"old","demographics":{"age":300}})");
  }
  const std::string input = WriteInput("customers.jsonl", lines);
  const Outcome per_customer = Batch(input, 1, 8);
  EXPECT_TRUE(per_customer.summary.stream_status.ok());
  EXPECT_EQ(per_customer.summary.records, 612u);
  EXPECT_EQ(per_customer.summary.scored, 600u);
  EXPECT_EQ(per_customer.errors.size(), 12u);
  for (const auto& [batch_size, window] :
       std::vector<std::pair<size_t, size_t>>{{256, 256}, {5, 8}, {64, 1}, {1000, 4096}}) {
    SCOPED_TRACE(std::to_string(batch_size) + " per batch, window " + std::to_string(window));
    const Outcome batched = Batch(input, batch_size, window);
    EXPECT_TRUE(batched.summary.stream_status.ok());
    EXPECT_EQ(batched.summary.records, per_customer.summary.records);
    EXPECT_EQ(batched.summary.scored, per_customer.summary.scored);
    EXPECT_EQ(batched.summary.rejected, per_customer.summary.rejected);
    EXPECT_EQ(batched.output, per_customer.output);
    EXPECT_EQ(batched.errors, per_customer.errors);
  }
}

TEST_F(BatchDriverTest, BatchesOverTheServersLimitAreReportedRecordByRecord) {
  StreamLimits limits;
  limits.max_batch_records = 10;
  Start(limits);
  std::vector<std::string> lines;
  for (const auto& request : Generated(45)) lines.push_back(CustomerToJson(request.customer()));
  const std::string input = WriteInput("customers.jsonl", lines);
  // 20 per batch: the first two batches are refused record by record, the last 5 scored.
  const Outcome outcome = Batch(input, 20, 40);
  EXPECT_TRUE(outcome.summary.stream_status.ok());
  EXPECT_EQ(outcome.summary.records, 45u);
  EXPECT_EQ(outcome.summary.scored, 5u);
  EXPECT_EQ(outcome.summary.rejected, 40u);
  ASSERT_EQ(outcome.errors.size(), 40u);
  EXPECT_THAT(outcome.errors[0],
              AllOf(HasSubstr(R"("code":"INVALID_ARGUMENT")"), HasSubstr("--max_batch_records")));
}

// --- persona-cli bench --stream --method=ScoreCustomerBatches ---

TEST_F(ScoreBatchesTest, StreamLoadInBatchesCountsEveryRecord) {
  Start();
  ScoreCustomerRequest good = Example("loyal-champion");
  ScoreCustomerRequest bad = good;
  bad.mutable_customer()->mutable_demographics()->set_age(300);
  StreamLoadOptions options;
  options.target = target_;
  options.method = "/persona.v1.PersonaScoring/ScoreCustomerBatches";
  options.requests = {good.SerializeAsString(), bad.SerializeAsString()};
  options.count = 1001;  // rounded up to 101 batches of 10
  options.batch_size = 10;
  options.streams = 2;
  options.window = 3;
  const StreamLoadResult result = RunStreamLoad(options);
  EXPECT_EQ(result.failed_streams, 0u) << result.first_error;
  EXPECT_EQ(result.sent, 1010u);
  EXPECT_EQ(result.scored, 505u);
  EXPECT_EQ(result.rejected, 505u);
  EXPECT_EQ(observer_.scored(), 505);
}

}  // namespace
}  // namespace persona
