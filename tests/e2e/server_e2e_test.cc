// End-to-end tests of the real persona-server binary: started as a child process with the
// bundled plugin .so files and deploy/catalog, called over loopback with the generated stubs,
// persona-cli and raw bytes; `persona-server --validate` run to completion.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/reflection_client.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using HealthStatus = grpc::health::v1::HealthCheckResponse;

constexpr absl::Duration kCallTimeout = absl::Seconds(10);
// 2026-11-22T00:00:00Z: a fixed reference time, so results do not depend on the clock.
constexpr int64_t kAsOf = 1795305600;

// ---------------------------------------------------------------------------------------------
// Helpers

template <typename Message>
Message ParseJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message, options);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return message;
}

persona::v1::Customer ReadCustomer(const fs::path& file) {
  const std::string json = ReadFileOrEmpty(file.string());
  EXPECT_FALSE(json.empty()) << file;
  return ParseJson<persona::v1::Customer>(json);
}

persona::v1::ScoreCustomerRequest ExampleRequest(const fs::path& file, bool explain) {
  persona::v1::ScoreCustomerRequest request;
  *request.mutable_customer() = ReadCustomer(file);
  request.set_explain(explain);
  request.mutable_as_of()->set_seconds(kAsOf);
  return request;
}

// `text` with `from` replaced by `to`; a test failure if `from` does not occur.
std::string Edit(const std::string& text, const std::string& from, const std::string& to) {
  EXPECT_TRUE(absl::StrContains(text, from)) << "the catalog no longer contains: " << from;
  return absl::StrReplaceAll(text, {{from, to}});
}

std::string DefaultCatalogText() {
  const std::string text = ReadFileOrEmpty(DefaultCatalogPath());
  EXPECT_FALSE(text.empty());
  return text;
}

std::string WithVersion(const std::string& catalog, const std::string& version) {
  return Edit(catalog, absl::StrCat("\"version\": \"", DefaultCatalogVersion(), "\""),
              absl::StrCat("\"version\": \"", version, "\""));
}

// The three ways a catalog goes wrong that every layer must name precisely.
std::string CatalogWithUnknownField() {
  return Edit(DefaultCatalogText(), R"("display_name": "Hemat Fred",)",
              R"("display_name": "Hemat Fred", "colour": "red",)");
}
std::string CatalogWithMissingPlugin() {
  return Edit(DefaultCatalogText(), "libsegmenter_rfm.so", "libsegmenter_rfm_missing.so");
}
std::string CatalogWithBadParam() {
  // hemat-fred's first criterion (demographic): min above max.
  return Edit(DefaultCatalogText(), R"("age": {"min": 25, "max": 45})",
              R"("age": {"min": 50, "max": 45})");
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

std::vector<std::string> ProblemFields(
    const google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>& problems) {
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field());
  return fields;
}

std::string ProblemsText(
    const google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    absl::StrAppend(&out, p.file(), ": ", p.field(), ": ", p.message(), "\n");
  }
  return out;
}

// A client of one running server.
class Client {
 public:
  explicit Client(const ServerProcess& server)
      : channel_(server.channel()),
        scoring_(persona::v1::PersonaScoring::NewStub(channel_)),
        admin_(persona::v1::CatalogAdmin::NewStub(channel_)) {}

  grpc::Status Score(const persona::v1::ScoreCustomerRequest& request,
                     persona::v1::ScoreCustomerResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return scoring_->ScoreCustomer(&context, request, response);
  }
  grpc::Status ListPersonas(persona::v1::ListPersonasResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return scoring_->ListPersonas(&context, {}, response);
  }
  grpc::Status ListSegmenters(persona::v1::ListSegmentersResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return scoring_->ListSegmenters(&context, {}, response);
  }
  grpc::Status Reload(persona::v1::ReloadCatalogResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return admin_->ReloadCatalog(&context, {}, response);
  }
  grpc::Status Validate(const persona::v1::ValidateCatalogRequest& request,
                        persona::v1::ValidateCatalogResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return admin_->ValidateCatalog(&context, request, response);
  }
  grpc::Status ValidateJson(const std::string& json,
                            persona::v1::ValidateCatalogResponse* response) {
    persona::v1::ValidateCatalogRequest request;
    request.set_catalog_json(json);
    return Validate(request, response);
  }
  grpc::Status Status(persona::v1::GetCatalogStatusResponse* response) {
    grpc::ClientContext context;
    SetDeadline(&context);
    return admin_->GetCatalogStatus(&context, {}, response);
  }
  // The catalog version GetCatalogStatus reports, or "<error …>".
  std::string LiveVersion() {
    persona::v1::GetCatalogStatusResponse status;
    const grpc::Status rpc = Status(&status);
    return rpc.ok() ? status.catalog_version() : absl::StrCat("<error ", StatusText(rpc), ">");
  }
  // Polls GetCatalogStatus until it reports `version` (bounded).
  bool WaitForVersion(const std::string& version, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      if (LiveVersion() == version) return true;
      if (absl::Now() >= deadline) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  // Scores hemat-fred's example: the smoke test that the server still serves.
  void ExpectScoresHematFred(const std::string& version) {
    persona::v1::ScoreCustomerResponse response;
    const grpc::Status status =
        Score(ExampleRequest(SourcePath("deploy/examples/hemat-fred.json"), false), &response);
    ASSERT_TRUE(status.ok()) << StatusText(status);
    ASSERT_FALSE(response.matches().empty());
    EXPECT_EQ(response.matches(0).persona_id(), "hemat-fred");
    EXPECT_EQ(response.catalog_version(), version);
  }

 private:
  static void SetDeadline(grpc::ClientContext* context) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> scoring_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_;
};

// Each test owns a temp dir for catalogs and (usually) one server; the server's log is printed
// when the test fails.
class E2eTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ != nullptr) {
      // Every server must shut down cleanly: exit 0, no sanitizer report (leaks show at exit).
      const absl::Status stopped = server_->StopCleanly();
      EXPECT_TRUE(stopped.ok()) << stopped;
    }
    if (HasFailure() && server_ != nullptr) {
      std::fprintf(stderr, "--- persona-server log ---\n%s", server_->Log().c_str());
    }
  }

  // Starts persona-server; the test fails (fatally) if it does not come up as expected.
  void StartServer(ServerOptions options) {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(*server_);
  }
  // A server on a copy of the default catalog in the temp dir (so the test may rewrite it).
  // Without `watch`, only ReloadCatalog and SIGHUP reload: the test controls every reload.
  void StartServerOnCatalogCopy(const std::string& text = DefaultCatalogText(),
                                HealthStatus::ServingStatus expect = HealthStatus::SERVING,
                                bool watch = false) {
    catalog_path_ = dir_.Write("catalog.json", text);
    ServerOptions options = DefaultServerOptions(catalog_path_);
    options.expect_health = expect;
    if (!watch) options.extra_args.push_back("--watch_catalog=false");
    StartServer(options);
  }

  ProcessResult Validate(const std::string& catalog_text,
                         const std::string& plugin_dir = PluginDir()) {
    const std::string path = dir_.Write("validate.json", catalog_text);
    return RunProcess(
        {ServerBinary(), "--validate", "--catalog=" + path, "--plugin_dir=" + plugin_dir});
  }

  // persona-cli <command> <flags…> --target=<the server>
  ProcessResult Cli(const std::string& command, const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = {CliBinary(), command};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("--target=" + server_->target());
    return RunProcess(argv);
  }

  TempDir dir_;
  std::string catalog_path_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> client_;
};

