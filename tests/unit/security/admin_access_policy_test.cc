#include "service/security/admin_access_policy.h"

#include "gtest/gtest.h"
#include "service/security/bearer_credentials.h"

namespace persona::security {
namespace {

using Kind = BearerCredentials::Kind;

TEST(BearerCredentialsTest, Parses) {
  EXPECT_EQ(ParseBearerCredentials({}).kind, Kind::kAbsent);

  BearerCredentials ok = ParseBearerCredentials({"Bearer abc.def"});
  EXPECT_EQ(ok.kind, Kind::kBearer);
  EXPECT_EQ(ok.token, "abc.def");
  EXPECT_EQ(ParseBearerCredentials({"bearer   abc "}).token, "abc");  // scheme case, spaces
  EXPECT_EQ(ParseBearerCredentials({"BEARER abc"}).kind, Kind::kBearer);

  for (const char* bad : {"", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "abc",
                          "Bearerabc", "Token abc"}) {
    EXPECT_EQ(ParseBearerCredentials({bad}).kind, Kind::kMalformed) << bad;
  }
  EXPECT_EQ(ParseBearerCredentials({"Bearer a", "Bearer b"}).kind, Kind::kMalformed);
}

class AdminAccessPolicyTest : public ::testing::Test {
 protected:
  AdminAccessPolicy TokenPolicy() const {
    AdminAccessPolicy policy;
    policy.require_credentials = true;
    policy.token = token_;
    return policy;
  }
  AdminAccessPolicy MtlsPolicy() const {
    AdminAccessPolicy policy;
    policy.require_credentials = true;
    policy.accept_verified_client_cert = true;
    return policy;
  }
  static AdminCallCredentials Call(std::vector<absl::string_view> authorization,
                                   bool client_cert = false) {
    AdminCallCredentials call;
    call.authorization = std::move(authorization);
    call.verified_client_cert = client_cert;
    return call;
  }

  std::shared_ptr<const AdminToken> token_ =
      std::make_shared<const AdminToken>(*AdminToken::FromSecret("right"));
};

TEST_F(AdminAccessPolicyTest, OpenPolicyAdmitsEveryone) {
  EXPECT_TRUE(AuthorizeAdminCall(AdminAccessPolicy{}, Call({})).ok());
  EXPECT_TRUE(AuthorizeAdminCall(AdminAccessPolicy{}, Call({"Bearer wrong"})).ok());
}

TEST_F(AdminAccessPolicyTest, TokenPolicyDecisionTable) {
  const AdminAccessPolicy policy = TokenPolicy();
  EXPECT_TRUE(AuthorizeAdminCall(policy, Call({"Bearer right"})).ok());
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({})).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Basic x"})).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Bearer right", "Bearer right"})).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Bearer wrong"})).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Bearer righ"})).code(),
            absl::StatusCode::kPermissionDenied);
  // A certificate counts only where the policy accepts certificates.
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({}, /*client_cert=*/true)).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AdminAccessPolicyTest, MtlsPolicyDecisionTable) {
  const AdminAccessPolicy policy = MtlsPolicy();
  EXPECT_TRUE(AuthorizeAdminCall(policy, Call({}, /*client_cert=*/true)).ok());
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({})).code(), absl::StatusCode::kUnauthenticated);
  // No token is configured, so a token cannot admit anyone.
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Bearer right"})).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AdminAccessPolicyTest, EitherCredentialAdmitsWhenBothAreAccepted) {
  AdminAccessPolicy policy = TokenPolicy();
  policy.accept_verified_client_cert = true;
  EXPECT_TRUE(AuthorizeAdminCall(policy, Call({}, true)).ok());
  EXPECT_TRUE(AuthorizeAdminCall(policy, Call({"Bearer right"})).ok());
  EXPECT_TRUE(AuthorizeAdminCall(policy, Call({"Bearer wrong"}, true)).ok());
  EXPECT_EQ(AuthorizeAdminCall(policy, Call({"Bearer wrong"})).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AdminAccessPolicyTest, MessagesNeverEchoWhatWasPresented) {
  const absl::Status refused = AuthorizeAdminCall(TokenPolicy(), Call({"Bearer leaked-guess"}));
  EXPECT_EQ(refused.message().find("leaked-guess"), absl::string_view::npos) << refused;
  const absl::Status malformed = AuthorizeAdminCall(TokenPolicy(), Call({"Basic leaked-guess"}));
  EXPECT_EQ(malformed.message().find("leaked-guess"), absl::string_view::npos) << malformed;
}

// Who the audit log names: a fingerprint of the token, never the token.
TEST_F(AdminAccessPolicyTest, ActorIsAFingerprintSubjectOrTheOpenName) {
  // SHA-256("right") = 27042f4e…; the first 12 hex digits name the token.
  EXPECT_EQ(TokenFingerprint("right"), "27042f4e6eca");
  EXPECT_EQ(AdminActorOf(TokenPolicy(), Call({"Bearer right"})), "token:27042f4e6eca");
  // A refused caller is named too: the fingerprint of what it presented.
  EXPECT_EQ(AdminActorOf(TokenPolicy(), Call({"Bearer wrong"})),
            "token:" + TokenFingerprint("wrong"));
  EXPECT_EQ(AdminActorOf(TokenPolicy(), Call({})), "anonymous");
  EXPECT_EQ(AdminActorOf(TokenPolicy(), Call({"Basic xyz"})), "anonymous");

  AdminCallCredentials cert = Call({}, true);
  cert.client_cert_subject = "CN=ops,O=example";
  EXPECT_EQ(AdminActorOf(MtlsPolicy(), cert), "cert:CN=ops,O=example");

  EXPECT_EQ(AdminActorOf(AdminAccessPolicy{}, Call({"Bearer right"})), "loopback");
  AdminAccessPolicy insecure;
  insecure.open_actor = "insecure";
  EXPECT_EQ(AdminActorOf(insecure, Call({})), "insecure");
}

}  // namespace
}  // namespace persona::security
