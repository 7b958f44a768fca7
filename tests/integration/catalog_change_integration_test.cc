// Safe catalog change, in-process: StageCatalog, shadow evaluation of live ScoreCustomer and
// ScoreCustomers traffic, GetShadowReport, PromoteCatalog, DiscardCatalog, RollbackCatalog,
// ListCatalogHistory, CompareCandidate and the audit log, each with its unhappy paths. The
// catalogs use the toy fixture segmenter only, so every score is known in advance and the
// test does not depend on the bundled catalog.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/common/audit_log.h"
#include "service/grpc/catalog_admin_service.h"
#include "service/grpc/persona_scoring_service.h"
#include "service/grpc/shadow_scorer.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct ToyPersona {
  std::string id;
  double affinity;
  double min_score;
  std::string extra_params;  // e.g. R"(, "delay_ms": 50)"
};

// Each persona's score is its toy affinity, whoever the customer is.
std::string ToyCatalog(const std::string& version, const std::vector<ToyPersona>& personas) {
  std::string json =
      absl::StrCat(R"({"version": ")", version, R"(", "segmenters": [{"name": "toy", "plugin": )",
                   R"("libsegmenter_toy.so"}], "personas": [)");
  for (size_t i = 0; i < personas.size(); ++i) {
    const ToyPersona& p = personas[i];
    absl::StrAppend(&json, i == 0 ? "" : ",", R"({"id": ")", p.id, R"(", "display_name": ")", p.id,
                    R"(", "min_score": )", p.min_score,
                    R"(, "criteria": [{"segmenter": "toy", "weight": 1, "params": {"affinity": )",
                    p.affinity, p.extra_params, "}}]}");
  }
  return json + "]}";
}

// Live: alpha 0.8, beta 0.6, gamma 0.9, all matching (min_score 0.5).
std::string LiveCatalog(const std::string& version = "v1") {
  return ToyCatalog(version,
                    {{"alpha", 0.8, 0.5, ""}, {"beta", 0.6, 0.5, ""}, {"gamma", 0.9, 0.5, ""}});
}