// ---------------------------------------------------------------------------------------------
// Scoring against the default catalog

using E2eScoring = E2eTest;

TEST_F(E2eScoring, EveryExampleMatchesItsPersonaFirstWithLabelsAndExplanation) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const std::vector<fs::path> examples = ExampleCustomers();
  ASSERT_EQ(examples.size(), 5u);
  for (const fs::path& example : examples) {
    SCOPED_TRACE(example.filename().string());
    persona::v1::ScoreCustomerResponse response;
    const grpc::Status status = client_->Score(ExampleRequest(example, true), &response);
    ASSERT_TRUE(status.ok()) << StatusText(status);
    ASSERT_FALSE(response.matches().empty());
    EXPECT_EQ(response.matches(0).persona_id(), example.stem().string());
    EXPECT_EQ(response.catalog_version(), DefaultCatalogVersion());
    EXPECT_FALSE(response.customer_id().empty());
    EXPECT_EQ(response.customer_id(), ReadCustomer(example).customer_id());

    // Sorted by score desc, then persona id; every score in [0, 1].
    for (int i = 0; i < response.matches_size(); ++i) {
      const auto& match = response.matches(i);
      EXPECT_GE(match.score(), 0.0);
      EXPECT_LE(match.score(), 1.0);
      EXPECT_FALSE(match.display_name().empty());
      if (i > 0) {
        const auto& prev = response.matches(i - 1);
        EXPECT_TRUE(prev.score() > match.score() ||
                    (prev.score() == match.score() && prev.persona_id() < match.persona_id()))
            << prev.persona_id() << " before " << match.persona_id();
      }
    }

    // Labels: what each segmenter concluded, including the RFM segment and cell.
    std::map<std::string, std::string> labels;
    for (const auto& label : response.labels()) labels[label.key()] = label.value();
    ASSERT_EQ(labels.count("rfm"), 1u);
    EXPECT_THAT(labels["rfm"],
                testing::AnyOf("champions", "loyal_customers", "potential_loyalist",
                               "new_customers", "promising", "need_attention", "about_to_sleep",
                               "at_risk", "cant_lose_them", "hibernating"));
    ASSERT_EQ(labels.count("rfm.rfm_cell"), 1u);
    EXPECT_THAT(labels["rfm.rfm_cell"], MatchesRegex("[1-5][1-5][1-5]"));
    // Where and when to reach them: every example has opt-ins and is scored on a calendar.
    ASSERT_EQ(labels.count("digital.best_channel"), 1u);
    EXPECT_THAT(labels["digital.best_channel"], testing::AnyOf("whatsapp", "push", "email", "sms"));
    ASSERT_EQ(labels.count("triggers.season"), 1u);
    EXPECT_FALSE(labels["triggers.season"].empty());

    // explain=true: one contribution per criterion of the top persona, each with details.
    const auto& top = response.matches(0);
    ASSERT_EQ(top.contributions_size(), 6);
    std::set<std::string> segmenters;
    double weighted = 0, weights = 0;
    for (const auto& contribution : top.contributions()) {
      segmenters.insert(contribution.segmenter());
      EXPECT_GT(contribution.weight(), 0.0);
      EXPECT_GE(contribution.affinity(), 0.0);
      EXPECT_LE(contribution.affinity(), 1.0);
      EXPECT_FALSE(contribution.details().empty()) << contribution.segmenter();
      for (const auto& detail : contribution.details()) {
        EXPECT_FALSE(detail.field().empty());
        EXPECT_FALSE(detail.reason().empty()) << detail.field();
      }
      weighted += contribution.weight() * contribution.affinity();
      weights += contribution.weight();
    }
    EXPECT_THAT(segmenters, UnorderedElementsAre("demographic", "rfm", "psychographic",
                                                 "behavioral", "digital", "triggers"));
    // Persona score = Σ wᵢ·aᵢ / Σ wᵢ (docs/scoring.md).
    EXPECT_NEAR(top.score(), weighted / weights, 1e-9);
  }
}

TEST_F(E2eScoring, WithoutExplainThereAreNoContributions) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  persona::v1::ScoreCustomerRequest request =
      ExampleRequest(SourcePath("deploy/examples/loyal-champion.json"), false);
  request.set_top_k(2);
  persona::v1::ScoreCustomerResponse response;
  ASSERT_TRUE(client_->Score(request, &response).ok());
  ASSERT_GE(response.matches_size(), 1);
  EXPECT_LE(response.matches_size(), 2);
  EXPECT_EQ(response.matches(0).persona_id(), "loyal-champion");
  for (const auto& match : response.matches()) EXPECT_THAT(match.contributions(), IsEmpty());
}

