// Safe catalog change against the real server: a candidate changing one persona's min_score
// is staged while two client threads drive unary and stream traffic with every request
// shadowed; the report fills (only the changed persona's match rate moves), then promote and
// rollback happen under load without a single failed call, and the audit log holds a line
// per change (a refused caller included). A candidate with a slow plugin only fills and
// drops the shadow queue: live calls keep succeeding.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
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
using ::testing::Not;

constexpr char kToken[] = "safe-change-e2e-token";
// SHA-256("safe-change-e2e-token"), first 12 hex digits: how the audit log names the caller.
constexpr char kTokenActor[] = "token:9571fc7047fe";
std::string TokenActor() { return kTokenActor; }

// Each persona scores its toy affinity for every customer.
std::string ToyCatalog(const std::string& version, double beta_min_score,
                       const std::string& alpha_extra = "") {
  const auto persona = [](const std::string& id, double affinity, double min_score,
                          const std::string& extra) {
    return absl::StrCat(R"({"id": ")", id, R"(", "display_name": ")", id, R"(", "min_score": )",
                        min_score,
                        R"(, "criteria": [{"segmenter": "toy", "weight": 1, "params": {)",
                        R"("affinity": )", affinity, extra, "}}]}");
  };
  return absl::StrCat(R"({"version": ")", version,
                      R"(", "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so"}],)",
                      R"( "personas": [)", persona("alpha", 0.8, 0.5, alpha_extra), ",",
                      persona("beta", 0.6, beta_min_score, ""), ",", persona("gamma", 0.9, 0.5, ""),
                      "]}");
}

class E2eSafeChange : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path catalog_dir = fs::path(dir_.path()) / "catalog";
    fs::create_directories(catalog_dir / "next");
    catalog_ = (catalog_dir / "catalog.json").string();
    dir_.Write("catalog/catalog.json", ToyCatalog("v1", 0.5));
    token_file_ = dir_.Write("admin.token", kToken);
    ::chmod(token_file_.c_str(), 0600);
    audit_ = (fs::path(dir_.path()) / "audit.jsonl").string();
    metrics_port_ = FreeLoopbackPort();
    ServerOptions options;
    options.binary = ServerBinary();
    options.catalog = catalog_;
    options.plugin_dir = FixturePluginDir();
    options.extra_args = {"--watch_catalog=false", "--admin_token_file=" + token_file_,
                          "--audit_log=" + audit_,
                          absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_)};
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    admin_ = persona::v1::CatalogAdmin::NewStub(server_->channel());
  }

  static void Authorize(grpc::ClientContext* context) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  }

  grpc::Status StagePath(const std::string& path, double rate,
                         persona::v1::StageCatalogResponse* response, bool authorized = true) {
    persona::v1::StageCatalogRequest request;
    request.set_catalog_path(path);
    request.set_shadow_sample_rate(rate);
    grpc::ClientContext context;
    if (authorized) Authorize(&context);
    return admin_->StageCatalog(&context, request, response);
  }

  persona::v1::GetShadowReportResponse Report() {
    persona::v1::GetShadowReportResponse report;
    grpc::ClientContext context;
    Authorize(&context);
    EXPECT_TRUE(admin_->GetShadowReport(&context, {}, &report).ok());
    return report;
  }

  double Metric(const std::string& series) {
    return MetricValue(HttpGet(metrics_port_, "/metrics"), series).value_or(-1);
  }

  // Two client threads, each alternating a unary call and a 10-record stream, until Stop().
  class Traffic {
   public:
    explicit Traffic(std::shared_ptr<grpc::Channel> channel) {
      for (int t = 0; t < 2; ++t) {
        threads_.emplace_back([this, channel, t] { Run(channel, t); });
      }
    }
    ~Traffic() { Stop(); }
    void Stop() {
      stop_.store(true);
      for (std::thread& thread : threads_) {
        if (thread.joinable()) thread.join();
      }
    }
    uint64_t ok() const { return ok_.load(); }
    uint64_t failed() const { return failed_.load(); }
    std::string first_failure() {
      absl::MutexLock lock(&mu_);
      return first_failure_;
    }
    std::set<std::string> versions() {
      absl::MutexLock lock(&mu_);
      return versions_;
    }

   private:
    static persona::v1::ScoreCustomerRequest Customer(int thread, uint64_t i) {
      persona::v1::ScoreCustomerRequest request;
      request.mutable_customer()->set_customer_id(absl::StrCat("t", thread, "-", i));
      request.mutable_customer()->mutable_demographics()->set_age(20 + i % 50);
      return request;
    }
    void Fail(const std::string& what) {
      failed_.fetch_add(1);
      absl::MutexLock lock(&mu_);
      if (first_failure_.empty()) first_failure_ = what;
    }
    void Seen(const std::string& version) {
      absl::MutexLock lock(&mu_);
      versions_.insert(version);
    }
    void Run(const std::shared_ptr<grpc::Channel>& channel, int thread) {
      auto stub = persona::v1::PersonaScoring::NewStub(channel);
      uint64_t i = 0;
      while (!stop_.load()) {
        {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          persona::v1::ScoreCustomerResponse response;
          const grpc::Status status =
              stub->ScoreCustomer(&context, Customer(thread, i++), &response);
          if (status.ok()) {
            ok_.fetch_add(1);
            Seen(response.catalog_version());
          } else {
            Fail("unary: " + status.error_message());
          }
        }
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        auto stream = stub->ScoreCustomers(&context);
        const int records = 10;
        for (int r = 0; r < records; ++r) stream->Write(Customer(thread, i++));
        stream->WritesDone();
        persona::v1::ScoreCustomersResponse response;
        int read = 0;
        while (stream->Read(&response)) {
          ++read;
          if (response.error_code() == 0) {
            ok_.fetch_add(1);
            Seen(response.result().catalog_version());
          } else {
            Fail("record: " + response.error_message());
          }
        }
        const grpc::Status status = stream->Finish();
        if (!status.ok()) Fail("stream: " + status.error_message());
        if (read != records) Fail(absl::StrCat("stream answered ", read, " of ", records));
      }
    }

    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> ok_{0};
    std::atomic<uint64_t> failed_{0};
    absl::Mutex mu_;
    std::string first_failure_;
    std::set<std::string> versions_;
    std::vector<std::thread> threads_;
  };

  TempDir dir_;
  std::string catalog_;
  std::string token_file_;
  std::string audit_;
  int metrics_port_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_;
};

