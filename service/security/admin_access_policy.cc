#include "service/security/admin_access_policy.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "service/security/bearer_credentials.h"

namespace persona::security {
namespace {

std::string WhatToPresent(const AdminAccessPolicy& policy) {
  if (policy.accept_verified_client_cert && policy.token) {
    return "a client certificate signed by the server's --tls_client_ca, or metadata "
           "\"authorization: Bearer <token>\"";
  }
  if (policy.token) return "metadata \"authorization: Bearer <token>\"";
  return "a client certificate signed by the server's --tls_client_ca";
}

}  // namespace

absl::Status AuthorizeAdminCall(const AdminAccessPolicy& policy,
                                const AdminCallCredentials& credentials) {
  if (!policy.require_credentials) return absl::OkStatus();
  if (policy.accept_verified_client_cert && credentials.verified_client_cert) {
    return absl::OkStatus();
  }
  const BearerCredentials bearer = ParseBearerCredentials(credentials.authorization);
  switch (bearer.kind) {
    case BearerCredentials::Kind::kAbsent:
      return absl::UnauthenticatedError(
          absl::StrCat("CatalogAdmin requires credentials: ", WhatToPresent(policy)));
    case BearerCredentials::Kind::kMalformed:
      return absl::UnauthenticatedError(
          absl::StrCat("CatalogAdmin: ", bearer.problem, "; present ", WhatToPresent(policy)));
    case BearerCredentials::Kind::kBearer:
      break;
  }
  if (!policy.token) {
    return absl::UnauthenticatedError(
        absl::StrCat("CatalogAdmin does not accept bearer tokens on this server; present ",
                     WhatToPresent(policy)));
  }
  if (!policy.token->Matches(bearer.token)) {
    return absl::PermissionDeniedError("CatalogAdmin: the bearer token is not the admin token");
  }
  return absl::OkStatus();
}

std::string TokenFingerprint(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
             absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)))
      .substr(0, 12);
}

std::string AdminActorOf(const AdminAccessPolicy& policy, const AdminCallCredentials& credentials) {
  if (!policy.require_credentials) return policy.open_actor;
  if (policy.accept_verified_client_cert && credentials.verified_client_cert) {
    return absl::StrCat("cert:", credentials.client_cert_subject.empty()
                                     ? std::string("(no subject)")
                                     : credentials.client_cert_subject);
  }
  const BearerCredentials bearer = ParseBearerCredentials(credentials.authorization);
  if (bearer.kind == BearerCredentials::Kind::kBearer) {
    return absl::StrCat("token:", TokenFingerprint(bearer.token));
  }
  return "anonymous";
}

}  // namespace persona::security