TEST_F(E2eScoring, SameRequestTwiceGivesByteIdenticalResponses) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  for (const fs::path& example : ExampleCustomers()) {
    SCOPED_TRACE(example.filename().string());
    const std::string request = ExampleRequest(example, true).SerializeAsString();
    // Raw wire bytes, as the server sent them: no re-serialization on this side.
    const RawCallResult first =
        CallUnaryRaw(server_->channel(), "/persona.v1.PersonaScoring/ScoreCustomer", request);
    const RawCallResult second =
        CallUnaryRaw(server_->channel(), "/persona.v1.PersonaScoring/ScoreCustomer", request);
    ASSERT_TRUE(first.status.ok()) << StatusText(first.status);
    ASSERT_TRUE(second.status.ok()) << StatusText(second.status);
    EXPECT_FALSE(first.response.empty());
    EXPECT_EQ(first.response, second.response);
    persona::v1::ScoreCustomerResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(first.response));
    ASSERT_FALSE(parsed.matches().empty());
    EXPECT_EQ(parsed.matches(0).persona_id(), example.stem().string());
  }
}

TEST_F(E2eScoring, ScoreCustomersStreamsOneResponsePerRequestInOrder) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  std::vector<persona::v1::ScoreCustomerRequest> requests;
  std::vector<std::string> expected;  // top persona, or "" for a rejected record
  for (const fs::path& example : ExampleCustomers()) {
    requests.push_back(ExampleRequest(example, false));
    expected.push_back(example.stem().string());
  }
  persona::v1::ScoreCustomerRequest bad = requests.front();
  bad.mutable_customer()->mutable_demographics()->set_age(200);
  requests.insert(requests.begin() + 2, bad);
  expected.insert(expected.begin() + 2, "");
  requests.push_back(requests.front());  // the stream goes on after a rejected record
  expected.push_back(expected.front());

  auto stub = persona::v1::PersonaScoring::NewStub(server_->channel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  auto stream = stub->ScoreCustomers(&context);
  // A handful of small messages: well inside flow-control windows, so write all, then read.
  for (const auto& request : requests) ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->WritesDone());
  std::vector<persona::v1::ScoreCustomersResponse> responses;
  persona::v1::ScoreCustomersResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << StatusText(status);

  ASSERT_EQ(responses.size(), requests.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("record ", i));
    EXPECT_EQ(responses[i].index(), i);
    if (expected[i].empty()) {
      EXPECT_FALSE(responses[i].has_result());
      EXPECT_EQ(responses[i].error_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      EXPECT_THAT(responses[i].error_message(), HasSubstr("customer.demographics.age"));
      continue;
    }
    EXPECT_EQ(responses[i].error_code(), 0) << responses[i].error_message();
    ASSERT_FALSE(responses[i].result().matches().empty());
    EXPECT_EQ(responses[i].result().matches(0).persona_id(), expected[i]);
    EXPECT_EQ(responses[i].result().customer_id(), requests[i].customer().customer_id());
  }
}

TEST_F(E2eScoring, OrdersGiveRfmLabelsLikeTheSummary) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  // loyal-champion's summary (3 days, 15 orders, 2400 spent) as explicit orders.
  persona::v1::ScoreCustomerRequest from_summary =
      ExampleRequest(SourcePath("deploy/examples/loyal-champion.json"), false);
  persona::v1::ScoreCustomerRequest from_orders = from_summary;
  auto* behavior = from_orders.mutable_customer()->mutable_behavior();
  behavior->clear_rfm();
  for (int i = 0; i < 15; ++i) {
    auto* order = behavior->add_orders();
    order->set_order_id(absl::StrCat("o-", i));
    order->mutable_time()->set_seconds(kAsOf - (3 + 7 * i) * 86400);
    order->set_amount(160);
  }
  persona::v1::ScoreCustomerResponse summary_response, orders_response;
  ASSERT_TRUE(client_->Score(from_summary, &summary_response).ok());
  const grpc::Status status = client_->Score(from_orders, &orders_response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  std::map<std::string, std::string> summary_labels, order_labels;
  for (const auto& l : summary_response.labels()) summary_labels[l.key()] = l.value();
  for (const auto& l : orders_response.labels()) order_labels[l.key()] = l.value();
  EXPECT_EQ(order_labels["rfm"], summary_labels["rfm"]);
  EXPECT_EQ(order_labels["rfm.rfm_cell"], summary_labels["rfm.rfm_cell"]);
  ASSERT_FALSE(orders_response.matches().empty());
  EXPECT_EQ(orders_response.matches(0).persona_id(), "loyal-champion");
}

TEST_F(E2eScoring, BadRequestIsInvalidArgumentWithBadRequestDetails) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  persona::v1::ScoreCustomerRequest request =
      ExampleRequest(SourcePath("deploy/examples/hemat-fred.json"), false);
  request.mutable_customer()->mutable_demographics()->set_age(200);
  request.mutable_customer()->mutable_psychographics()->mutable_personality()->set_openness(1.5);
  persona::v1::ScoreCustomerResponse response;
  const grpc::Status status = client_->Score(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
  EXPECT_THAT(status.error_message(), HasSubstr("customer.demographics.age"));
  EXPECT_THAT(status.error_message(), HasSubstr("200"));

  // grpc-status-details-bin: a google.rpc.Status holding a google.rpc.BadRequest.
  ASSERT_FALSE(status.error_details().empty());
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request)) << details.details(0).type_url();
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  std::vector<std::string> fields;
  for (const auto& violation : bad_request.field_violations()) {
    fields.push_back(violation.field());
    EXPECT_FALSE(violation.description().empty()) << violation.field();
  }
  EXPECT_THAT(fields, ElementsAre("customer.demographics.age",
                                  "customer.psychographics.personality.openness"));

  // Still serving.
  ASSERT_TRUE(server_->WaitForHealth(HealthStatus::SERVING, absl::Seconds(5)).ok());
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
}

