#include "service/security/tls_material.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace persona::security {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::Status FlagError(absl::string_view flag, const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": ", why));
}

// The oldest OpenSSL error on this thread as text, and the queue cleared.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "no PEM data found";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FlagError(flag, path, "cannot be read (missing, or no permission)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return FlagError(flag, path, "read failed");
  if (text.str().empty()) return FlagError(flag, path, "empty file");
  return text.str();
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every certificate in `pem`; an error unless there is at least one and all parse.
absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(absl::string_view flag,
                                                       const std::string& path,
                                                       const std::string& pem) {
  ERR_clear_error();
  BioPtr bio = MemoryBio(pem);
  std::vector<X509Ptr> certs;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  // Reading stops with "no start line" at the end of the data: expected, not an error.
  const unsigned long last = ERR_peek_last_error();  // NOLINT(runtime/int)
  if (ERR_GET_REASON(last) == PEM_R_NO_START_LINE && !certs.empty()) {
    ERR_clear_error();
  } else if (last != 0) {
    return FlagError(flag, path, absl::StrCat("not a PEM certificate: ", OpenSslError()));
  }
  if (certs.empty()) {
    return FlagError(flag, path, "holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
  }
  return certs;
}

}  // namespace

absl::StatusOr<TlsMaterial> LoadTlsMaterial(const TlsFiles& files) {
  TlsMaterial material;
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError(
        files.cert.empty() ? "--tls_key is set but --tls_cert is not: TLS needs both"
                           : "--tls_cert is set but --tls_key is not: TLS needs both");
  }
  if (files.cert.empty()) {
    if (!files.client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key: client certificates are only "
          "checked on a TLS listener");
    }
    return material;
  }

  absl::StatusOr<std::string> cert = ReadPemFile("tls_cert", files.cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::vector<X509Ptr>> chain = ParseCertificates("tls_cert", files.cert, *cert);
  if (!chain.ok()) return chain.status();

  absl::StatusOr<std::string> key = ReadPemFile("tls_key", files.key);
  if (!key.ok()) return key.status();
  ERR_clear_error();
  BioPtr key_bio = MemoryBio(*key);
  KeyPtr private_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!private_key) {
    return FlagError("tls_key", files.key,
                     absl::StrCat("not an unencrypted PEM private key: ", OpenSslError()));
  }
  if (X509_check_private_key(chain->front().get(), private_key.get()) != 1) {
    ERR_clear_error();
    return FlagError(
        "tls_key", files.key,
        absl::StrCat("is not the private key of the first certificate in --tls_cert=", files.cert));
  }

  if (!files.client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadPemFile("tls_client_ca", files.client_ca);
    if (!ca.ok()) return ca.status();
    absl::StatusOr<std::vector<X509Ptr>> roots =
        ParseCertificates("tls_client_ca", files.client_ca, *ca);
    if (!roots.ok()) return roots.status();
    material.client_ca = *std::move(ca);
  }
  material.cert_chain = *std::move(cert);
  material.private_key = *std::move(key);
  return material;
}

}  // namespace persona::security
