// persona-cli against a server that requires TLS, mutual TLS and an admin token, as an
// operator would use it: every command reaches a TLS server with --tls_ca, mTLS with
// --tls_cert/--tls_key, and the admin commands of a non-loopback server with
// --admin_token_file. Certificates are made at test time (test_pki.h).
#include <sys/stat.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/server_process.h"
#include "tests/unit/security/test_pki.h"

namespace persona::e2e {
namespace {

using ::persona::security::testing::TestPki;
using ::persona::security::testing::WriteTestPki;
using ::testing::HasSubstr;

std::shared_ptr<grpc::ChannelCredentials> HarnessCredentials(const TestPki& pki, bool client) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pki.ca.cert;
  if (client) {
    options.pem_private_key = pki.client.key;
    options.pem_cert_chain = pki.client.cert;
  }
  return grpc::SslCredentials(options);
}

class E2eCliTls : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = WriteTestPki(dir_.path()); }

  void StartServer(const std::vector<std::string>& flags, bool client_cert_for_harness) {
    ServerOptions options;
    options.binary = ServerBinary();
    options.catalog = DefaultCatalogPath();
    options.plugin_dir = PluginDir();
    options.listen = "0.0.0.0:0";  // not loopback: admin calls need credentials
    options.extra_args = flags;
    options.channel_credentials = HarnessCredentials(pki_, client_cert_for_harness);
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  ProcessResult Cli(std::vector<std::string> args) const {
    std::vector<std::string> argv = {CliBinary(), args[0], "--target=" + server_->target(),
                                     "--timeout_seconds=5"};
    argv.insert(argv.end(), args.begin() + 1, args.end());
    return RunProcess(argv);
  }

  TempDir dir_;
  TestPki pki_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(E2eCliTls, EveryCommandOverTlsAndAdminWithTheTokenFile) {
  const std::string token = dir_.Write("admin.token", "cli-e2e-token\n");
  chmod(token.c_str(), 0600);
  StartServer({"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key,
               "--admin_token_file=" + token},
              /*client_cert_for_harness=*/false);
  const std::string ca = "--tls_ca=" + pki_.ca_cert;

  const ProcessResult plaintext = Cli({"personas"});
  EXPECT_EQ(plaintext.exit_code, 1) << plaintext.Describe();
  EXPECT_THAT(plaintext.err, HasSubstr("UNAVAILABLE"));

  const ProcessResult personas = Cli({"personas", ca});
  EXPECT_EQ(personas.exit_code, 0) << personas.Describe();
  EXPECT_THAT(personas.out, HasSubstr("hemat-fred"));
  const ProcessResult score =
      Cli({"score", ca, "--customer=" + SourcePath("deploy/examples/hemat-fred.json")});
  EXPECT_EQ(score.exit_code, 0) << score.Describe();
  EXPECT_THAT(score.out, HasSubstr("hemat-fred"));

  const ProcessResult no_token = Cli({"status", ca});
  EXPECT_EQ(no_token.exit_code, 1) << no_token.Describe();
  EXPECT_THAT(no_token.err, HasSubstr("UNAUTHENTICATED"));
  const std::string wrong = dir_.Write("wrong.token", "not-the-token\n");
  const ProcessResult wrong_token = Cli({"reload", ca, "--admin_token_file=" + wrong});
  EXPECT_EQ(wrong_token.exit_code, 1) << wrong_token.Describe();
  EXPECT_THAT(wrong_token.err, HasSubstr("PERMISSION_DENIED"));
  const ProcessResult status = Cli({"status", ca, "--admin_token_file=" + token});
  EXPECT_EQ(status.exit_code, 0) << status.Describe();
  EXPECT_THAT(status.out, HasSubstr(DefaultCatalogVersion()));
  const ProcessResult reload = Cli({"reload", ca, "--admin_token_file=" + token});
  EXPECT_EQ(reload.exit_code, 0) << reload.Describe();
  EXPECT_THAT(reload.out, HasSubstr("\"applied\": true"));

  const ProcessResult missing_file = Cli({"status", "--tls_ca=" + dir_.path() + "/absent.pem"});
  EXPECT_EQ(missing_file.exit_code, 2) << missing_file.Describe();
  EXPECT_THAT(missing_file.err, HasSubstr("--tls_ca="));
}

TEST_F(E2eCliTls, MutualTlsClientCertificateAlsoAdmitsAdminCommands) {
  StartServer({"--tls_cert=" + pki_.server_cert, "--tls_key=" + pki_.server_key,
               "--tls_client_ca=" + pki_.ca_cert},
              /*client_cert_for_harness=*/true);
  const std::string ca = "--tls_ca=" + pki_.ca_cert;
  const ProcessResult without_cert = Cli({"personas", ca});
  EXPECT_EQ(without_cert.exit_code, 1) << without_cert.Describe();
  const ProcessResult with_cert =
      Cli({"reload", ca, "--tls_cert=" + pki_.client_cert, "--tls_key=" + pki_.client_key});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.Describe();
  EXPECT_THAT(with_cert.out, HasSubstr("\"applied\": true"));
  const ProcessResult half = Cli({"reload", ca, "--tls_cert=" + pki_.client_cert});
  EXPECT_EQ(half.exit_code, 2) << half.Describe();
  EXPECT_THAT(half.err, HasSubstr("--tls_cert and --tls_key go together"));
}

}  // namespace
}  // namespace persona::e2e