TEST_F(E2eScoring, UnparsableRequestBytesAreNotInternal) {
  // Never INTERNAL for bad input. Bytes that are not a ScoreCustomerRequest, e.g. a
  // customer_id that is not UTF-8 (proto3 strings must be; some clients do not check), or a
  // truncated message.
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const std::vector<std::pair<std::string, std::string>> cases = {
      // customer { customer_id: "\xff\xfe" }
      {"customer_id not UTF-8", std::string("\x0a\x04\x0a\x02\xff\xfe", 6)},
      // customer: length 16, only 2 bytes follow
      {"truncated", std::string("\x0a\x10\x0a\x00", 4)},
  };
  for (const auto& [name, bytes] : cases) {
    SCOPED_TRACE(name);
    const RawCallResult result =
        CallUnaryRaw(server_->channel(), "/persona.v1.PersonaScoring/ScoreCustomer", bytes);
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << StatusText(result.status);
  }
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
}

TEST_F(E2eScoring, UnknownPersonaIdIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  persona::v1::ScoreCustomerRequest request =
      ExampleRequest(SourcePath("deploy/examples/hemat-fred.json"), false);
  request.add_persona_ids("hemat-fred");
  request.add_persona_ids("no-such-persona");
  persona::v1::ScoreCustomerResponse response;
  const grpc::Status status = client_->Score(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << StatusText(status);
  EXPECT_THAT(status.error_message(), HasSubstr("no-such-persona"));

  // A known id restricts the matches to it.
  request.clear_persona_ids();
  request.add_persona_ids("urban-trendsetter");
  const grpc::Status restricted = client_->Score(request, &response);
  ASSERT_TRUE(restricted.ok()) << StatusText(restricted);
  for (const auto& match : response.matches()) EXPECT_EQ(match.persona_id(), "urban-trendsetter");
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
}

TEST_F(E2eScoring, OrderAfterAsOfIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  persona::v1::ScoreCustomerRequest request =
      ExampleRequest(SourcePath("deploy/examples/hemat-fred.json"), false);
  auto* order = request.mutable_customer()->mutable_behavior()->add_orders();
  order->set_order_id("future-1");
  order->mutable_time()->set_seconds(kAsOf + 86400);
  order->set_amount(10);
  // The example's own orders come first.
  const std::string field = absl::StrCat("customer.behavior.orders[",
                                         request.customer().behavior().orders_size() - 1, "].time");
  persona::v1::ScoreCustomerResponse response;
  const grpc::Status status = client_->Score(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
  EXPECT_THAT(status.error_message(), HasSubstr(field));
  google::rpc::Status details;
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), field);

  // The same order one day before as_of is fine, and the server keeps serving.
  order->mutable_time()->set_seconds(kAsOf - 86400);
  const grpc::Status ok = client_->Score(request, &response);
  EXPECT_TRUE(ok.ok()) << StatusText(ok);
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
}

TEST_F(E2eScoring, ListsPersonasSegmentersAndReportsHealthAndStartLog) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  for (const std::string service : {"", "persona.v1.PersonaScoring"}) {
    absl::StatusOr<HealthStatus::ServingStatus> health = server_->CheckHealth(service);
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(*health, HealthStatus::SERVING) << "service \"" << service << "\"";
  }

  persona::v1::ListPersonasResponse personas;
  ASSERT_TRUE(client_->ListPersonas(&personas).ok());
  EXPECT_EQ(personas.catalog_version(), DefaultCatalogVersion());
  std::vector<std::string> ids, stems;
  for (const auto& p : personas.personas()) ids.push_back(p.id());
  for (const fs::path& example : ExampleCustomers()) stems.push_back(example.stem().string());
  EXPECT_THAT(ids, UnorderedElementsAreArray(stems));

  persona::v1::ListSegmentersResponse segmenters;
  ASSERT_TRUE(client_->ListSegmenters(&segmenters).ok());
  ASSERT_EQ(segmenters.segmenters_size(), 6);
  for (const auto& s : segmenters.segmenters()) {
    EXPECT_EQ(s.plugin(), absl::StrCat("libsegmenter_", s.name(), ".so"));
    EXPECT_EQ(s.abi_version(), SdkAbiVersion());
    EXPECT_THAT(s.sha256(), MatchesRegex("[0-9a-f]{64}"));
    EXPECT_EQ(s.criteria(), 5u) << s.name();  // every persona uses every lens once
  }

  EXPECT_EQ(server_
                ->LogLines({R"("event":"server_started")",
                            absl::StrCat(R"("port":")", server_->port(), R"(")")})
                .size(),
            1u);
  EXPECT_EQ(server_
                ->LogLines({R"("event":"catalog_loaded")",
                            absl::StrCat(R"("version":")", DefaultCatalogVersion(), R"(")")})
                .size(),
            1u);
}

// ---------------------------------------------------------------------------------------------
// persona-cli against a running server

using E2eCli = E2eTest;

TEST_F(E2eCli, ScorePrintsEveryExamplesPersona) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  for (const fs::path& example : ExampleCustomers()) {
    SCOPED_TRACE(example.filename().string());
    const ProcessResult result = Cli("score", {"--customer=" + example.string(), "--explain",
                                               "--top_k=1", "--as_of=2026-11-22T00:00:00Z"});
    ASSERT_EQ(result.exit_code, 0) << result.Describe();
    const auto response = ParseJson<persona::v1::ScoreCustomerResponse>(result.out);
    ASSERT_EQ(response.matches_size(), 1) << result.out;
    EXPECT_EQ(response.matches(0).persona_id(), example.stem().string());
    EXPECT_EQ(response.matches(0).contributions_size(), 6);
    EXPECT_THAT(result.out, HasSubstr(R"("rfm.rfm_cell")"));
  }
}

TEST_F(E2eCli, PersonasListsFive) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const ProcessResult result = Cli("personas");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  const auto response = ParseJson<persona::v1::ListPersonasResponse>(result.out);
  std::vector<std::string> ids;
  for (const auto& p : response.personas()) ids.push_back(p.id());
  EXPECT_THAT(ids, UnorderedElementsAre("hemat-fred", "young-working-mother", "loyal-champion",
                                        "high-value-at-risk", "urban-trendsetter"));
  EXPECT_EQ(response.catalog_version(), DefaultCatalogVersion());
}

