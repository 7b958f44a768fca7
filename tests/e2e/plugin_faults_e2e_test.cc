// Faulty plugins pushed into a running server: every fixture plugin that breaks at
// load time is refused by a live reload while the previous catalog keeps serving, and every
// one that misbehaves at score time (NaN, Inf, out of range, throwing) is contained to its own
// segmenter: the call answers OK with finite scores in [0, 1], the fault is counted in the
// metrics, and the server stays up.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// Personas scored by the toy fixture, one per behaviour, and one demographic persona to show
// the other segmenters are untouched by a neighbour's fault.
std::string FaultCatalog(const std::string& version, const std::string& toy_plugin,
                         const std::string& toy_config = "{}") {
  const auto toy = [](const std::string& id, const std::string& params) {
    return absl::StrCat(R"({"id": ")", id, R"(", "display_name": ")", id,
                        R"(", "criteria": [{"segmenter": "toy", "weight": 1, "params": )", params,
                        "}]}");
  };
  return absl::StrCat(
      R"({"version": ")", version, R"(", "segmenters": [)",
      R"({"name": "demographic", "plugin": "libsegmenter_demographic.so"},)",
      R"({"name": "toy", "plugin": ")", toy_plugin, R"(", "config": )", toy_config, "}],",
      R"("personas": [)", toy("steady", R"({"affinity": 0.7})"), ",",
      toy("emits-nan", R"({"emit": "nan"})"), ",", toy("emits-inf", R"({"emit": "inf"})"), ",",
      toy("out-of-range", R"({"emit": "out_of_range"})"), ",",
      toy("throws-in-score", R"({"emit": "fail"})"), ",",
      R"({"id": "adults", "display_name": "Adults", "criteria": [{"segmenter": "demographic",)",
      R"( "weight": 1, "params": {"age": {"min": 18, "max": 99}}}]}]})");
}