// The candidate raises beta's min_score above its score: beta leaves, nothing else moves.
std::string CandidateCatalog(const std::string& version = "v2", const std::string& extra = "") {
  return ToyCatalog(version,
                    {{"alpha", 0.8, 0.5, extra}, {"beta", 0.6, 0.7, ""}, {"gamma", 0.9, 0.5, ""}});
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class CatalogChangeTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ShadowScorer::kDefaultQueueCapacity); }

  void Start(size_t queue_capacity) {
    dir_ = fs::path(::testing::TempDir()) /
           ("catalog_change_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "catalog");
    catalog_path_ = dir_ / "catalog" / "catalog.json";
    std::ofstream(catalog_path_) << LiveCatalog();
    audit_path_ = dir_ / "audit.jsonl";
    auto audit = AuditLog::Open(audit_path_.string());
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_ = *std::move(audit);

    CatalogLoaderOptions options;
    options.plugin_dir = PERSONA_FIXTURE_PLUGIN_DIR;
    reloader_ = std::make_unique<CatalogReloader>(&serving_, catalog_path_.string(), options);
    shadow_ = std::make_unique<ShadowScorer>(&serving_, &reloader_->staged(), RequestLimits(),
                                             nullptr, queue_capacity);
    scoring_ = std::make_unique<PersonaScoringService>(
        &serving_, RequestLimits(), nullptr, StreamLimits(), UnaryLimits{absl::Seconds(30), 0},
        nullptr, shadow_.get());
    admin_ = std::make_unique<CatalogAdminService>(&serving_, reloader_.get(), nullptr,
                                                   shadow_.get(), audit_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(scoring_.get());
    builder.RegisterService(admin_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    scoring_stub_ = persona::v1::PersonaScoring::NewStub(channel);
    admin_stub_ = persona::v1::CatalogAdmin::NewStub(channel);
    ASSERT_TRUE(reloader_->ReloadNow().applied);
  }

  void TearDown() override {
    server_->Shutdown();
    server_.reset();
    shadow_.reset();
    reloader_.reset();
    fs::remove_all(dir_);
  }

  static persona::v1::ScoreCustomerRequest Customer(int i) {
    persona::v1::ScoreCustomerRequest request;
    request.mutable_customer()->set_customer_id(absl::StrCat("cust-", i));
    request.mutable_customer()->mutable_demographics()->set_age(30 + i % 40);
    return request;
  }

  grpc::Status Score(int i, persona::v1::ScoreCustomerResponse* response) {
    grpc::ClientContext context;
    return scoring_stub_->ScoreCustomer(&context, Customer(i), response);
  }

  // Scores customers [first, first + n) unary; every call must succeed.
  void ScoreMany(int first, int n) {
    for (int i = first; i < first + n; ++i) {
      persona::v1::ScoreCustomerResponse response;
      const grpc::Status status = Score(i, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  // The same customers through one ScoreCustomers stream; every record must succeed.
  void StreamMany(int first, int n) {
    grpc::ClientContext context;
    auto stream = scoring_stub_->ScoreCustomers(&context);
    for (int i = first; i < first + n; ++i) ASSERT_TRUE(stream->Write(Customer(i)));
    stream->WritesDone();
    persona::v1::ScoreCustomersResponse response;
    int read = 0;
    while (stream->Read(&response)) {
      EXPECT_EQ(response.error_code(), 0) << response.error_message();
      ++read;
    }
    EXPECT_EQ(read, n);
    EXPECT_TRUE(stream->Finish().ok());
  }

  // The same customers in one ScoreCustomerBatches stream, in batches of `per_batch`.
  void BatchMany(int first, int n, int per_batch) {
    grpc::ClientContext context;
    auto stream = scoring_stub_->ScoreCustomerBatches(&context);
    for (int i = first; i < first + n; i += per_batch) {
      persona::v1::ScoreCustomerBatch batch;
      for (int j = i; j < std::min(first + n, i + per_batch); ++j) {
        *batch.add_requests() = Customer(j);
      }
      ASSERT_TRUE(stream->Write(batch));
    }
    stream->WritesDone();
    persona::v1::ScoreCustomerBatchResult result;
    int read = 0;
    while (stream->Read(&result)) {
      for (const auto& entry : result.results()) {
        EXPECT_EQ(entry.error_code(), 0) << entry.error_message();
        ++read;
      }
    }
    EXPECT_EQ(read, n);
    EXPECT_TRUE(stream->Finish().ok());
  }

  persona::v1::StageCatalogResponse StageJson(const std::string& json, double rate,
                                              grpc::Status* status_out = nullptr) {
    persona::v1::StageCatalogRequest request;
    request.set_catalog_json(json);
    request.set_shadow_sample_rate(rate);
    return Stage(request, status_out);
  }

  persona::v1::StageCatalogResponse Stage(const persona::v1::StageCatalogRequest& request,
                                          grpc::Status* status_out = nullptr) {
    persona::v1::StageCatalogResponse response;
    grpc::ClientContext context;
    const grpc::Status status = admin_stub_->StageCatalog(&context, request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  persona::v1::GetShadowReportResponse Report(uint32_t examples = 0) {
    persona::v1::GetShadowReportRequest request;
    request.set_examples_per_change(examples);
    persona::v1::GetShadowReportResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_stub_->GetShadowReport(&context, request, &response).ok());
    return response;
  }

  // Waits (bounded) until the shadow thread has accounted for `n` samples.
  persona::v1::GetShadowReportResponse WaitForReport(uint64_t n, uint32_t examples = 0) {
    persona::v1::GetShadowReportResponse report;
    for (int i = 0; i < 1000; ++i) {
      report = Report(examples);
      if (report.compared() + report.failed() + report.dropped() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return report;
  }

  grpc::Status Promote(const std::string& expected, persona::v1::PromoteCatalogResponse* out) {
    persona::v1::PromoteCatalogRequest request;
    request.set_expected_candidate_version(expected);
    grpc::ClientContext context;
    return admin_stub_->PromoteCatalog(&context, request, out);
  }

  grpc::Status Rollback(const std::string& to, persona::v1::RollbackCatalogResponse* out) {
    persona::v1::RollbackCatalogRequest request;
    request.set_to_version(to);
    grpc::ClientContext context;
    return admin_stub_->RollbackCatalog(&context, request, out);
  }

  persona::v1::DiscardCatalogResponse Discard() {
    persona::v1::DiscardCatalogResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_stub_->DiscardCatalog(&context, {}, &response).ok());
    return response;
  }

  persona::v1::ListCatalogHistoryResponse History() {
    persona::v1::ListCatalogHistoryResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_stub_->ListCatalogHistory(&context, {}, &response).ok());
    return response;
  }

  std::string LiveVersion() {
    persona::v1::ScoreCustomerResponse response;
    EXPECT_TRUE(Score(0, &response).ok());
    return response.catalog_version();
  }

  std::vector<std::string> AuditLines() {
    return absl::StrSplit(ReadText(audit_path_), '\n', absl::SkipEmpty());
  }

  static const persona::v1::PersonaShadowRow* Row(
      const persona::v1::GetShadowReportResponse& report, const std::string& id) {
    for (const auto& row : report.personas()) {
      if (row.persona_id() == id) return &row;
    }
    return nullptr;
  }

  fs::path dir_;
  fs::path catalog_path_;
  fs::path audit_path_;
  std::unique_ptr<AuditLog> audit_;
  ServingCatalog serving_;
  std::unique_ptr<CatalogReloader> reloader_;
  std::unique_ptr<ShadowScorer> shadow_;
  std::unique_ptr<PersonaScoringService> scoring_;
  std::unique_ptr<CatalogAdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> scoring_stub_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_stub_;
};

TEST_F(CatalogChangeTest, StagedCandidateIsShadowedForUnaryStreamAndBatchTraffic) {
  const auto staged = StageJson(CandidateCatalog(), 1.0);
  ASSERT_TRUE(staged.staged());
  EXPECT_EQ(staged.candidate_version(), "v2");
  EXPECT_EQ(staged.live_version(), "v1");
  EXPECT_EQ(staged.personas(), 3u);
  EXPECT_FALSE(staged.replaced_candidate());
  EXPECT_EQ(LiveVersion(), "v1");  // staging does not serve

  ScoreMany(1, 20);
  StreamMany(100, 20);
  BatchMany(200, 20, 8);                     // batch records are stream requests too
  const auto report = WaitForReport(61, 3);  // LiveVersion's call counts too
  EXPECT_TRUE(report.staged());
  EXPECT_EQ(report.live_version(), "v1");
  EXPECT_EQ(report.candidate_version(), "v2");
  EXPECT_EQ(report.shadow_sample_rate(), 1.0);
  EXPECT_TRUE(report.has_staged_at());
  EXPECT_EQ(report.compared(), 61u);
  EXPECT_EQ(report.dropped(), 0u);
  EXPECT_EQ(report.failed(), 0u);
  EXPECT_EQ(report.top1_agreements(), 61u);  // gamma is best on both sides
  EXPECT_DOUBLE_EQ(report.top1_agreement(), 1.0);
  ASSERT_EQ(report.personas_size(), 3);
  const auto* beta = Row(report, "beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ(report.personas(0).persona_id(), "beta");  // the only change sorts first
  EXPECT_DOUBLE_EQ(beta->live_match_rate(), 1.0);
  EXPECT_DOUBLE_EQ(beta->candidate_match_rate(), 0.0);
  EXPECT_EQ(beta->left(), 61u);
  EXPECT_EQ(beta->entered(), 0u);
  EXPECT_EQ(beta->left_examples_size(), 3);  // examples_per_change
  for (const char* unchanged : {"alpha", "gamma"}) {
    const auto* row = Row(report, unchanged);
    ASSERT_NE(row, nullptr);
    EXPECT_DOUBLE_EQ(row->live_match_rate(), row->candidate_match_rate()) << unchanged;
    EXPECT_EQ(row->left() + row->entered(), 0u) << unchanged;
    EXPECT_DOUBLE_EQ(row->mean_abs_score_change(), 0.0) << unchanged;
  }
}

TEST_F(CatalogChangeTest, TheReportComparesMembershipEvenWhenCallersAskForTheTopOnly) {
  ASSERT_TRUE(StageJson(CandidateCatalog(), 1.0).staged());
  // gamma is every customer's best match on both sides; beta, which the candidate changes,
  // never makes a top-1 answer, yet every customer leaves it.
  for (int i = 1; i <= 10; ++i) {
    persona::v1::ScoreCustomerRequest request = Customer(i);
    request.set_top_k(1);
    grpc::ClientContext context;
    persona::v1::ScoreCustomerResponse response;
    ASSERT_TRUE(scoring_stub_->ScoreCustomer(&context, request, &response).ok());
    ASSERT_EQ(response.matches_size(), 1);
    EXPECT_EQ(response.matches(0).persona_id(), "gamma");
  }
  const auto report = WaitForReport(10, 3);
  EXPECT_EQ(report.compared(), 10u);
  EXPECT_EQ(report.top1_agreements(), 10u);
  const auto* beta = Row(report, "beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ(beta->live_matches(), 10u);
  EXPECT_EQ(beta->left(), 10u);
  for (const char* unchanged : {"alpha", "gamma"}) {
    const auto* row = Row(report, unchanged);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->left() + row->entered(), 0u) << unchanged;
  }
}

TEST_F(CatalogChangeTest, SampleRateZeroStagesWithoutShadowing) {
  ASSERT_TRUE(StageJson(CandidateCatalog(), 0.0).staged());
  ScoreMany(1, 10);
  const auto report = Report();
  EXPECT_TRUE(report.staged());
  EXPECT_EQ(report.compared(), 0u);
}

TEST_F(CatalogChangeTest, NothingStagedIsRefusedOrEmpty) {
  persona::v1::PromoteCatalogResponse promoted;
  const grpc::Status promote = Promote("", &promoted);
  EXPECT_EQ(promote.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(promote.error_message(), HasSubstr("nothing is staged"));
  EXPECT_FALSE(Discard().discarded());
  const auto report = Report();
  EXPECT_FALSE(report.staged());
  EXPECT_EQ(report.live_version(), "v1");
  EXPECT_EQ(History().staged_version(), "");

  grpc::ClientContext context;
  auto stream = admin_stub_->CompareCandidate(&context);
  stream->Write(Customer(1));
  stream->WritesDone();
  persona::v1::CompareCandidateResponse response;
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CatalogChangeTest, BadCandidateIsNotStagedAndLiveKeepsServing) {
  // A field problem, from the request...
  const auto bad = StageJson(ToyCatalog("v2", {{"alpha", 0.8, 2.0, ""}}), 1.0);
  EXPECT_FALSE(bad.staged());
  ASSERT_EQ(bad.problems_size(), 1);
  EXPECT_EQ(bad.problems(0).file(), "<request>");
  EXPECT_EQ(bad.problems(0).field(), "personas[alpha].min_score");
  EXPECT_EQ(bad.live_version(), "v1");
  // ... from a file inside the catalog folder, named with its path ...
  fs::create_directories(dir_ / "catalog" / "next");
  std::ofstream(dir_ / "catalog" / "next" / "catalog.json")
      << ToyCatalog("v2", {{"alpha", 0.8, 0.5, R"(, "colour": 1)"}});
  persona::v1::StageCatalogRequest request;
  request.set_catalog_path("next/catalog.json");
  const auto bad_file = Stage(request);
  EXPECT_FALSE(bad_file.staged());
  ASSERT_GE(bad_file.problems_size(), 1);
  EXPECT_THAT(bad_file.problems(0).file(), HasSubstr("next/catalog.json"));
  EXPECT_EQ(bad_file.problems(0).field(), "personas[alpha].criteria[0].params.colour");
  // ... and unparsable text.
  EXPECT_FALSE(StageJson("{not json", 1.0).staged());

  EXPECT_EQ(History().staged_version(), "");
  EXPECT_FALSE(Report().staged());
  EXPECT_EQ(LiveVersion(), "v1");
}

TEST_F(CatalogChangeTest, BadRequestsAreInvalidArgument) {
  grpc::Status status;
  StageJson(CandidateCatalog(), 1.5, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("shadow_sample_rate"));
  StageJson(CandidateCatalog(), -0.1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Stage(persona::v1::StageCatalogRequest(), &status);  // no source
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("catalog_json or catalog_path"));
  persona::v1::GetShadowReportRequest too_many;
  too_many.set_examples_per_change(21);
  persona::v1::GetShadowReportResponse report;
  grpc::ClientContext context;
  EXPECT_EQ(admin_stub_->GetShadowReport(&context, too_many, &report).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogChangeTest, PathsOutsideTheCatalogFolderAreRefused) {
  std::ofstream(dir_ / "outside.json") << CandidateCatalog();
  fs::create_symlink(dir_ / "outside.json", dir_ / "catalog" / "link.json");
  for (const std::string& path :
       {std::string("../outside.json"), (dir_ / "outside.json").string(),
        std::string("next/../../outside.json"), std::string("link.json")}) {
    persona::v1::StageCatalogRequest request;
    request.set_catalog_path(path);
    grpc::Status status;
    Stage(request, &status);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(status.error_message(), HasSubstr("catalog_path")) << path;
  }
  EXPECT_EQ(History().staged_version(), "");
  // Inside the folder, a directory of catalog files stages fine.
  fs::create_directories(dir_ / "catalog" / "next");
  std::ofstream(dir_ / "catalog" / "next" / "catalog.json") << CandidateCatalog();
  persona::v1::StageCatalogRequest request;
  request.set_catalog_path("next");
  EXPECT_TRUE(Stage(request).staged());
  EXPECT_EQ(History().staged_version(), "v2");
}

TEST_F(CatalogChangeTest, StagingAgainReplacesTheCandidateAndDiscardDropsIt) {
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 1.0).staged());
  const auto again = StageJson(CandidateCatalog("v3"), 1.0);
  ASSERT_TRUE(again.staged());
  EXPECT_TRUE(again.replaced_candidate());
  EXPECT_EQ(History().staged_version(), "v3");
  const auto discarded = Discard();
  EXPECT_TRUE(discarded.discarded());
  EXPECT_EQ(discarded.candidate_version(), "v3");
  EXPECT_EQ(History().staged_version(), "");
  EXPECT_EQ(LiveVersion(), "v1");
}

TEST_F(CatalogChangeTest, PromoteHonoursTheVersionGuard) {
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 1.0).staged());
  persona::v1::PromoteCatalogResponse promoted;
  const grpc::Status guarded = Promote("v9", &promoted);
  EXPECT_EQ(guarded.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(guarded.error_message(), HasSubstr("expected_candidate_version"));
  EXPECT_EQ(LiveVersion(), "v1");
  EXPECT_EQ(History().staged_version(), "v2");  // still staged

  ASSERT_TRUE(Promote("v2", &promoted).ok());
  EXPECT_TRUE(promoted.promoted());
  EXPECT_EQ(promoted.previous_version(), "v1");
  EXPECT_EQ(promoted.catalog_version(), "v2");
  persona::v1::ScoreCustomerResponse response;
  ASSERT_TRUE(Score(1, &response).ok());
  EXPECT_EQ(response.catalog_version(), "v2");
  for (const auto& match : response.matches()) EXPECT_NE(match.persona_id(), "beta");

  const auto history = History();
  EXPECT_EQ(history.staged_version(), "");
  ASSERT_EQ(history.entries_size(), 2);
  EXPECT_EQ(history.entries(0).catalog_version(), "v2");
  EXPECT_EQ(history.entries(0).how(), "promote");
  EXPECT_EQ(history.entries(0).actor(), "loopback");
  EXPECT_TRUE(history.entries(0).live());
  EXPECT_TRUE(history.entries(0).has_applied_at());
  EXPECT_EQ(history.entries(1).catalog_version(), "v1");
  EXPECT_EQ(history.entries(1).how(), "file");
  EXPECT_EQ(history.entries(1).actor(), "file");
  EXPECT_FALSE(history.entries(1).live());
  EXPECT_TRUE(history.entries(1).available());
  EXPECT_FALSE(Report().staged());  // promoted: nothing left to compare
}

TEST_F(CatalogChangeTest, RollbackReturnsToAKeptCatalogWithoutReadingFiles) {
  persona::v1::RollbackCatalogResponse rolled;
  EXPECT_EQ(Rollback("", &rolled).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 1.0).staged());
  persona::v1::PromoteCatalogResponse promoted;
  ASSERT_TRUE(Promote("", &promoted).ok());
  // The files are gone: a rollback must not need them.
  fs::remove(catalog_path_);

  const grpc::Status unknown = Rollback("v0", &rolled);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("v0"));
  EXPECT_EQ(LiveVersion(), "v2");

  ASSERT_TRUE(Rollback("", &rolled).ok());
  EXPECT_TRUE(rolled.rolled_back());
  EXPECT_EQ(rolled.previous_version(), "v2");
  EXPECT_EQ(rolled.catalog_version(), "v1");
  EXPECT_EQ(LiveVersion(), "v1");
  ASSERT_TRUE(Rollback("v2", &rolled).ok());
  EXPECT_EQ(LiveVersion(), "v2");

  const auto history = History();
  ASSERT_EQ(history.entries_size(), 4);
  EXPECT_EQ(history.entries(0).how(), "rollback");
  EXPECT_EQ(history.entries(0).catalog_version(), "v2");
  EXPECT_EQ(history.entries(1).how(), "rollback");
  EXPECT_EQ(history.entries(1).catalog_version(), "v1");
}

TEST_F(CatalogChangeTest, FileReloadWhileStagedAppliesAndKeepsTheCandidate) {
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 1.0).staged());
  ScoreMany(1, 5);
  WaitForReport(5);
  std::ofstream(catalog_path_) << LiveCatalog("v1b");
  persona::v1::ReloadCatalogResponse reloaded;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_stub_->ReloadCatalog(&context, {}, &reloaded).ok());
  ASSERT_TRUE(reloaded.applied());
  EXPECT_EQ(reloaded.catalog_version(), "v1b");
  EXPECT_EQ(History().staged_version(), "v2");  // still staged
  // The comparison against the old live catalog is over; the new one has no sample yet.
  const auto fresh = Report();
  EXPECT_TRUE(fresh.staged());
  EXPECT_EQ(fresh.live_version(), "v1b");
  EXPECT_EQ(fresh.compared(), 0u);

  ScoreMany(10, 7);
  const auto report = WaitForReport(7);
  // A new comparison: the candidate against the new live catalog only.
  EXPECT_EQ(report.live_version(), "v1b");
  EXPECT_EQ(report.candidate_version(), "v2");
  EXPECT_EQ(report.compared(), 7u);
  EXPECT_EQ(History().entries(0).how(), "file");
}

TEST_F(CatalogChangeTest, CompareCandidateScoresEachRecordAgainstBoth) {
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 0.0).staged());
  grpc::ClientContext context;
  auto stream = admin_stub_->CompareCandidate(&context);
  persona::v1::ScoreCustomerRequest invalid = Customer(2);
  invalid.mutable_customer()->mutable_demographics()->set_age(300);
  ASSERT_TRUE(stream->Write(Customer(1)));
  ASSERT_TRUE(stream->Write(invalid));
  ASSERT_TRUE(stream->Write(Customer(3)));
  stream->WritesDone();
  std::vector<persona::v1::CompareCandidateResponse> responses;
  persona::v1::CompareCandidateResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].index(), 0u);
  EXPECT_EQ(responses[0].live().catalog_version(), "v1");
  EXPECT_EQ(responses[0].candidate().catalog_version(), "v2");
  EXPECT_EQ(responses[0].live().matches_size(), 3);
  EXPECT_EQ(responses[0].candidate().matches_size(), 2);
  EXPECT_EQ(responses[1].error_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(responses[1].error_message(), HasSubstr("customer.demographics.age"));
  EXPECT_EQ(responses[2].index(), 2u);
  EXPECT_EQ(responses[2].live().customer_id(), "cust-3");
}

