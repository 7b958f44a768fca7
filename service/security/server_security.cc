#include "service/security/server_security.h"

#include <grpcpp/security/server_credentials.h>

#include "absl/strings/str_cat.h"
#include "service/security/listen_address.h"

namespace persona::security {

absl::StatusOr<ServerSecurity> ConfigureServerSecurity(const ServerSecurityFlags& flags) {
  absl::StatusOr<ListenScope> scope = ParseListenScope(flags.listen);
  if (!scope.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: ", scope.status().message()));
  }
  absl::StatusOr<TlsMaterial> tls = LoadTlsMaterial(flags.tls);
  if (!tls.ok()) return tls.status();
  std::shared_ptr<const AdminToken> token;
  if (!flags.admin_token_file.empty()) {
    absl::StatusOr<AdminToken> loaded = AdminToken::LoadFromFile(flags.admin_token_file);
    if (!loaded.ok()) return loaded.status();
    token = std::make_shared<const AdminToken>(*std::move(loaded));
  }

  ServerSecurity security;
  const bool tls_on = !tls->cert_chain.empty();
  const bool mtls = !tls->client_ca.empty();
  security.tls = tls_on ? "on" : "off";
  security.client_auth = mtls ? "require_and_verify" : "none";
  security.listen_scope = scope->loopback ? "loopback" : "non_loopback";

  if (tls_on) {
    grpc::SslServerCredentialsOptions options(
        mtls ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
             : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    options.pem_root_certs = tls->client_ca;
    options.pem_key_cert_pairs.push_back({tls->private_key, tls->cert_chain});
    security.credentials = grpc::SslServerCredentials(options);
  } else {
    security.credentials = grpc::InsecureServerCredentials();
  }

  AdminAccessPolicy& policy = security.admin_policy;
  if (token != nullptr || mtls) {
    if (flags.allow_insecure_admin) {
      return absl::InvalidArgumentError(
          "--allow_insecure_admin contradicts --admin_token_file / --tls_client_ca, which "
          "protect CatalogAdmin; drop one or the other");
    }
    policy.require_credentials = true;
    policy.accept_verified_client_cert = mtls;
    policy.token = token;
    security.admin_auth = token != nullptr && mtls ? "token_or_mtls" : mtls ? "mtls" : "token";
    if (token != nullptr && !tls_on && !scope->loopback) {
      security.warnings.push_back(
          "the admin bearer token travels in plaintext on a non-loopback listener; anyone on "
          "the path can read and replay it (add --tls_cert/--tls_key)");
    }
  } else if (scope->loopback) {
    security.admin_auth = "open_loopback";
  } else if (flags.allow_insecure_admin) {
    security.admin_auth = "open_allowed_insecure";
    policy.open_actor = "insecure";
    security.warnings.push_back(
        "--allow_insecure_admin: CatalogAdmin (reload, validate, status) is open to every "
        "caller that can reach a non-loopback listener");
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "--listen=", flags.listen,
        " is not a loopback address, so CatalogAdmin (ReloadCatalog, ValidateCatalog, "
        "GetCatalogStatus) would be open to the network. Set --admin_token_file (a file only "
        "its owner can read, holding a bearer token) and/or --tls_cert, --tls_key and "
        "--tls_client_ca (mTLS); or --allow_insecure_admin if something in front of the "
        "server already restricts who reaches it"));
  }
  return security;
}

}  // namespace persona::security
