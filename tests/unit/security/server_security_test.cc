// TLS file checks and the startup decision (credentials, admin policy, refusals) together.
#include "service/security/server_security.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/security/tls_material.h"
#include "tests/unit/security/test_pki.h"

namespace persona::security {
namespace {

using ::testing::HasSubstr;

class ServerSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = ::testing::TempDir() + "server-security-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    pki_ = new testing::TestPki(testing::WriteTestPki(pattern));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(pki_->dir);
    delete pki_;
  }

  static std::string WriteFile(const std::string& name, const std::string& text, mode_t mode) {
    const std::string path = pki_->dir + "/" + name;
    std::filesystem::remove(path);
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
    return path;
  }

  static ServerSecurityFlags Flags(const std::string& listen) {
    ServerSecurityFlags flags;
    flags.listen = listen;
    return flags;
  }
  static ServerSecurityFlags WithTls(ServerSecurityFlags flags, bool mtls = false) {
    flags.tls.cert = pki_->server_cert;
    flags.tls.key = pki_->server_key;
    if (mtls) flags.tls.client_ca = pki_->ca_cert;
    return flags;
  }

  static testing::TestPki* pki_;
};

testing::TestPki* ServerSecurityTest::pki_ = nullptr;

TEST_F(ServerSecurityTest, TlsMaterialLoads) {
  absl::StatusOr<TlsMaterial> off = LoadTlsMaterial({});
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(off->cert_chain.empty());
  absl::StatusOr<TlsMaterial> on =
      LoadTlsMaterial({pki_->server_cert, pki_->server_key, pki_->ca_cert});
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_EQ(on->cert_chain, pki_->server.cert);
  EXPECT_EQ(on->client_ca, pki_->ca.cert);
}

TEST_F(ServerSecurityTest, TlsMistakesNameTheFlagAndFile) {
  const auto error = [](const TlsFiles& files) {
    absl::StatusOr<TlsMaterial> material = LoadTlsMaterial(files);
    EXPECT_FALSE(material.ok());
    return std::string(material.status().message());
  };
  EXPECT_THAT(error({pki_->server_cert, "", ""}), HasSubstr("--tls_key is not"));
  EXPECT_THAT(error({"", pki_->server_key, ""}), HasSubstr("--tls_cert is not"));
  EXPECT_THAT(error({"", "", pki_->ca_cert}), HasSubstr("--tls_client_ca needs"));
  const std::string missing = pki_->dir + "/missing.crt";
  EXPECT_THAT(error({missing, pki_->server_key, ""}),
              HasSubstr("--tls_cert=" + missing + ": cannot be read"));
  EXPECT_THAT(error({pki_->server_key, pki_->server_key, ""}),
              HasSubstr("--tls_cert=" + pki_->server_key + ": not a PEM certificate"));
  EXPECT_THAT(error({pki_->server_cert, pki_->server_cert, ""}),
              HasSubstr("--tls_key=" + pki_->server_cert + ": not an unencrypted PEM"));
  EXPECT_THAT(error({pki_->server_cert, pki_->client_key, ""}),
              HasSubstr("is not the private key of the first certificate"));
  const std::string empty = WriteFile("empty.pem", "", 0600);
  EXPECT_THAT(error({pki_->server_cert, pki_->server_key, empty}),
              HasSubstr("--tls_client_ca=" + empty + ": empty file"));
  const std::string junk = WriteFile("junk.pem", "not a certificate\n", 0600);
  EXPECT_THAT(error({pki_->server_cert, pki_->server_key, junk}),
              HasSubstr("--tls_client_ca=" + junk));
}

TEST_F(ServerSecurityTest, LoopbackWithoutCredentialsLeavesAdminOpen) {
  absl::StatusOr<ServerSecurity> security = ConfigureServerSecurity(Flags("127.0.0.1:0"));
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_EQ(security->tls, "off");
  EXPECT_EQ(security->admin_auth, "open_loopback");
  EXPECT_FALSE(security->admin_policy.require_credentials);
  EXPECT_TRUE(security->warnings.empty());
}

