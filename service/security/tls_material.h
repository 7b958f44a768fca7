#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace persona::security {

// The TLS flags as given; empty = not given.
struct TlsFiles {
  std::string cert;       // --tls_cert: PEM certificate chain, leaf first
  std::string key;        // --tls_key: PEM private key of the leaf
  std::string client_ca;  // --tls_client_ca: PEM CA certificate(s) client certificates chain to
};

// The PEM text of those files, checked.
struct TlsMaterial {
  std::string cert_chain;
  std::string private_key;
  std::string client_ca;  // empty: clients are not asked for a certificate
};

// Reads and checks the files before gRPC sees them, so a mistake is a startup error naming
// the flag, the file and the problem (gRPC alone would start and fail every handshake, or
// log an OpenSSL error code): both of --tls_cert and --tls_key or neither; --tls_client_ca
// only with them; every file readable; each parses as PEM of the right kind; the key is the
// certificate's key. Returns nullopt-like empty material (cert_chain empty) when TLS is off.
absl::StatusOr<TlsMaterial> LoadTlsMaterial(const TlsFiles& files);

}  // namespace persona::security
