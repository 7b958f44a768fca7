// The gRPC services in-process, with the real bundled plugins and the default catalog:
// everything a request touches except the server binary's flags and signals.
#include <grpcpp/grpcpp.h>
#include <persona/segmenter_abi.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "client/persona_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/catalog_admin_service.h"
#include "service/grpc/persona_scoring_service.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class ScoringServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("integration_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    catalog_path_ = (dir_ / "catalog.json").string();
    WriteCatalog(ReadText(fs::path(PERSONA_SOURCE_DIR) / "deploy/catalog/catalog.json"));

    CatalogLoaderOptions options;
    options.plugin_dir = PERSONA_PLUGIN_DIR;
    reloader_ = std::make_unique<CatalogReloader>(&serving_, catalog_path_, options);
    scoring_ = std::make_unique<PersonaScoringService>(&serving_, RequestLimits());
    admin_ = std::make_unique<CatalogAdminService>(&serving_, reloader_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(scoring_.get());
    builder.RegisterService(admin_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    auto channel = MakeChannel("127.0.0.1:" + std::to_string(port));
    scoring_stub_ = persona::v1::PersonaScoring::NewStub(channel);
    admin_stub_ = persona::v1::CatalogAdmin::NewStub(channel);
  }

  void TearDown() override {
    server_->Shutdown();
    server_.reset();
    reloader_.reset();
    fs::remove_all(dir_);
  }

  void WriteCatalog(const std::string& text) { std::ofstream(catalog_path_) << text; }

  persona::v1::ScoreCustomerRequest Example(const std::string& name) {
    persona::v1::ScoreCustomerRequest request;
    const absl::Status status =
        ReadJsonFile((fs::path(PERSONA_SOURCE_DIR) / "deploy/examples" / (name + ".json")).string(),
                     request.mutable_customer());
    EXPECT_TRUE(status.ok()) << status;
    // The example files' dates lead up to this day (deploy/README.md).
    request.mutable_as_of()->set_seconds(1795305600);  // 2026-11-22T00:00:00Z
    return request;
  }

  grpc::Status Score(const persona::v1::ScoreCustomerRequest& request,
                     persona::v1::ScoreCustomerResponse* response) {
    grpc::ClientContext context;
    return scoring_stub_->ScoreCustomer(&context, request, response);
  }

  fs::path dir_;
  std::string catalog_path_;
  ServingCatalog serving_;
  std::unique_ptr<CatalogReloader> reloader_;
  std::unique_ptr<PersonaScoringService> scoring_;
  std::unique_ptr<CatalogAdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> scoring_stub_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_stub_;
};

TEST_F(ScoringServiceTest, UnavailableUntilACatalogIsLoaded) {
  persona::v1::ScoreCustomerResponse response;
  grpc::Status status = Score(Example("hemat-fred"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::ClientContext context;
  persona::v1::ListPersonasResponse personas;
  EXPECT_EQ(scoring_stub_->ListPersonas(&context, {}, &personas).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ScoringServiceTest, ScoresExampleCustomerWithExplanation) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  persona::v1::ScoreCustomerRequest request = Example("hemat-fred");
  request.set_explain(true);
  persona::v1::ScoreCustomerResponse response;
  ASSERT_TRUE(Score(request, &response).ok());
  EXPECT_EQ(response.customer_id(), "cust-fred-001");
  EXPECT_EQ(response.catalog_version(), "2026-12-07.1");
  ASSERT_GE(response.matches_size(), 1);
  const auto& top = response.matches(0);
  EXPECT_EQ(top.persona_id(), "hemat-fred");
  EXPECT_EQ(top.display_name(), "Hemat Fred");
  EXPECT_GT(top.score(), 0.9);
  ASSERT_EQ(top.contributions_size(), 6);  // every lens of the default catalog
  double weighted = 0, total = 0;
  for (const auto& c : top.contributions()) {
    EXPECT_FALSE(c.details().empty()) << c.segmenter();
    weighted += c.weight() * c.affinity();
    total += c.weight();
  }
  // The score is exactly the weighted mean of the contributions it reports.
  EXPECT_NEAR(top.score(), weighted / total, 1e-12);
  for (int i = 1; i < response.matches_size(); ++i) {
    EXPECT_GE(response.matches(i - 1).score(), response.matches(i).score());
  }
}

TEST_F(ScoringServiceTest, TopKAndPersonaIdsRestrictTheAnswer) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  persona::v1::ScoreCustomerRequest request = Example("young-working-mother");
  request.set_top_k(1);
  persona::v1::ScoreCustomerResponse response;
  ASSERT_TRUE(Score(request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).persona_id(), "young-working-mother");

  request.set_top_k(0);
  request.add_persona_ids("urban-trendsetter");
  response.Clear();
  ASSERT_TRUE(Score(request, &response).ok());
  for (const auto& m : response.matches()) EXPECT_EQ(m.persona_id(), "urban-trendsetter");
  // Labels come from every segmenter, whatever the restriction: demographic 1, rfm 2,
  // psychographic 1, behavioral 2, digital 2, triggers 3 (season, birthday, anniversary).
  EXPECT_EQ(response.labels_size(), 11);
}

TEST_F(ScoringServiceTest, InvalidRequestCarriesBadRequestDetails) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  persona::v1::ScoreCustomerRequest request = Example("hemat-fred");
  request.mutable_customer()->mutable_demographics()->set_age(300);
  request.mutable_customer()->mutable_psychographics()->mutable_personality()->set_openness(2);
  persona::v1::ScoreCustomerResponse response;
  grpc::Status status = Score(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("customer.demographics.age"));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "customer.demographics.age");
  EXPECT_EQ(bad_request.field_violations(1).field(),
            "customer.psychographics.personality.openness");
}