const persona::v1::PersonaShadowRow* Row(const persona::v1::GetShadowReportResponse& report,
                                         const std::string& id) {
  for (const auto& row : report.personas()) {
    if (row.persona_id() == id) return &row;
  }
  return nullptr;
}

TEST_F(E2eSafeChange, StageShadowPromoteRollbackUnderLoadLoseNoCall) {
  // A caller without the token is refused, and audited.
  persona::v1::StageCatalogResponse staged;
  dir_.Write("catalog/next/catalog.json", ToyCatalog("v2", 0.7));
  EXPECT_EQ(StagePath("next/catalog.json", 1.0, &staged, false).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_TRUE(StagePath("next/catalog.json", 1.0, &staged).ok());
  ASSERT_TRUE(staged.staged());
  EXPECT_EQ(staged.candidate_version(), "v2");
  EXPECT_EQ(Metric("persona_candidate_staged"), 1);

  Traffic traffic(server_->channel());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const persona::v1::GetShadowReportResponse report = Report();
  EXPECT_TRUE(report.staged());
  EXPECT_GT(report.compared(), 0u);
  EXPECT_EQ(report.failed(), 0u);
  EXPECT_EQ(report.live_version(), "v1");
  const auto* beta = Row(report, "beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_DOUBLE_EQ(beta->live_match_rate(), 1.0);
  EXPECT_DOUBLE_EQ(beta->candidate_match_rate(), 0.0);
  EXPECT_GT(beta->left(), 0u);
  for (const char* unchanged : {"alpha", "gamma"}) {
    const auto* row = Row(report, unchanged);
    ASSERT_NE(row, nullptr) << unchanged;
    EXPECT_DOUBLE_EQ(row->live_match_rate(), row->candidate_match_rate()) << unchanged;
    EXPECT_EQ(row->entered() + row->left(), 0u) << unchanged;
  }
  EXPECT_GT(Metric("persona_shadow_comparisons_total"), 0);
  EXPECT_GT(Metric("persona_shadow_top1_agreements_total"), 0);

  {
    persona::v1::PromoteCatalogRequest request;
    request.set_expected_candidate_version("v2");
    persona::v1::PromoteCatalogResponse promoted;
    grpc::ClientContext context;
    Authorize(&context);
    const grpc::Status status = admin_->PromoteCatalog(&context, request, &promoted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(promoted.catalog_version(), "v2");
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Metric("persona_catalog_info{version=\"v2\"}"), 1);
  EXPECT_EQ(Metric("persona_candidate_staged"), 0);
  {
    persona::v1::RollbackCatalogResponse rolled;
    grpc::ClientContext context;
    Authorize(&context);
    const grpc::Status status = admin_->RollbackCatalog(&context, {}, &rolled);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(rolled.catalog_version(), "v1");
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  traffic.Stop();

  EXPECT_EQ(traffic.failed(), 0u) << traffic.first_failure();
  EXPECT_GT(traffic.ok(), 100u);
  EXPECT_EQ(traffic.versions(), (std::set<std::string>{"v1", "v2"}));
  EXPECT_TRUE(server_->WaitForLogLine({"catalog_promoted", "v2"}, absl::Seconds(5)));
  EXPECT_TRUE(server_->WaitForLogLine({"catalog_rolled_back", "v1"}, absl::Seconds(5)));

  {
    persona::v1::ListCatalogHistoryResponse history;
    grpc::ClientContext context;
    Authorize(&context);
    ASSERT_TRUE(admin_->ListCatalogHistory(&context, {}, &history).ok());
    ASSERT_EQ(history.entries_size(), 3);
    EXPECT_EQ(history.entries(0).how(), "rollback");
    EXPECT_EQ(history.entries(0).actor(), TokenActor());
    EXPECT_EQ(history.entries(1).how(), "promote");
    EXPECT_EQ(history.entries(2).how(), "file");
  }

  const std::vector<std::string> lines =
      absl::StrSplit(ReadFileOrEmpty(audit_), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << ReadFileOrEmpty(audit_);
  EXPECT_THAT(lines[0], HasSubstr(R"("actor":"anonymous","action":"StageCatalog")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("outcome":"refused")"));
  EXPECT_THAT(lines[1], HasSubstr(absl::StrCat(R"("actor":")", TokenActor(),
                                               R"(","action":"StageCatalog")")));
  EXPECT_THAT(lines[1], HasSubstr(R"("candidate_version":"v2","outcome":"ok")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("action":"PromoteCatalog","version_before":"v1",)"
                                  R"("version_after":"v2")"));
  EXPECT_THAT(lines[3], HasSubstr(R"("action":"RollbackCatalog","version_before":"v2",)"
                                  R"("version_after":"v1")"));
  for (const std::string& line : lines) EXPECT_THAT(line, Not(HasSubstr(kToken)));
}

TEST_F(E2eSafeChange, SlowCandidatePluginNeverSlowsOrFailsLiveCalls) {
  // Every candidate score call sleeps 100 ms: the shadow thread falls behind at once.
  dir_.Write("catalog/next/catalog.json", ToyCatalog("slow", 0.7, R"(, "delay_ms": 100)"));
  persona::v1::StageCatalogResponse staged;
  ASSERT_TRUE(StagePath("next/catalog.json", 1.0, &staged).ok());
  ASSERT_TRUE(staged.staged());

  Traffic traffic(server_->channel());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  traffic.Stop();
  EXPECT_EQ(traffic.failed(), 0u) << traffic.first_failure();
  EXPECT_GT(traffic.ok(), 100u);
  const persona::v1::GetShadowReportResponse report = Report();
  EXPECT_GT(report.dropped(), 0u);
  EXPECT_GT(Metric("persona_shadow_dropped_total"), 0);
  // Live answers never came from the candidate.
  EXPECT_EQ(traffic.versions(), std::set<std::string>{"v1"});
  // Discard is not held up by the busy shadow thread either.
  persona::v1::DiscardCatalogResponse discarded;
  grpc::ClientContext context;
  Authorize(&context);
  ASSERT_TRUE(admin_->DiscardCatalog(&context, {}, &discarded).ok());
  EXPECT_TRUE(discarded.discarded());
}

TEST(E2eSafeChangeFlags, AuditLogThatCannotBeOpenedRefusesToStartAndHelpListsIt) {
  TempDir dir;
  const std::string catalog = dir.Write("catalog.json", ToyCatalog("v1", 0.5));
  const ProcessResult refused =
      RunProcess({ServerBinary(), "--catalog=" + catalog, "--plugin_dir=" + FixturePluginDir(),
                  "--audit_log=" + dir.path() + "/missing-dir/audit.jsonl"});
  EXPECT_EQ(refused.exit_code, 2) << refused.Describe();
  EXPECT_THAT(refused.err, HasSubstr("audit_log_invalid"));
  EXPECT_THAT(refused.err, HasSubstr("--audit_log=" + dir.path() + "/missing-dir/audit.jsonl"));
  const ProcessResult help = RunProcess({ServerBinary(), "--help"});
  EXPECT_THAT(help.out + help.err, HasSubstr("--audit_log"));
}

}  // namespace
}  // namespace persona::e2e