TEST_F(ServerSecurityTest, NonLoopbackWithoutAdminCredentialsIsRefused) {
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", ":50051", "10.1.2.3:50051"}) {
    absl::StatusOr<ServerSecurity> security = ConfigureServerSecurity(Flags(listen));
    ASSERT_FALSE(security.ok()) << listen;
    EXPECT_THAT(security.status().message(), HasSubstr("is not a loopback address"));
    EXPECT_THAT(security.status().message(), HasSubstr("--admin_token_file"));
  }
  // TLS alone encrypts, but does not say who may reload the catalog.
  EXPECT_FALSE(ConfigureServerSecurity(WithTls(Flags("0.0.0.0:50051"))).ok());
}

TEST_F(ServerSecurityTest, AllowInsecureAdminIsExplicitAndWarned) {
  ServerSecurityFlags flags = Flags("0.0.0.0:50051");
  flags.allow_insecure_admin = true;
  absl::StatusOr<ServerSecurity> security = ConfigureServerSecurity(flags);
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_EQ(security->admin_auth, "open_allowed_insecure");
  EXPECT_FALSE(security->admin_policy.require_credentials);
  EXPECT_EQ(security->warnings.size(), 1u);
}

TEST_F(ServerSecurityTest, TokenFileProtectsAdminAndWarnsOnPlaintext) {
  ServerSecurityFlags flags = Flags("0.0.0.0:50051");
  flags.admin_token_file = WriteFile("token", "t0ken\n", 0600);
  absl::StatusOr<ServerSecurity> plain = ConfigureServerSecurity(flags);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->admin_auth, "token");
  EXPECT_TRUE(plain->admin_policy.require_credentials);
  EXPECT_FALSE(plain->admin_policy.accept_verified_client_cert);
  ASSERT_NE(plain->admin_policy.token, nullptr);
  EXPECT_TRUE(plain->admin_policy.token->Matches("t0ken"));
  ASSERT_EQ(plain->warnings.size(), 1u);
  EXPECT_THAT(plain->warnings[0], HasSubstr("plaintext"));
  EXPECT_THAT(plain->warnings[0], ::testing::Not(HasSubstr("t0ken")));

  absl::StatusOr<ServerSecurity> tls = ConfigureServerSecurity(WithTls(flags));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->tls, "on");
  EXPECT_TRUE(tls->warnings.empty());

  // Configured on loopback too: a configured credential is a required one.
  flags.listen = "127.0.0.1:0";
  absl::StatusOr<ServerSecurity> loopback = ConfigureServerSecurity(flags);
  ASSERT_TRUE(loopback.ok());
  EXPECT_TRUE(loopback->admin_policy.require_credentials);
  EXPECT_TRUE(loopback->warnings.empty());
}

TEST_F(ServerSecurityTest, MtlsAloneProtectsAdmin) {
  absl::StatusOr<ServerSecurity> security =
      ConfigureServerSecurity(WithTls(Flags("0.0.0.0:50051"), /*mtls=*/true));
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_EQ(security->client_auth, "require_and_verify");
  EXPECT_EQ(security->admin_auth, "mtls");
  EXPECT_TRUE(security->admin_policy.accept_verified_client_cert);
  EXPECT_EQ(security->admin_policy.token, nullptr);

  ServerSecurityFlags both = WithTls(Flags("0.0.0.0:50051"), /*mtls=*/true);
  both.admin_token_file = WriteFile("token", "t0ken", 0400);
  absl::StatusOr<ServerSecurity> either = ConfigureServerSecurity(both);
  ASSERT_TRUE(either.ok()) << either.status();
  EXPECT_EQ(either->admin_auth, "token_or_mtls");
}

TEST_F(ServerSecurityTest, ContradictionsAndBadFilesAreRefused) {
  ServerSecurityFlags flags = Flags("0.0.0.0:50051");
  flags.admin_token_file = WriteFile("token", "t0ken", 0600);
  flags.allow_insecure_admin = true;
  EXPECT_FALSE(ConfigureServerSecurity(flags).ok());

  flags.allow_insecure_admin = false;
  flags.admin_token_file = WriteFile("token", "t0ken", 0644);
  absl::StatusOr<ServerSecurity> readable = ConfigureServerSecurity(flags);
  ASSERT_FALSE(readable.ok());
  EXPECT_THAT(readable.status().message(), HasSubstr("group or others"));

  EXPECT_FALSE(ConfigureServerSecurity(Flags("no-port")).ok());
}

}  // namespace
}  // namespace persona::security