TEST_F(E2eCli, SegmentersListsTheSixLensesWithThisTreesAbi) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const ProcessResult result = Cli("segmenters");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  const auto response = ParseJson<persona::v1::ListSegmentersResponse>(result.out);
  std::map<std::string, std::string> abi;
  for (const auto& s : response.segmenters()) abi[s.name()] = s.abi_version();
  // The bundled plugins are built against this tree's SDK, whatever its ABI version now is.
  const std::string version = SdkAbiVersion();
  using Entry = std::pair<const std::string, std::string>;
  EXPECT_THAT(abi, ElementsAre(Entry("behavioral", version), Entry("demographic", version),
                               Entry("digital", version), Entry("psychographic", version),
                               Entry("rfm", version), Entry("triggers", version)));
}

TEST_F(E2eCli, BadCustomerExitsOneNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const std::string customer = Edit(ReadFileOrEmpty(SourcePath("deploy/examples/hemat-fred.json")),
                                    R"("age": 34)", R"("age": 200)");
  const std::string file = dir_.Write("bad-customer.json", customer);
  const ProcessResult result = Cli("score", {"--customer=" + file});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err,
              AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr("customer.demographics.age")));
  EXPECT_THAT(result.out, IsEmpty());

  // A file that is not a Customer at all is refused before any call, naming the field.
  const std::string unknown = dir_.Write("unknown-field.json", R"({"shoe_size": 44})");
  const ProcessResult local = Cli("score", {"--customer=" + unknown});
  EXPECT_NE(local.exit_code, 0) << local.Describe();
  EXPECT_THAT(local.err, HasSubstr("shoe_size"));
}

TEST_F(E2eCli, UnreachableServerExitsOne) {
  // A port nothing listens on: start a server, note its port, stop it.
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const std::string target = server_->target();
  ASSERT_EQ(server_->Stop().exit_code, 0);
  const ProcessResult result =
      RunProcess({CliBinary(), "personas", "--target=" + target, "--timeout_seconds=5"});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
}

// ---------------------------------------------------------------------------------------------
// persona-server --validate

using E2eValidate = E2eTest;

TEST_F(E2eValidate, DefaultCatalogIsValid) {
  const ProcessResult result =
      RunProcess({ServerBinary(), "--validate", "--catalog=" + DefaultCatalogPath(),
                  "--plugin_dir=" + PluginDir()});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("OK"), HasSubstr(DefaultCatalogVersion()), HasSubstr("5 personas")));
}

TEST_F(E2eValidate, UnknownFieldNamesFileAndField) {
  const ProcessResult result = Validate(CatalogWithUnknownField());
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err, AllOf(HasSubstr(dir_.path() + "/validate.json"), HasSubstr("colour"),
                                HasSubstr("personas[0]")));
}

TEST_F(E2eValidate, MissingPluginNamesSegmenterPlugin) {
  const ProcessResult result = Validate(CatalogWithMissingPlugin());
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err,
              AllOf(HasSubstr(dir_.path() + "/validate.json"), HasSubstr("segmenters[rfm].plugin"),
                    HasSubstr("libsegmenter_rfm_missing.so")));
}

TEST_F(E2eValidate, AbiMajorMismatchIsIncompatible) {
  const std::string catalog = R"({
    "version": "abi-test",
    "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so"},
                   {"name": "future", "plugin": "libsegmenter_abi_major_mismatch.so"}],
    "personas": [{"id": "p", "display_name": "P", "criteria": [{"segmenter": "future", "weight": 1}]}]})";
  const ProcessResult result = Validate(catalog, FixturePluginDir());
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err, AllOf(HasSubstr("segmenters[future].plugin"), HasSubstr("incompatible"),
                                Not(HasSubstr("segmenters[toy]"))));

  // The same catalog without the mismatched plugin passes: the failure was the ABI, not the rest.
  const std::string toy_only = R"({
    "version": "abi-test",
    "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so"}],
    "personas": [{"id": "p", "display_name": "P", "criteria": [{"segmenter": "toy", "weight": 1}]}]})";
  const ProcessResult ok = Validate(toy_only, FixturePluginDir());
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe();
}

TEST_F(E2eValidate, PersonaParamErrorHasTheFullPath) {
  const ProcessResult result = Validate(CatalogWithBadParam());
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_THAT(result.err, AllOf(HasSubstr("personas[hemat-fred].criteria[0].params.age"),
                                HasSubstr("min (50)")));
}

TEST_F(E2eValidate, BrokenFixturePluginsAreEachRefused) {
  for (const std::string plugin :
       {"libsegmenter_no_entry_symbol.so", "libsegmenter_undefined_symbol.so",
        "libsegmenter_missing_dependency.so", "libsegmenter_abi_minor_newer.so"}) {
    SCOPED_TRACE(plugin);
    const std::string catalog =
        absl::StrCat(R"({"version": "v", "segmenters": [{"name": "x", "plugin": ")", plugin,
                     R"("}], "personas": [{"id": "p", "display_name": "P",
                                "criteria": [{"segmenter": "x", "weight": 1}]}]})");
    const ProcessResult result = Validate(catalog, FixturePluginDir());
    // exit 1 with a message, never a crash.
    EXPECT_EQ(result.exit_code, 1) << result.Describe();
    EXPECT_THAT(result.err, HasSubstr("segmenters[x].plugin"));
  }
}