TEST_F(CatalogChangeTest, EveryChangeIsAudited) {
  ASSERT_TRUE(StageJson(CandidateCatalog("v2"), 1.0).staged());
  EXPECT_FALSE(StageJson(ToyCatalog("v3", {{"alpha", 0.8, 2.0, ""}}), 1.0).staged());
  persona::v1::PromoteCatalogResponse promoted;
  EXPECT_FALSE(Promote("v9", &promoted).ok());
  ASSERT_TRUE(Promote("v2", &promoted).ok());
  persona::v1::RollbackCatalogResponse rolled;
  ASSERT_TRUE(Rollback("", &rolled).ok());
  Discard();
  persona::v1::ReloadCatalogResponse reloaded;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_stub_->ReloadCatalog(&context, {}, &reloaded).ok());
  // Reads are not audited.
  History();
  Report();

  const std::vector<std::string> lines = AuditLines();
  ASSERT_EQ(lines.size(), 7u) << ReadText(audit_path_);
  EXPECT_THAT(lines[0], HasSubstr(R"("action":"StageCatalog")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("actor":"loopback")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("version_before":"v1","version_after":"v1")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("candidate_version":"v2","outcome":"ok","problems":[])"));
  EXPECT_THAT(lines[1],
              HasSubstr(R"("outcome":"failed","problems":["<request>: personas[alpha].min_score)"));
  EXPECT_THAT(lines[2], HasSubstr(R"("action":"PromoteCatalog")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("outcome":"refused")"));
  EXPECT_THAT(lines[3], HasSubstr(R"("version_before":"v1","version_after":"v2")"));
  EXPECT_THAT(lines[3], HasSubstr(R"("outcome":"ok")"));
  EXPECT_THAT(lines[4], HasSubstr(R"("action":"RollbackCatalog","version_before":"v2",)"
                                  R"("version_after":"v1")"));
  EXPECT_THAT(lines[5], HasSubstr(R"("action":"DiscardCatalog")"));
  EXPECT_THAT(lines[6], HasSubstr(R"("action":"ReloadCatalog")"));
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::StartsWith(R"({"time":")"));
    EXPECT_THAT(line, ::testing::EndsWith("]}"));
  }
}

