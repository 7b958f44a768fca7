#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace persona::security {

// The shared secret CatalogAdmin callers present as `authorization: Bearer <token>`.
//
// Only the token's SHA-256 digest is kept, and comparison is over digests with a
// constant-time compare: how long a check takes says nothing about how much of a guess was
// right, and the secret itself is never in memory after loading, so it cannot reach a log.
class AdminToken {
 public:
  // Reads --admin_token_file. The file must be a regular file that neither group nor others
  // can access (mode 0600 or 0400): a secret anyone on the host can read protects nothing.
  // One trailing newline ("\n" or "\r\n") is dropped, because `echo secret > file` writes
  // one. The rest must be 1..4096 printable ASCII characters without spaces, i.e. something
  // an HTTP/2 header value carries unchanged. Errors name the file, never its contents.
  static absl::StatusOr<AdminToken> LoadFromFile(const std::string& path);

  // From the token text itself (tests; LoadFromFile after reading). Same rules as above,
  // except the newline, which must already be gone.
  static absl::StatusOr<AdminToken> FromSecret(absl::string_view secret);

  // True when `presented` is the token. Time does not depend on where they differ.
  bool Matches(absl::string_view presented) const;

 private:
  using Digest = std::array<uint8_t, 32>;
  explicit AdminToken(const Digest& digest) : digest_(digest) {}

  Digest digest_;
};

}  // namespace persona::security