TEST_F(E2eValidate, PluginsWritableByOthersAreRefused) {
  // Plugins are code running in the server (docs/plugin-abi.md): refuse a directory or file
  // writable by others.
  const std::string plugins = dir_.path() + "/plugins";
  fs::create_directory(plugins);
  fs::permissions(plugins, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  for (const std::string name :
       {"demographic", "rfm", "psychographic", "behavioral", "digital", "triggers"}) {
    const std::string file = absl::StrCat("libsegmenter_", name, ".so");
    fs::copy_file(PluginDir() + "/" + file, plugins + "/" + file);
    fs::permissions(plugins + "/" + file, fs::perms::owner_all | fs::perms::group_read |
                                              fs::perms::group_exec | fs::perms::others_read |
                                              fs::perms::others_exec);
  }
  // The copies as they are: fine.
  const ProcessResult ok = Validate(DefaultCatalogText(), plugins);
  ASSERT_EQ(ok.exit_code, 0) << ok.Describe();

  // One plugin file writable by everyone.
  fs::permissions(plugins + "/libsegmenter_rfm.so", fs::perms::others_write, fs::perm_options::add);
  const ProcessResult file_writable = Validate(DefaultCatalogText(), plugins);
  EXPECT_EQ(file_writable.exit_code, 1) << file_writable.Describe();
  EXPECT_THAT(file_writable.err, HasSubstr("segmenters[rfm].plugin"));
  fs::permissions(plugins + "/libsegmenter_rfm.so", fs::perms::others_write,
                  fs::perm_options::remove);

  // The plugin directory writable by everyone (anyone could swap a plugin in).
  fs::permissions(plugins, fs::perms::others_write, fs::perm_options::add);
  const ProcessResult dir_writable = Validate(DefaultCatalogText(), plugins);
  EXPECT_EQ(dir_writable.exit_code, 1) << dir_writable.Describe();
  EXPECT_THAT(dir_writable.err, HasSubstr(plugins));
}

// ---------------------------------------------------------------------------------------------
// Catalog lifecycle: startup failures, admin RPCs, SIGHUP

using E2eCatalogLifecycle = E2eTest;

TEST_F(E2eCatalogLifecycle, BrokenCatalogAtStartupServesNothingUntilReloadFixesIt) {
  ASSERT_NO_FATAL_FAILURE(
      StartServerOnCatalogCopy(CatalogWithMissingPlugin(), HealthStatus::NOT_SERVING));
  ASSERT_TRUE(server_->WaitForLogLine({R"("event":"catalog_rejected")"}, absl::Seconds(10)))
      << server_->Log();
  EXPECT_THAT(server_->LogLines({R"("event":"catalog_rejected")"})[0],
              HasSubstr("segmenters[rfm].plugin"));
  // Rejected, not just slow: still NOT_SERVING after the rejection was logged.
  absl::StatusOr<HealthStatus::ServingStatus> health = server_->CheckHealth();
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, HealthStatus::NOT_SERVING);

  persona::v1::ScoreCustomerResponse response;
  const grpc::Status score = client_->Score(
      ExampleRequest(SourcePath("deploy/examples/hemat-fred.json"), false), &response);
  EXPECT_EQ(score.error_code(), grpc::StatusCode::UNAVAILABLE) << StatusText(score);
  persona::v1::ListPersonasResponse personas;
  EXPECT_EQ(client_->ListPersonas(&personas).error_code(), grpc::StatusCode::UNAVAILABLE);

  persona::v1::GetCatalogStatusResponse status;
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_EQ(status.catalog_version(), "");
  EXPECT_THAT(ProblemFields(status.last_reload_problems()), Contains("segmenters[rfm].plugin"));
  EXPECT_TRUE(status.has_last_reload_attempt());

  // Fix the file on disk, then ask for a reload.
  WriteFileAtomically(catalog_path_, DefaultCatalogText());
  persona::v1::ReloadCatalogResponse reload;
  const grpc::Status reload_status = client_->Reload(&reload);
  ASSERT_TRUE(reload_status.ok()) << StatusText(reload_status);
  EXPECT_TRUE(reload.applied()) << ProblemsText(reload.problems());
  EXPECT_EQ(reload.catalog_version(), DefaultCatalogVersion());
  EXPECT_THAT(reload.problems(), IsEmpty());

  // Health flips as part of applying the catalog: no wait needed once the RPC has answered.
  health = server_->CheckHealth();
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, HealthStatus::SERVING);
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_EQ(status.catalog_version(), DefaultCatalogVersion());
  EXPECT_EQ(status.personas(), 5u);
  EXPECT_THAT(status.last_reload_problems(), IsEmpty());
  EXPECT_EQ(server_->LogLines({R"("event":"catalog_loaded")"}).size(), 1u);
}