// A candidate whose plugin is slow or faults: live calls keep succeeding, the bounded
// queue fills and drops (counted), faults stay the candidate's.
class SlowCandidateTest : public CatalogChangeTest {
 protected:
  void SetUp() override { Start(2); }
};

TEST_F(SlowCandidateTest, SlowCandidateNeverFailsLiveCallsAndDropsAreCounted) {
  ASSERT_TRUE(StageJson(CandidateCatalog("slow", R"(, "delay_ms": 200)"), 1.0).staged());
  ScoreMany(1, 30);
  StreamMany(100, 30);
  const auto report = Report();
  EXPECT_GT(report.dropped(), 0u);
  EXPECT_LE(report.compared() + report.dropped() + report.failed(), 60u);
  // Discarding is not held up by the busy shadow thread.
  EXPECT_TRUE(Discard().discarded());
}

TEST_F(CatalogChangeTest, FaultyCandidateIsComparedAndLiveIsUntouched) {
  ASSERT_TRUE(StageJson(CandidateCatalog("faulty", R"(, "emit": "fail")"), 1.0).staged());
  ScoreMany(1, 10);
  const auto report = WaitForReport(10);
  EXPECT_EQ(report.compared(), 10u);
  // alpha's criterion faults on the candidate: graded as missing (0.5), alpha still matches.
  const auto* alpha = Row(report, "alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_GT(alpha->mean_abs_score_change(), 0.0);
  persona::v1::ScoreCustomerResponse live;
  ASSERT_TRUE(Score(1, &live).ok());
  EXPECT_EQ(live.catalog_version(), "v1");
}

}  // namespace
}  // namespace persona
