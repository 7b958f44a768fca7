// Certificates made at test time with OpenSSL's API: no fixture keys in the tree, nothing
// that expires between runs, no dependency on the openssl command line tool.
#pragma once

#include <string>
#include <vector>

namespace persona::security::testing {

struct PemPair {
  std::string key;   // PEM private key (PKCS#8, unencrypted)
  std::string cert;  // PEM certificate
};

// A self-signed CA certificate (P-256, valid from an hour ago for a day).
PemPair MakeCa(const std::string& common_name);

// A certificate signed by `ca`. `subject_alt_names` in OpenSSL syntax, e.g.
// {"IP:127.0.0.1", "DNS:localhost"}; `server` picks serverAuth, else clientAuth.
PemPair IssueCertificate(const PemPair& ca, const std::string& common_name,
                         const std::vector<std::string>& subject_alt_names, bool server);

// Everything the transport security tests need, written into `dir` (mode 0600 each):
// ca.crt; server.crt/server.key for 127.0.0.1 and localhost; client.crt/client.key signed
// by the CA; rogue.crt/rogue.key signed by a different CA (rogue-ca.crt) the server does not
// trust. Aborts the test binary on failure (nothing to test without them).
struct TestPki {
  std::string dir;
  std::string ca_cert, server_cert, server_key, client_cert, client_key, rogue_cert, rogue_key;
  // The PEM text of the same files, for gRPC credentials in the test itself.
  PemPair ca, server, client, rogue;
};
TestPki WriteTestPki(const std::string& dir);

}  // namespace persona::security::testing
