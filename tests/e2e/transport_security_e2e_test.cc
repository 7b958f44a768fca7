// Transport security of the real persona-server: TLS, mutual TLS, and who may call
// CatalogAdmin on a non-loopback bind. Certificates are made at test time (test_pki.h).
#include <sys/stat.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/server_process.h"
#include "tests/unit/security/test_pki.h"

namespace persona::e2e {
namespace {

using ::persona::security::testing::PemPair;
using ::persona::security::testing::TestPki;
using ::persona::security::testing::WriteTestPki;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "e2e-admin-token-7Qx9";

std::shared_ptr<grpc::ChannelCredentials> TlsCredentials(const TestPki& pki,
                                                         const PemPair* client = nullptr) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pki.ca.cert;
  if (client != nullptr) {
    options.pem_private_key = client->key;
    options.pem_cert_chain = client->cert;
  }
  return grpc::SslCredentials(options);
}

// `server_name`: the name the server certificate is checked against; empty = the target's.
std::shared_ptr<grpc::Channel> Channel(const std::string& target,
                                       std::shared_ptr<grpc::ChannelCredentials> credentials,
                                       const std::string& server_name = "") {
  grpc::ChannelArguments args = TestChannelArguments();
  if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
  return grpc::CreateCustomChannel(target, std::move(credentials), args);
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

grpc::Status Score(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = persona::v1::PersonaScoring::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  persona::v1::ScoreCustomerRequest request;
  request.mutable_customer()->set_customer_id("c-tls");
  request.mutable_customer()->mutable_demographics()->set_age(30);
  persona::v1::ScoreCustomerResponse response;
  return stub->ScoreCustomer(&context, request, &response);
}

// ReloadCatalog with `authorization` metadata (none when empty).
grpc::Status Reload(const std::shared_ptr<grpc::Channel>& channel,
                    const std::string& authorization = "",
                    persona::v1::ReloadCatalogResponse* response_out = nullptr) {
  auto stub = persona::v1::CatalogAdmin::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  persona::v1::ReloadCatalogResponse response;
  const grpc::Status status =
      stub->ReloadCatalog(&context, persona::v1::ReloadCatalogRequest(), &response);
  if (response_out != nullptr) *response_out = response;
  return status;
}

absl::StatusOr<persona::v1::GetCatalogStatusResponse> CatalogStatus(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& authorization = "") {
  auto stub = persona::v1::CatalogAdmin::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  persona::v1::GetCatalogStatusResponse response;
  const grpc::Status status =
      stub->GetCatalogStatus(&context, persona::v1::GetCatalogStatusRequest(), &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response;
}

class E2eTransportSecurity : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = WriteTestPki(dir_.path()); }

  // A token file only its owner can read (the server refuses anything else).
  std::string TokenFile(const std::string& contents, mode_t mode = 0600) const {
    const std::string path = dir_.Write("admin.token", contents);
    chmod(path.c_str(), mode);
    return path;
  }

  // persona-server with `args`, run to completion: for configurations it must refuse.
  ProcessResult RunServer(std::vector<std::string> args) const {
    std::vector<std::string> argv = {ServerBinary(), "--catalog=" + DefaultCatalogPath(),
                                     "--plugin_dir=" + PluginDir()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  TempDir dir_;
  TestPki pki_;
};

TEST_F(E2eTransportSecurity, TlsServerServesTlsClientsAndRefusesPlaintext) {
  ServerOptions options = DefaultServerOptions();
  options.extra_args = {"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key};
  options.channel_credentials = TlsCredentials(pki_);
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  EXPECT_TRUE(Score((*server)->channel()).ok());
  // The name in the server certificate is checked: "localhost" is in its SANs, another name
  // is not. (Dialled by address: resolving "localhost" goes through c-ares, which leaks a
  // few bytes LeakSanitizer reports.)
  EXPECT_TRUE(Score(Channel((*server)->target(), TlsCredentials(pki_), "localhost")).ok());
  EXPECT_EQ(
      Score(Channel((*server)->target(), TlsCredentials(pki_), "persona.example.com")).error_code(),
      grpc::StatusCode::UNAVAILABLE);
  const grpc::Status plaintext =
      Score(Channel((*server)->target(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
  // Loopback bind, no admin credentials configured: CatalogAdmin stays open (over TLS).
  EXPECT_TRUE(CatalogStatus((*server)->channel()).ok());
  EXPECT_EQ((*server)
                ->LogLines({"\"event\":\"transport_security\"", "\"tls\":\"on\"",
                            "\"client_auth\":\"none\"", "\"admin_auth\":\"open_loopback\""})
                .size(),
            1u)
      << (*server)->Log();
  {
    const absl::Status stopped = (*server)->StopCleanly();
    EXPECT_TRUE(stopped.ok()) << stopped << "\n" << (*server)->Log();
  }
}

TEST_F(E2eTransportSecurity, MtlsServerRequiresATrustedClientCertificate) {
  // Bound to every interface with mTLS and no token file: the client certificate is what
  // admits CatalogAdmin callers.
  ServerOptions options = DefaultServerOptions();
  options.listen = "0.0.0.0:0";
  options.extra_args = {"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key,
                        "--tls_client_ca=" + pki_.ca_cert};
  options.channel_credentials = TlsCredentials(pki_, &pki_.client);
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string target = (*server)->target();

  EXPECT_TRUE(Score((*server)->channel()).ok());
  persona::v1::ReloadCatalogResponse reloaded;
  const grpc::Status admin = Reload((*server)->channel(), "", &reloaded);
  EXPECT_TRUE(admin.ok()) << admin.error_message();
  EXPECT_TRUE(reloaded.applied());

  const grpc::Status no_cert = Score(Channel(target, TlsCredentials(pki_)));
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAVAILABLE) << no_cert.error_message();
  const grpc::Status untrusted = Score(Channel(target, TlsCredentials(pki_, &pki_.rogue)));
  EXPECT_EQ(untrusted.error_code(), grpc::StatusCode::UNAVAILABLE) << untrusted.error_message();
  const grpc::Status plaintext = Score(Channel(target, grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE);

  EXPECT_EQ((*server)
                ->LogLines({"\"event\":\"transport_security\"", "\"tls\":\"on\"",
                            "\"client_auth\":\"require_and_verify\"", "\"admin_auth\":\"mtls\"",
                            "\"listen_scope\":\"non_loopback\""})
                .size(),
            1u)
      << (*server)->Log();
  {
    const absl::Status stopped = (*server)->StopCleanly();
    EXPECT_TRUE(stopped.ok()) << stopped << "\n" << (*server)->Log();
  }
}

// The central check: a caller without credentials on a non-loopback bind.
TEST_F(E2eTransportSecurity, NonLoopbackBindRefusesAdminCallsWithoutTheToken) {
  ServerOptions options = DefaultServerOptions();
  options.listen = "0.0.0.0:0";  // the bind decides, not the caller: we still dial 127.0.0.1
  options.extra_args = {"--admin_token_file=" + TokenFile(absl::StrCat(kToken, "\n"))};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const auto channel = (*server)->channel();
  const std::string bearer = absl::StrCat("Bearer ", kToken);

  absl::StatusOr<persona::v1::GetCatalogStatusResponse> before = CatalogStatus(channel, bearer);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(before->has_last_reload_attempt());
  const size_t loads_before = (*server)->LogLines({"\"event\":\"catalog_loaded\""}).size();

  const grpc::Status none = Reload(channel);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED) << none.error_message();
  EXPECT_THAT(none.error_message(), HasSubstr("Bearer <token>"));
  const grpc::Status wrong = Reload(channel, "Bearer not-the-token");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::PERMISSION_DENIED) << wrong.error_message();
  const grpc::Status malformed = Reload(channel, absl::StrCat("Basic ", kToken));
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CatalogStatus(channel).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CatalogStatus(channel, "Bearer nope").status().code(),
            absl::StatusCode::kPermissionDenied);

  // None of those reached the handler: no reload was attempted or logged.
  absl::StatusOr<persona::v1::GetCatalogStatusResponse> after = CatalogStatus(channel, bearer);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->last_reload_attempt().SerializeAsString(),
            before->last_reload_attempt().SerializeAsString());
  EXPECT_EQ((*server)->LogLines({"\"event\":\"catalog_loaded\""}).size(), loads_before);

  // The right token reloads.
  persona::v1::ReloadCatalogResponse reloaded;
  const grpc::Status right = Reload(channel, bearer, &reloaded);
  ASSERT_TRUE(right.ok()) << right.error_message();
  EXPECT_TRUE(reloaded.applied());
  EXPECT_EQ(reloaded.catalog_version(), DefaultCatalogVersion());
  absl::StatusOr<persona::v1::GetCatalogStatusResponse> reloaded_status =
      CatalogStatus(channel, bearer);
  ASSERT_TRUE(reloaded_status.ok());
  EXPECT_NE(reloaded_status->last_reload_attempt().SerializeAsString(),
            before->last_reload_attempt().SerializeAsString());
  EXPECT_EQ((*server)->LogLines({"\"event\":\"catalog_loaded\""}).size(), loads_before + 1);

  // Scoring and health need no token.
  EXPECT_TRUE(Score(channel).ok());
  EXPECT_TRUE((*server)->CheckHealth().ok());

  // Startup says how admin access is protected and warns about the plaintext token; no
  // token, right or wrong, is ever logged.
  EXPECT_EQ((*server)
                ->LogLines({"\"event\":\"transport_security\"", "\"tls\":\"off\"",
                            "\"admin_auth\":\"token\"", "\"listen_scope\":\"non_loopback\""})
                .size(),
            1u);
  EXPECT_EQ((*server)->LogLines({"\"event\":\"transport_security_warning\"", "plaintext"}).size(),
            1u);
  {
    const absl::Status stopped = (*server)->StopCleanly();
    EXPECT_TRUE(stopped.ok()) << stopped << "\n" << (*server)->Log();
  }
  EXPECT_THAT((*server)->Log(), Not(HasSubstr(kToken)));
  EXPECT_THAT((*server)->Log(), Not(HasSubstr("not-the-token")));
}

TEST_F(E2eTransportSecurity, TokenOverTlsOnNonLoopbackBindHasNoWarning) {
  ServerOptions options = DefaultServerOptions();
  options.listen = "0.0.0.0:0";
  options.extra_args = {"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key,
                        "--admin_token_file=" + TokenFile(kToken, 0400)};
  options.channel_credentials = TlsCredentials(pki_);
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(Reload((*server)->channel()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Reload((*server)->channel(), absl::StrCat("Bearer ", kToken)).ok());
  EXPECT_TRUE((*server)->LogLines({"transport_security_warning"}).empty()) << (*server)->Log();
  {
    const absl::Status stopped = (*server)->StopCleanly();
    EXPECT_TRUE(stopped.ok()) << stopped << "\n" << (*server)->Log();
  }
}

// Exit 2: the configuration was refused before anything was bound (1 is a failure while
// running). Every message names the flag and the file at fault.
TEST_F(E2eTransportSecurity, StartupIsRefusedForUnsafeOrBrokenConfigurations) {
  const std::string missing = dir_.path() + "/missing.crt";
  ProcessResult bad_cert = RunServer({"--tls_cert=" + missing, "--tls_key=" + pki_.server_key});
  EXPECT_EQ(bad_cert.exit_code, 2) << bad_cert.Describe();
  EXPECT_THAT(bad_cert.err, HasSubstr("--tls_cert=" + missing + ": cannot be read"));

  ProcessResult mismatched =
      RunServer({"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.client_key});
  EXPECT_EQ(mismatched.exit_code, 2) << mismatched.Describe();
  EXPECT_THAT(mismatched.err, HasSubstr("is not the private key"));

  ProcessResult half = RunServer({"--tls_cert=" + pki_.server_cert});
  EXPECT_EQ(half.exit_code, 2) << half.Describe();
  EXPECT_THAT(half.err, HasSubstr("--tls_key is not"));

  ProcessResult open_admin = RunServer({"--listen=0.0.0.0:0"});
  EXPECT_EQ(open_admin.exit_code, 2) << open_admin.Describe();
  EXPECT_THAT(open_admin.err, HasSubstr("is not a loopback address"));
  EXPECT_THAT(open_admin.err, Not(HasSubstr("server_started")));

  // TLS without client certificates still leaves admin without credentials.
  ProcessResult tls_only = RunServer(
      {"--listen=[::]:0", "--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key});
  EXPECT_EQ(tls_only.exit_code, 2) << tls_only.Describe();
  EXPECT_THAT(tls_only.err, HasSubstr("is not a loopback address"));

  const std::string readable = TokenFile(kToken, 0644);
  ProcessResult world_readable =
      RunServer({"--listen=0.0.0.0:0", "--admin_token_file=" + readable});
  EXPECT_EQ(world_readable.exit_code, 2) << world_readable.Describe();
  EXPECT_THAT(world_readable.err, HasSubstr("--admin_token_file=" + readable));
  EXPECT_THAT(world_readable.err, HasSubstr("group or others"));
  EXPECT_THAT(world_readable.err, Not(HasSubstr(kToken)));

  const std::string empty = TokenFile("\n");
  ProcessResult empty_token = RunServer({"--listen=0.0.0.0:0", "--admin_token_file=" + empty});
  EXPECT_EQ(empty_token.exit_code, 2) << empty_token.Describe();
  EXPECT_THAT(empty_token.err, HasSubstr("empty"));
}

}  // namespace
}  // namespace persona::e2e
