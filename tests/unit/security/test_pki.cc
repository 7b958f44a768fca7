#include "tests/unit/security/test_pki.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace persona::security::testing {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "test PKI: %s failed\n", what);
  std::abort();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int): OpenSSL's type
  return std::string(data, static_cast<size_t>(size));
}

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return BioText(bio.get());
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return BioText(bio.get());
}

KeyPtr ParseKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  Check(key != nullptr, "PEM_read_bio_PrivateKey");
  return key;
}

CertPtr ParseCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  Check(cert != nullptr, "PEM_read_bio_X509");
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `common_name`, not yet signed or extended.
CertPtr NewCertificate(EVP_PKEY* key, const std::string& common_name) {
  CertPtr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  Check(RAND_bytes(serial, sizeof(serial)) == 1, "RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  Check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  return cert;
}

KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

void WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  Check(fd >= 0, "open");
  Check(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "write");
  close(fd);
}

}  // namespace

PemPair MakeCa(const std::string& common_name) {
  KeyPtr key = NewKey();
  CertPtr cert = NewCertificate(key.get(), common_name);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");
  return {KeyPem(key.get()), CertPem(cert.get())};
}

PemPair IssueCertificate(const PemPair& ca, const std::string& common_name,
                         const std::vector<std::string>& subject_alt_names, bool server) {
  KeyPtr ca_key = ParseKey(ca.key);
  CertPtr ca_cert = ParseCert(ca.cert);
  KeyPtr key = NewKey();
  CertPtr cert = NewCertificate(key.get(), common_name);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
  AddExtension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  if (!subject_alt_names.empty()) {
    std::string sans;
    for (const std::string& san : subject_alt_names) {
      if (!sans.empty()) sans += ",";
      sans += san;
    }
    AddExtension(cert.get(), ca_cert.get(), NID_subject_alt_name, sans);
  }
  Check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign");
  return {KeyPem(key.get()), CertPem(cert.get())};
}

TestPki WriteTestPki(const std::string& dir) {
  TestPki pki;
  pki.dir = dir;
  pki.ca = MakeCa("persona test CA");
  pki.server = IssueCertificate(pki.ca, "localhost", {"IP:127.0.0.1", "DNS:localhost"}, true);
  pki.client = IssueCertificate(pki.ca, "persona-admin", {"DNS:persona-admin"}, false);
  const PemPair rogue_ca = MakeCa("untrusted CA");
  pki.rogue = IssueCertificate(rogue_ca, "intruder", {"DNS:intruder"}, false);

  const auto put = [&dir](const char* name, const std::string& text) {
    const std::string path = dir + "/" + name;
    WriteFile(path, text);
    return path;
  };
  pki.ca_cert = put("ca.crt", pki.ca.cert);
  pki.server_cert = put("server.crt", pki.server.cert);
  pki.server_key = put("server.key", pki.server.key);
  pki.client_cert = put("client.crt", pki.client.cert);
  pki.client_key = put("client.key", pki.client.key);
  pki.rogue_cert = put("rogue.crt", pki.rogue.cert);
  pki.rogue_key = put("rogue.key", pki.rogue.key);
  put("rogue-ca.crt", rogue_ca.cert);
  return pki;
}

}  // namespace persona::security::testing