class E2ePluginFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    plugins_ = fs::path(dir_.path()) / "plugins";
    fs::create_directories(plugins_);
    fs::copy_file(fs::path(PluginDir()) / "libsegmenter_demographic.so",
                  plugins_ / "libsegmenter_demographic.so");
    for (const char* fixture :
         {"libsegmenter_toy.so", "libsegmenter_no_entry_symbol.so",
          "libsegmenter_abi_major_mismatch.so", "libsegmenter_undefined_symbol.so",
          "libsegmenter_missing_dependency.so"}) {
      // A copy alone: missing_dependency's library stays behind in the fixture dir's deps/.
      fs::copy_file(fs::path(FixturePluginDir()) / fixture, plugins_ / fixture);
    }
    catalog_ = dir_.Write("catalog.json", FaultCatalog("faults-1", "libsegmenter_toy.so"));
    metrics_port_ = FreeLoopbackPort();
    ServerOptions options;
    options.binary = ServerBinary();
    options.catalog = catalog_;
    options.plugin_dir = plugins_.string();
    options.extra_args = {"--watch_catalog=false",
                          absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_)};
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    scoring_ = persona::v1::PersonaScoring::NewStub(server_->channel());
    admin_ = persona::v1::CatalogAdmin::NewStub(server_->channel());
  }

  grpc::Status Score(const std::vector<std::string>& persona_ids,
                     persona::v1::ScoreCustomerResponse* response) {
    persona::v1::ScoreCustomerRequest request;
    request.mutable_customer()->set_customer_id("fault-probe");
    request.mutable_customer()->mutable_demographics()->set_age(40);
    for (const std::string& id : persona_ids) request.add_persona_ids(id);
    request.set_explain(true);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return scoring_->ScoreCustomer(&context, request, response);
  }

  double Faults() {
    return MetricValue(HttpGet(metrics_port_, "/metrics"), "persona_segmenter_faults_total")
        .value_or(-1);
  }

  persona::v1::ReloadCatalogResponse Reload() {
    persona::v1::ReloadCatalogResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        admin_->ReloadCatalog(&context, persona::v1::ReloadCatalogRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  TempDir dir_;
  fs::path plugins_;
  std::string catalog_;
  int metrics_port_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> scoring_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_;
};

// Every number in a response must be a real score: the contract clients rely on.
void ExpectEveryScoreFiniteAndInRange(const persona::v1::ScoreCustomerResponse& response) {
  for (const auto& match : response.matches()) {
    EXPECT_TRUE(std::isfinite(match.score())) << match.persona_id();
    EXPECT_GE(match.score(), 0.0) << match.persona_id();
    EXPECT_LE(match.score(), 1.0) << match.persona_id();
    for (const auto& contribution : match.contributions()) {
      EXPECT_TRUE(std::isfinite(contribution.affinity())) << match.persona_id();
      EXPECT_GE(contribution.affinity(), 0.0) << match.persona_id();
      EXPECT_LE(contribution.affinity(), 1.0) << match.persona_id();
      for (const auto& detail : contribution.details()) {
        EXPECT_TRUE(std::isfinite(detail.affinity())) << match.persona_id();
      }
    }
  }
}

// -1 when the persona is not among the matches, so an exact expectation fails on absence.
double ScoreOf(const persona::v1::ScoreCustomerResponse& response, const std::string& id) {
  for (const auto& match : response.matches()) {
    if (match.persona_id() == id) return match.score();
  }
  return -1;
}

TEST_F(E2ePluginFaults, ScoreTimeFaultsAreContainedToTheirSegmenterAndCounted) {
  persona::v1::ScoreCustomerResponse clean;
  ASSERT_TRUE(Score({"steady", "adults"}, &clean).ok());
  EXPECT_DOUBLE_EQ(ScoreOf(clean, "steady"), 0.7);
  EXPECT_DOUBLE_EQ(ScoreOf(clean, "adults"), 1.0);
  const double faults_before = Faults();
  ASSERT_GE(faults_before, 0) << "no persona_segmenter_faults_total on /metrics";

  int faulty_calls = 0;
  for (const std::string fault : {"emits-nan", "emits-inf", "out-of-range", "throws-in-score"}) {
    SCOPED_TRACE(fault);
    persona::v1::ScoreCustomerResponse response;
    const grpc::Status status = Score({"steady", fault, "adults"}, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ++faulty_calls;
    ExpectEveryScoreFiniteAndInRange(response);
    // The neighbouring segmenter's persona scores as before.
    EXPECT_DOUBLE_EQ(ScoreOf(response, "adults"), 1.0);
    if (fault == "out-of-range") {
      // Clamped to 1, not dropped: the plugin did answer.
      EXPECT_DOUBLE_EQ(ScoreOf(response, fault), 1.0);
      EXPECT_DOUBLE_EQ(ScoreOf(response, "steady"), 0.7);
    } else if (fault == "throws-in-score") {
      // One throw fails the whole score call of that segmenter: all its criteria become
      // missing data, so the toy personas fall back to the missing-data grade (default 0.5).
      EXPECT_DOUBLE_EQ(ScoreOf(response, "steady"), 0.5);
      EXPECT_DOUBLE_EQ(ScoreOf(response, fault), 0.5);
    } else {
      // NaN and Inf become missing data (default grade 0.5) for that criterion only.
      EXPECT_DOUBLE_EQ(ScoreOf(response, "steady"), 0.7);
      EXPECT_DOUBLE_EQ(ScoreOf(response, fault), 0.5);
    }
  }
  EXPECT_EQ(Faults(), faults_before + faulty_calls);
  // Still up and still right.
  EXPECT_TRUE(server_->Running());
  persona::v1::ScoreCustomerResponse after;
  ASSERT_TRUE(Score({"steady", "adults"}, &after).ok());
  EXPECT_DOUBLE_EQ(ScoreOf(after, "steady"), 0.7);
  EXPECT_EQ(Faults(), faults_before + faulty_calls);
}

TEST_F(E2ePluginFaults, LoadTimeFaultsPushedWhileServingAreRejectedAndTheOldCatalogServes) {
  struct Case {
    std::string name;
    std::string catalog;
    std::string expect;  // in some problem's message
  };
  const std::vector<Case> cases = {
      {"throws from create (init)",
       FaultCatalog("bad-init", "libsegmenter_toy.so", R"({"fail_create": true})"),
       "asked to fail"},
      {"throws from compile",
       absl::StrCat(R"({"version": "bad-compile", "segmenters": [{"name": "toy", "plugin": )",
                    R"("libsegmenter_toy.so"}], "personas": [{"id": "p", "display_name": "P",)",
                    R"( "criteria": [{"segmenter": "toy", "weight": 1, "params": {"throw": )",
                    R"(true}}]}]})"),
       "toy threw"},
      {"missing entry symbol", FaultCatalog("bad-entry", "libsegmenter_no_entry_symbol.so"),
       "does not export persona_segmenter_plugin()"},
      {"ABI major mismatch", FaultCatalog("bad-abi", "libsegmenter_abi_major_mismatch.so"), "ABI"},
      {"unresolved symbol", FaultCatalog("bad-symbol", "libsegmenter_undefined_symbol.so"),
       "undefined symbol"},
      {"missing dependency", FaultCatalog("bad-dependency", "libsegmenter_missing_dependency.so"),
       "libfixture_dependency"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteFileAtomically(catalog_, c.catalog);
    const persona::v1::ReloadCatalogResponse reload = Reload();
    EXPECT_FALSE(reload.applied());
    EXPECT_EQ(reload.catalog_version(), "faults-1");
    ASSERT_FALSE(reload.problems().empty());
    std::string messages;
    for (const auto& problem : reload.problems()) {
      EXPECT_EQ(problem.file(), catalog_);
      EXPECT_FALSE(problem.field().empty());
      absl::StrAppend(&messages, problem.field(), ": ", problem.message(), "\n");
    }
    EXPECT_THAT(messages, HasSubstr(c.expect));
    // The previous catalog keeps serving, unchanged.
    persona::v1::ScoreCustomerResponse response;
    ASSERT_TRUE(Score({"steady", "adults"}, &response).ok());
    EXPECT_EQ(response.catalog_version(), "faults-1");
    EXPECT_DOUBLE_EQ(ScoreOf(response, "steady"), 0.7);
  }
  const std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_EQ(MetricValue(metrics, "persona_catalog_reloads_total{outcome=\"rejected\"}"),
            static_cast<double>(cases.size()));
  EXPECT_THAT(metrics, HasSubstr("persona_catalog_info{version=\"faults-1\"} 1"));
  // And a good catalog still goes live afterwards.
  WriteFileAtomically(catalog_, FaultCatalog("faults-2", "libsegmenter_toy.so"));
  EXPECT_TRUE(Reload().applied());
  EXPECT_TRUE(server_->StopCleanly().ok());
}

}  // namespace
}  // namespace persona::e2e