TEST_F(E2eCatalogLifecycle, ValidateCatalogRejectsBadCatalogsWithoutApplyingThem) {
  ASSERT_NO_FATAL_FAILURE(StartServerOnCatalogCopy());
  struct Case {
    std::string name;
    std::string json;
    std::string field;    // expected CatalogProblem.field ("" for schema errors)
    std::string message;  // expected in CatalogProblem.message
  };
  const std::vector<Case> cases = {
      {"unknown field", CatalogWithUnknownField(), "", "colour"},
      {"missing plugin", CatalogWithMissingPlugin(), "segmenters[rfm].plugin",
       "libsegmenter_rfm_missing.so"},
      {"bad param", CatalogWithBadParam(), "personas[hemat-fred].criteria[0].params.age",
       "min (50)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    persona::v1::ValidateCatalogResponse response;
    const grpc::Status status =
        client_->ValidateJson(WithVersion(c.json, "2026-12-01.1"), &response);
    ASSERT_TRUE(status.ok()) << StatusText(status);
    EXPECT_FALSE(response.valid());
    ASSERT_EQ(response.problems_size(), 1) << ProblemsText(response.problems());
    EXPECT_EQ(response.problems(0).field(), c.field);
    EXPECT_THAT(response.problems(0).message(), HasSubstr(c.message));
    EXPECT_FALSE(response.problems(0).file().empty());
    // Nothing changed: the original catalog still serves.
    EXPECT_EQ(client_->LiveVersion(), DefaultCatalogVersion());
    client_->ExpectScoresHematFred(DefaultCatalogVersion());
  }

  // A good catalog validates (with its own version and persona count) and is not applied.
  persona::v1::ValidateCatalogResponse good;
  ASSERT_TRUE(client_->ValidateJson(WithVersion(DefaultCatalogText(), "2026-12-01.2"), &good).ok());
  EXPECT_TRUE(good.valid()) << ProblemsText(good.problems());
  EXPECT_EQ(good.catalog_version(), "2026-12-01.2");
  EXPECT_EQ(good.personas(), 5u);
  EXPECT_EQ(client_->LiveVersion(), DefaultCatalogVersion());

  // The structured form works too; no source at all is the caller's error.
  persona::v1::ValidateCatalogRequest structured;
  *structured.mutable_catalog() = ParseJson<persona::v1::PersonaCatalog>(CatalogWithBadParam());
  persona::v1::ValidateCatalogResponse structured_response;
  ASSERT_TRUE(client_->Validate(structured, &structured_response).ok());
  EXPECT_FALSE(structured_response.valid());
  EXPECT_THAT(ProblemFields(structured_response.problems()),
              ElementsAre("personas[hemat-fred].criteria[0].params.age"));
  persona::v1::ValidateCatalogResponse empty_response;
  EXPECT_EQ(client_->Validate({}, &empty_response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  persona::v1::GetCatalogStatusResponse status;
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_EQ(status.catalog_version(), DefaultCatalogVersion());
  EXPECT_THAT(status.last_reload_problems(), IsEmpty());  // validation is not a reload
}

TEST_F(E2eCatalogLifecycle, RejectedReloadKeepsOldVersionAndSighupAppliesTheFix) {
  ASSERT_NO_FATAL_FAILURE(StartServerOnCatalogCopy());
  ASSERT_EQ(client_->LiveVersion(), DefaultCatalogVersion());

  // A broken v2 on disk: ReloadCatalog answers applied=false with the problems.
  WriteFileAtomically(catalog_path_, WithVersion(CatalogWithBadParam(), "2026-12-01.1"));
  persona::v1::ReloadCatalogResponse reload;
  const grpc::Status reload_status = client_->Reload(&reload);
  ASSERT_TRUE(reload_status.ok()) << StatusText(reload_status);
  EXPECT_FALSE(reload.applied());
  EXPECT_EQ(reload.catalog_version(), DefaultCatalogVersion());  // what serves after the call
  EXPECT_THAT(ProblemFields(reload.problems()),
              ElementsAre("personas[hemat-fred].criteria[0].params.age"));
  EXPECT_EQ(reload.problems(0).file(), catalog_path_);
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
  persona::v1::GetCatalogStatusResponse status;
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_EQ(status.catalog_version(), DefaultCatalogVersion());
  EXPECT_THAT(ProblemFields(status.last_reload_problems()),
              ElementsAre("personas[hemat-fred].criteria[0].params.age"));
  EXPECT_EQ(server_->LogLines({R"("event":"catalog_rejected")", "params.age"}).size(), 1u);
  absl::StatusOr<HealthStatus::ServingStatus> health = server_->CheckHealth();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(*health, HealthStatus::SERVING);

  // Fix it (as v3) and send SIGHUP: the new version goes live without any RPC.
  WriteFileAtomically(catalog_path_, WithVersion(DefaultCatalogText(), "2026-12-01.2"));
  ASSERT_TRUE(server_->Signal(SIGHUP).ok());
  ASSERT_TRUE(client_->WaitForVersion("2026-12-01.2", absl::Seconds(15)))
      << "live version: " << client_->LiveVersion();
  client_->ExpectScoresHematFred("2026-12-01.2");
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_THAT(status.last_reload_problems(), IsEmpty());
  EXPECT_TRUE(
      server_->WaitForLogLine({R"("event":"reload_requested")", "SIGHUP"}, absl::Seconds(5)));
  EXPECT_TRUE(
      server_->WaitForLogLine({R"("event":"catalog_loaded")", "2026-12-01.2"}, absl::Seconds(5)));
}

TEST_F(E2eCatalogLifecycle, CatalogDirectoryIsOneCatalog) {
  // --catalog may be a directory: segmenters in one file, personas in another.
  const std::string full = DefaultCatalogText();
  persona::v1::PersonaCatalog catalog = ParseJson<persona::v1::PersonaCatalog>(full);
  persona::v1::PersonaCatalog segmenters, personas;
  segmenters.set_version(catalog.version());
  *segmenters.mutable_segmenters() = catalog.segmenters();
  *personas.mutable_personas() = catalog.personas();
  std::string segmenters_json, personas_json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(segmenters, &segmenters_json).ok());
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(personas, &personas_json).ok());
  fs::create_directory(dir_.path() + "/catalog.d");
  dir_.Write("catalog.d/00-segmenters.json", segmenters_json);
  dir_.Write("catalog.d/10-personas.json", personas_json);
  dir_.Write("catalog.d/README.txt", "not a catalog file");
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions(dir_.path() + "/catalog.d")));
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
  persona::v1::ListPersonasResponse list;
  ASSERT_TRUE(client_->ListPersonas(&list).ok());
  EXPECT_EQ(list.personas_size(), 5);
}

// ---------------------------------------------------------------------------------------------
// Catalog watching: edits on disk go live without a signal or RPC (docs/snapshots-and-reload.md)

using E2eCatalogWatch = E2eTest;

TEST_F(E2eCatalogWatch, RewrittenFileGoesLiveAndABrokenOneIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      StartServerOnCatalogCopy(DefaultCatalogText(), HealthStatus::SERVING, /*watch=*/true));
  WriteFileAtomically(catalog_path_, WithVersion(DefaultCatalogText(), "2026-12-02.1"));
  ASSERT_TRUE(client_->WaitForVersion("2026-12-02.1", absl::Seconds(15)))
      << "live version: " << client_->LiveVersion();
  client_->ExpectScoresHematFred("2026-12-02.1");

  WriteFileAtomically(catalog_path_, WithVersion(CatalogWithBadParam(), "2026-12-02.2"));
  ASSERT_TRUE(
      server_->WaitForLogLine({R"("event":"catalog_rejected")", "params.age"}, absl::Seconds(15)));
  EXPECT_EQ(client_->LiveVersion(), "2026-12-02.1");
  client_->ExpectScoresHematFred("2026-12-02.1");
  persona::v1::GetCatalogStatusResponse status;
  ASSERT_TRUE(client_->Status(&status).ok());
  EXPECT_THAT(ProblemFields(status.last_reload_problems()),
              ElementsAre("personas[hemat-fred].criteria[0].params.age"));
}

