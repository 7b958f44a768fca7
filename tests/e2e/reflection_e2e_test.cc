// What `grpcurl -plaintext 127.0.0.1:50051 list | describe | -d '{json}' …` does, against the
// real persona-server, with no local knowledge of persona.v1: every descriptor used here comes
// from server reflection, every request is a dynamic message built from JSON and every call
// goes through grpc::GenericStub.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/reflection_client.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

class E2eReflection : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(DefaultServerOptions());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<ReflectionClient>(server_->channel());
  }

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

  // The message field `name` of `message`, via reflection only.
  static const google::protobuf::FieldDescriptor* Field(const google::protobuf::Message& message,
                                                        const std::string& name) {
    const google::protobuf::FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
    EXPECT_NE(field, nullptr) << message.GetDescriptor()->full_name() << " has no " << name;
    return field;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ReflectionClient> client_;
};

TEST_F(E2eReflection, ListServicesNamesEveryService) {
  absl::StatusOr<std::vector<std::string>> services = client_->ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services,
              IsSupersetOf({"persona.v1.PersonaScoring", "persona.v1.CatalogAdmin",
                            "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}));
}

TEST_F(E2eReflection, DescribesScoreCustomerFromReflectionAlone) {
  absl::StatusOr<std::string> file =
      client_->FetchFileContainingSymbol("persona.v1.PersonaScoring");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(*file, "persona/v1/persona_service.proto");
  // Every import, down to the well-known types, came from the server too.
  std::vector<std::string> names;
  for (const auto& [name, proto] : client_->files()) names.push_back(name);
  EXPECT_THAT(names, IsSupersetOf({"persona/v1/persona_service.proto", "persona/v1/customer.proto",
                                   "persona/v1/catalog.proto", "google/protobuf/timestamp.proto",
                                   "google/protobuf/struct.proto"}));

  absl::StatusOr<const google::protobuf::MethodDescriptor*> method =
      client_->FindMethod("persona.v1.PersonaScoring", "ScoreCustomer");
  ASSERT_TRUE(method.ok()) << method.status();
  // Built from the server's descriptors, not from anything linked into this test.
  EXPECT_NE((*method)->file()->pool(), google::protobuf::DescriptorPool::generated_pool());
  EXPECT_EQ(ReflectionClient::Describe(**method),
            "rpc ScoreCustomer(.persona.v1.ScoreCustomerRequest) returns "
            "(.persona.v1.ScoreCustomerResponse);");

  const google::protobuf::Descriptor* request = (*method)->input_type();
  const google::protobuf::FieldDescriptor* customer = request->FindFieldByName("customer");
  ASSERT_NE(customer, nullptr);
  EXPECT_EQ(customer->number(), 1);
  EXPECT_EQ(customer->message_type()->full_name(), "persona.v1.Customer");
  const google::protobuf::FieldDescriptor* as_of = request->FindFieldByName("as_of");
  ASSERT_NE(as_of, nullptr);
  EXPECT_EQ(as_of->message_type()->full_name(), "google.protobuf.Timestamp");
  const google::protobuf::FieldDescriptor* age = customer->message_type()
                                                     ->FindFieldByName("demographics")
                                                     ->message_type()
                                                     ->FindFieldByName("age");
  ASSERT_NE(age, nullptr);
  EXPECT_TRUE(age->has_presence());  // `optional uint32 age`: missing is not zero

  absl::StatusOr<const google::protobuf::MethodDescriptor*> stream =
      client_->FindMethod("persona.v1.PersonaScoring", "ScoreCustomers");
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_TRUE((*stream)->client_streaming());
  EXPECT_TRUE((*stream)->server_streaming());

  absl::StatusOr<const google::protobuf::ServiceDescriptor*> admin =
      client_->FindService("persona.v1.CatalogAdmin");
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_NE((*admin)->FindMethodByName("ReloadCatalog"), nullptr);
  EXPECT_NE((*admin)->FindMethodByName("ValidateCatalog"), nullptr);
  EXPECT_NE((*admin)->FindMethodByName("GetCatalogStatus"), nullptr);
}

TEST_F(E2eReflection, DescribesHealthFromReflectionAlone) {
  absl::StatusOr<std::string> file = client_->FetchFileContainingSymbol("grpc.health.v1.Health");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(*file, "grpc/health/v1/health.proto");
  absl::StatusOr<const google::protobuf::MethodDescriptor*> check =
      client_->FindMethod("grpc.health.v1.Health", "Check");
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(ReflectionClient::Describe(**check),
            "rpc Check(.grpc.health.v1.HealthCheckRequest) returns "
            "(.grpc.health.v1.HealthCheckResponse);");
}

TEST_F(E2eReflection, FileByFilenameResolvesImports) {
  absl::StatusOr<std::string> file = client_->FetchFileByName("persona/v1/customer.proto");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(*file, "persona/v1/customer.proto");
  EXPECT_EQ(client_->files().count("google/protobuf/timestamp.proto"), 1u);
  // Every import of every file received is present: the pool builds.
  for (const auto& [name, proto] : client_->files()) {
    for (const std::string& dependency : proto.dependency()) {
      EXPECT_EQ(client_->files().count(dependency), 1u) << name << " imports " << dependency;
    }
  }
  absl::StatusOr<std::string> unknown = client_->FetchFileByName("persona/v1/nope.proto");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();
  absl::StatusOr<std::string> symbol = client_->FetchFileContainingSymbol("persona.v1.Nope");
  EXPECT_EQ(symbol.status().code(), absl::StatusCode::kNotFound) << symbol.status();
}

TEST_F(E2eReflection, ScoresHematFredFromJsonThroughGenericStub) {
  ASSERT_TRUE(client_->FetchFileContainingSymbol("persona.v1.PersonaScoring").ok());
  const std::string customer = ReadFileOrEmpty(SourcePath("deploy/examples/hemat-fred.json"));
  ASSERT_FALSE(customer.empty());
  // As of the day the example's dates lead up to (deploy/README.md).
  const std::string request = absl::StrCat(
      R"({"customer": )", customer, R"(, "explain": true, "as_of": "2026-11-22T00:00:00Z"})");

  absl::StatusOr<ReflectionClient::JsonCallResult> result =
      client_->CallJson("persona.v1.PersonaScoring", "ScoreCustomer", request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->status.ok())
      << result->status.error_code() << ": " << result->status.error_message();

  // Walk the dynamic response with reflection: matches[0].persona_id.
  const google::protobuf::Message& response = *result->response;
  EXPECT_EQ(response.GetDescriptor()->full_name(), "persona.v1.ScoreCustomerResponse");
  const google::protobuf::Reflection* reflection = response.GetReflection();
  const google::protobuf::FieldDescriptor* matches = Field(response, "matches");
  ASSERT_NE(matches, nullptr);
  ASSERT_GT(reflection->FieldSize(response, matches), 0) << result->response_json;
  const google::protobuf::Message& top = reflection->GetRepeatedMessage(response, matches, 0);
  EXPECT_EQ(top.GetReflection()->GetString(top, Field(top, "persona_id")), "hemat-fred");
  const double score = top.GetReflection()->GetDouble(top, Field(top, "score"));
  EXPECT_GT(score, 0.5);
  EXPECT_LE(score, 1.0);
  const google::protobuf::FieldDescriptor* contributions = Field(top, "contributions");
  ASSERT_NE(contributions, nullptr);
  EXPECT_EQ(top.GetReflection()->FieldSize(top, contributions), 6);  // one per lens
  EXPECT_EQ(reflection->GetString(response, Field(response, "customer_id")), "cust-fred-001");
  EXPECT_EQ(reflection->GetString(response, Field(response, "catalog_version")),
            DefaultCatalogVersion());

  EXPECT_THAT(result->response_json,
              AllOf(HasSubstr(R"("persona_id":"hemat-fred")"), HasSubstr(R"("contributions":)"),
                    HasSubstr(R"("details":)"), HasSubstr(R"("key":"rfm.rfm_cell")")));
}

TEST_F(E2eReflection, BadJsonRequestGetsInvalidArgumentThroughGenericStub) {
  ASSERT_TRUE(client_->FetchFileContainingSymbol("persona.v1.PersonaScoring").ok());
  absl::StatusOr<ReflectionClient::JsonCallResult> result =
      client_->CallJson("persona.v1.PersonaScoring", "ScoreCustomer",
                        R"({"customer": {"demographics": {"age": 200}}})");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result->status.error_message(), HasSubstr("customer.demographics.age"));
  // A field the server's schema does not have is refused locally, as grpcurl does.
  absl::StatusOr<ReflectionClient::JsonCallResult> unknown = client_->CallJson(
      "persona.v1.PersonaScoring", "ScoreCustomer", R"({"customer": {"shoe_size": 44}})");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(E2eReflection, HealthCheckThroughDynamicMessages) {
  ASSERT_TRUE(client_->FetchFileContainingSymbol("grpc.health.v1.Health").ok());
  for (const std::string service : {"", "persona.v1.PersonaScoring"}) {
    absl::StatusOr<ReflectionClient::JsonCallResult> result = client_->CallJson(
        "grpc.health.v1.Health", "Check", absl::StrCat(R"({"service": ")", service, R"("})"));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->status.ok()) << result->status.error_message();
    const google::protobuf::Message& response = *result->response;
    const google::protobuf::FieldDescriptor* status = Field(response, "status");
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(response.GetReflection()->GetEnum(response, status)->name(), "SERVING")
        << "service \"" << service << "\"";
    EXPECT_EQ(result->response_json, R"({"status":"SERVING"})");
  }
  absl::StatusOr<ReflectionClient::JsonCallResult> unknown =
      client_->CallJson("grpc.health.v1.Health", "Check", R"({"service": "no.such.Service"})");
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->status.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace persona::e2e
