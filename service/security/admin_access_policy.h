#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "service/security/admin_token.h"

namespace persona::security {

// Who may call persona.v1.CatalogAdmin. Decided once at startup (see server_security.h);
// checked on every admin call by AdminAccessGate before any handler runs.
struct AdminAccessPolicy {
  // False: every caller is admitted (a loopback bind without a token file, or an explicit
  // --allow_insecure_admin). True: a caller needs one of the credentials below.
  bool require_credentials = false;
  // A client certificate the TLS handshake verified against --tls_client_ca admits.
  bool accept_verified_client_cert = false;
  // A matching bearer token admits; null = tokens are not accepted.
  std::shared_ptr<const AdminToken> token;
  // Who an admin call is, for the audit log, when no credentials are required: "loopback"
  // (a loopback bind) or "insecure" (--allow_insecure_admin).
  std::string open_actor = "loopback";
};

// What one call presented.
struct AdminCallCredentials {
  bool verified_client_cert = false;
  std::string client_cert_subject;               // of the verified certificate, when there is one
  std::vector<absl::string_view> authorization;  // every `authorization` metadata value
};

// The decision, with the status a refused caller gets:
//   policy does not require credentials            -> OK
//   verified client certificate and accepted       -> OK (a token, if any, is not looked at)
//   no authorization metadata                      -> UNAUTHENTICATED (nothing presented)
//   authorization not one "Bearer <token>"         -> UNAUTHENTICATED (nothing usable)
//   a bearer token, but tokens are not accepted    -> UNAUTHENTICATED (mTLS only)
//   a bearer token that does not match             -> PERMISSION_DENIED
//   a bearer token that matches                    -> OK
// Messages say what is missing, never what was presented.
absl::Status AuthorizeAdminCall(const AdminAccessPolicy& policy,
                                const AdminCallCredentials& credentials);

// Who the caller is, for the audit log, whether admitted or refused; never a secret:
//   policy does not require credentials           -> policy.open_actor ("loopback", …)
//   verified client certificate and accepted      -> "cert:<subject>"
//   a bearer token (matching or not)              -> "token:<first 12 hex of its SHA-256>"
//   nothing usable presented                      -> "anonymous"
std::string AdminActorOf(const AdminAccessPolicy& policy, const AdminCallCredentials& credentials);

// The first 12 hex digits of SHA-256(token): names a token in logs without revealing it.
std::string TokenFingerprint(absl::string_view token);

}  // namespace persona::security