TEST_F(E2eCatalogWatch, KubernetesConfigMapSymlinkSwapGoesLive) {
  // The layout kubelet gives a ConfigMap volume: catalog.json -> ..data/catalog.json,
  // ..data -> ..<timestamp>/; an update writes a new timestamped directory and renames a new
  // ..data symlink over the old one.
  const std::string root = dir_.path() + "/configmap";
  fs::create_directories(root + "/..2026_12_01_a");
  WriteFileAtomically(root + "/..2026_12_01_a/catalog.json", DefaultCatalogText());
  fs::create_directory_symlink("..2026_12_01_a", root + "/..data");
  fs::create_symlink("..data/catalog.json", root + "/catalog.json");
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions(root)));
  ASSERT_EQ(client_->LiveVersion(), DefaultCatalogVersion());

  fs::create_directories(root + "/..2026_12_01_b");
  WriteFileAtomically(root + "/..2026_12_01_b/catalog.json",
                      WithVersion(DefaultCatalogText(), "2026-12-01.7"));
  fs::create_directory_symlink("..2026_12_01_b", root + "/..data_tmp");
  fs::rename(root + "/..data_tmp", root + "/..data");  // the atomic swap
  fs::remove_all(root + "/..2026_12_01_a");
  ASSERT_TRUE(client_->WaitForVersion("2026-12-01.7", absl::Seconds(15)))
      << "live version: " << client_->LiveVersion();
  client_->ExpectScoresHematFred("2026-12-01.7");
}

// ---------------------------------------------------------------------------------------------
// Shutdown

using E2eShutdown = E2eTest;

TEST_F(E2eShutdown, SigtermExitsZeroWithinTheGracePeriod) {
  ServerOptions options = DefaultServerOptions();
  options.extra_args = {"--shutdown_grace_seconds=3"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  client_->ExpectScoresHematFred(DefaultCatalogVersion());
  const ServerProcess::StopResult stop = server_->Stop(absl::Seconds(3) + absl::Seconds(5));
  EXPECT_FALSE(stop.killed) << "did not exit within the grace period after SIGTERM";
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_EQ(stop.term_signal, 0);
  // Nothing was in flight: it must not sit out the grace period.
  EXPECT_LT(stop.took, absl::Seconds(3)) << absl::FormatDuration(stop.took);
  EXPECT_EQ(server_->LogLines({R"("event":"shutdown_started")", R"("grace_seconds":"3")"}).size(),
            1u);
  EXPECT_EQ(server_->LogLines({R"("event":"shutdown_complete")"}).size(), 1u);
}

TEST_F(E2eShutdown, SigtermUnderLoadNeverFailsACallWithAnUnexpectedCode) {
  ASSERT_NO_FATAL_FAILURE(StartServer(DefaultServerOptions()));
  const persona::v1::ScoreCustomerRequest request =
      ExampleRequest(SourcePath("deploy/examples/young-working-mother.json"), true);
  std::atomic<bool> stop{false};
  std::atomic<int> ok_calls{0};
  std::mutex mutex;
  std::map<int, int> failures;  // code -> count
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&] {
      // Bounded by time and by `stop`.
      Client client(*server_);
      const absl::Time deadline = absl::Now() + absl::Seconds(20);
      while (!stop.load() && absl::Now() < deadline) {
        persona::v1::ScoreCustomerResponse response;
        const grpc::Status status = client.Score(request, &response);
        if (status.ok()) {
          ok_calls.fetch_add(1);
          continue;
        }
        std::lock_guard<std::mutex> lock(mutex);
        ++failures[status.error_code()];
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE) break;  // server is gone
      }
    });
  }
  // Let the load build up, then SIGTERM in the middle of it.
  const absl::Time warmup = absl::Now() + absl::Seconds(5);
  while (ok_calls.load() < 50 && absl::Now() < warmup) absl::SleepFor(absl::Milliseconds(5));
  const ServerProcess::StopResult result = server_->Stop(absl::Seconds(15));
  stop.store(true);
  for (std::thread& t : clients) t.join();

  EXPECT_GE(ok_calls.load(), 50);
  EXPECT_FALSE(result.killed);
  EXPECT_EQ(result.exit_code, 0);
  // A call caught by the shutdown may fail only the way a departing server fails calls:
  // UNAVAILABLE (GOAWAY/connection closed), or CANCELLED for a call gRPC core had accepted but
  // not yet handed to the service when Shutdown() began. Never INTERNAL, UNKNOWN, … .
  for (const auto& [code, count] : failures) {
    EXPECT_THAT(code, testing::AnyOf(grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED))
        << count << " calls failed with code " << code;
  }
  EXPECT_EQ(server_->LogLines({R"("event":"shutdown_complete")"}).size(), 1u);
}

TEST_F(E2eShutdown, HealthWatchSeesNotServingOnSigtermAndDoesNotHoldShutdown) {
  ServerOptions options = DefaultServerOptions();
  options.extra_args = {"--shutdown_grace_seconds=5"};
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  // A client-side health checker (grpc-lb, Envoy) keeps a Watch stream open.
  auto health = grpc::health::v1::Health::NewStub(server_->channel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  grpc::health::v1::HealthCheckRequest request;
  auto watch = health->Watch(&context, request);
  HealthStatus update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthStatus::SERVING);

  const absl::Time sigterm = absl::Now();
  ASSERT_TRUE(server_->Signal(SIGTERM).ok());
  // Draining is announced to watchers (NOT_SERVING while draining on SIGTERM).
  std::vector<HealthStatus::ServingStatus> after;
  while (watch->Read(&update)) after.push_back(update.status());
  const grpc::Status watch_status = watch->Finish();
  EXPECT_THAT(after, Contains(HealthStatus::NOT_SERVING)) << StatusText(watch_status);

  const ServerProcess::StopResult stop = server_->Stop(absl::Seconds(15));
  EXPECT_FALSE(stop.killed);
  EXPECT_EQ(stop.exit_code, 0);
  // The open Watch stream is not an in-flight call to wait the grace period out for.
  EXPECT_LT(absl::Now() - sigterm, absl::Seconds(5))
      << "shutdown waited for the Watch stream until the grace period ran out; the stream "
      << "ended with " << StatusText(watch_status) << " after " << after.size() << " updates";
}

}  // namespace
}  // namespace persona::e2e
