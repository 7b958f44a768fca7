#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "service/security/admin_access_policy.h"
#include "service/security/tls_material.h"

namespace persona::security {

// The security-related flags of persona-server, as given.
struct ServerSecurityFlags {
  std::string listen;            // --listen
  TlsFiles tls;                  // --tls_cert, --tls_key, --tls_client_ca
  std::string admin_token_file;  // --admin_token_file
  bool allow_insecure_admin = false;
};

// How the server listens and who may call CatalogAdmin, decided once at startup.
struct ServerSecurity {
  std::shared_ptr<grpc::ServerCredentials> credentials;  // for AddListeningPort
  AdminAccessPolicy admin_policy;                        // for AdminAccessGate
  // For the startup log line; never holds a secret.
  std::string tls;           // "off" | "on"
  std::string client_auth;   // "none" | "require_and_verify"
  std::string admin_auth;    // "open_loopback" | "open_allowed_insecure" | "token" | "mtls" |
                             // "token_or_mtls"
  std::string listen_scope;  // "loopback" | "non_loopback"
  // Configurations that start but deserve an operator's attention.
  std::vector<std::string> warnings;
};

// Checks the flags together and builds credentials and the admin policy. An error (exit
// non-zero, serve nothing) names the flag and file at fault:
//   - TLS files: see LoadTlsMaterial.
//   - --admin_token_file: see AdminToken::LoadFromFile.
//   - a non-loopback --listen with neither --admin_token_file nor --tls_client_ca, unless
//     --allow_insecure_admin: CatalogAdmin would be open to the network.
//   - --allow_insecure_admin together with admin credentials: contradictory.
// A token file or a client CA protects CatalogAdmin on any bind, loopback included: an
// operator who configured a credential expects it to be required.
absl::StatusOr<ServerSecurity> ConfigureServerSecurity(const ServerSecurityFlags& flags);

}  // namespace persona::security
