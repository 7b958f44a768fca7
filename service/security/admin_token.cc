#include "service/security/admin_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace persona::security {
namespace {

constexpr size_t kMaxTokenBytes = 4096;

std::array<uint8_t, 32> Sha256(absl::string_view text) {
  std::array<uint8_t, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

}  // namespace

absl::StatusOr<AdminToken> AdminToken::FromSecret(absl::string_view secret) {
  if (secret.empty()) return absl::InvalidArgumentError("the token is empty");
  if (secret.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token is longer than ", kMaxTokenBytes, " bytes"));
  }
  for (size_t i = 0; i < secret.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(secret[i]);
    // Visible ASCII only: a space, a second line or a control character would not survive
    // the trip through a header, so such a token could never match.
    if (c <= 0x20 || c >= 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat("the token has a space, a line break or a non-printable character at byte ",
                       i + 1, " (one trailing newline is allowed)"));
    }
  }
  return AdminToken(Sha256(secret));
}

absl::StatusOr<AdminToken> AdminToken::LoadFromFile(const std::string& path) {
  const auto fail = [&path](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--admin_token_file=", path, ": ", why));
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(absl::StrCat("cannot open: ", std::strerror(errno)));
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return fail(absl::StrCat("cannot stat: ", error));
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return fail("not a regular file");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    close(fd);
    return fail(absl::StrFormat(
        "mode %04o lets group or others access the token; allow only its owner "
        "(chmod 600; on Kubernetes, copy the Secret to a 0400 file the server's user "
        "owns, as the init container in deploy/k8s/deployment.yaml does)",
        info.st_mode & 07777));
  }
  std::string text;
  char buffer[1024];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string error = std::strerror(errno);
      close(fd);
      return fail(absl::StrCat("cannot read: ", error));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxTokenBytes + 2) break;  // long enough to be refused below
  }
  close(fd);
  OPENSSL_cleanse(buffer, sizeof(buffer));
  absl::string_view secret = text;
  if (absl::EndsWith(secret, "\r\n")) {
    secret.remove_suffix(2);
  } else if (absl::EndsWith(secret, "\n")) {
    secret.remove_suffix(1);
  }
  absl::StatusOr<AdminToken> token = FromSecret(secret);
  // Overwrite the plaintext before the buffer is freed; only the digest lives on.
  OPENSSL_cleanse(text.data(), text.size());
  if (!token.ok()) return fail(token.status().message());
  return token;
}

bool AdminToken::Matches(absl::string_view presented) const {
  const Digest digest = Sha256(presented);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}

}  // namespace persona::security