TEST_F(ScoringServiceTest, UnknownPersonaIdIsNotFound) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  persona::v1::ScoreCustomerRequest request = Example("hemat-fred");
  request.add_persona_ids("no-such-persona");
  persona::v1::ScoreCustomerResponse response;
  grpc::Status status = Score(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("no-such-persona"));
}

TEST_F(ScoringServiceTest, ListPersonasAndSegmenters) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  grpc::ClientContext c1, c2;
  persona::v1::ListPersonasResponse personas;
  ASSERT_TRUE(scoring_stub_->ListPersonas(&c1, {}, &personas).ok());
  ASSERT_EQ(personas.personas_size(), 5);
  EXPECT_EQ(personas.personas(0).id(), "hemat-fred");  // sorted by id
  EXPECT_THAT(personas.personas(0).segmenters(),
              ::testing::ElementsAre("demographic", "rfm", "psychographic", "behavioral",
                                     "triggers", "digital"));
  persona::v1::ListSegmentersResponse segmenters;
  ASSERT_TRUE(scoring_stub_->ListSegmenters(&c2, {}, &segmenters).ok());
  ASSERT_EQ(segmenters.segmenters_size(), 6);  // the six bundled lenses
  EXPECT_EQ(segmenters.segmenters(1).name(), "rfm");
  EXPECT_EQ(segmenters.segmenters(1).abi_version(),
            std::to_string(PERSONA_SEGMENTER_ABI_MAJOR) + "." +
                std::to_string(PERSONA_SEGMENTER_ABI_MINOR));  // the bundled plugins: this build's
  EXPECT_EQ(segmenters.segmenters(1).criteria(), 5u);
}

TEST_F(ScoringServiceTest, ValidateCatalogReportsProblemsWithoutApplying) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  std::string text = ReadText(catalog_path_);
  text.replace(text.find(R"("age": {"min": 25, "max": 45})"), 29,
               R"("age": {"min": 45, "max": 25})");
  text.replace(text.find("2026-12-07.1"), 12, "2026-11-22.2");
  persona::v1::ValidateCatalogRequest request;
  request.set_catalog_json(text);
  persona::v1::ValidateCatalogResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_stub_->ValidateCatalog(&context, request, &response).ok());
  EXPECT_FALSE(response.valid());
  ASSERT_EQ(response.problems_size(), 1);
  EXPECT_EQ(response.problems(0).file(), "<request>");
  EXPECT_THAT(response.problems(0).field(),
              HasSubstr("personas[hemat-fred].criteria[0].params.age"));

  persona::v1::ValidateCatalogRequest unknown_field;
  unknown_field.set_catalog_json(R"({"version": "x", "persona": []})");
  grpc::ClientContext context2;
  response.Clear();
  ASSERT_TRUE(admin_stub_->ValidateCatalog(&context2, unknown_field, &response).ok());
  EXPECT_FALSE(response.valid());
  EXPECT_THAT(response.problems(0).message(), HasSubstr("persona"));
  EXPECT_EQ(serving_.Current()->version, "2026-12-07.1");
}

TEST_F(ScoringServiceTest, ReloadAppliesGoodAndRejectsBadCatalogs) {
  ASSERT_TRUE(reloader_->ReloadNow().applied);
  const std::string good = ReadText(catalog_path_);
  WriteCatalog(
      std::string(good).replace(good.find("libsegmenter_rfm.so"), 19, "libsegmenter_rfx.so"));
  persona::v1::ReloadCatalogResponse response;
  grpc::ClientContext c1;
  ASSERT_TRUE(admin_stub_->ReloadCatalog(&c1, {}, &response).ok());
  EXPECT_FALSE(response.applied());
  EXPECT_EQ(response.catalog_version(), "2026-12-07.1");
  ASSERT_EQ(response.problems_size(), 1);
  EXPECT_EQ(response.problems(0).field(), "segmenters[rfm].plugin");

  persona::v1::ScoreCustomerResponse scored;
  EXPECT_TRUE(Score(Example("loyal-champion"), &scored).ok());

  WriteCatalog(std::string(good).replace(good.find("2026-12-07.1"), 12, "2026-11-22.9"));
  grpc::ClientContext c2;
  response.Clear();
  ASSERT_TRUE(admin_stub_->ReloadCatalog(&c2, {}, &response).ok());
  EXPECT_TRUE(response.applied());
  EXPECT_EQ(response.catalog_version(), "2026-11-22.9");

  grpc::ClientContext c3;
  persona::v1::GetCatalogStatusResponse status;
  ASSERT_TRUE(admin_stub_->GetCatalogStatus(&c3, {}, &status).ok());
  EXPECT_EQ(status.catalog_version(), "2026-11-22.9");
  EXPECT_EQ(status.personas(), 5u);
  EXPECT_EQ(status.segmenters_size(), 6);
  EXPECT_TRUE(status.last_reload_problems().empty());
  EXPECT_GT(status.loaded_at().seconds(), 0);
}

}  // namespace
}  // namespace persona
