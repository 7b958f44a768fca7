#pragma once

#include <vector>

#include "absl/strings/string_view.h"

namespace persona::security {

// What a call's `authorization` metadata holds, as far as bearer tokens go.
struct BearerCredentials {
  enum class Kind {
    kAbsent,     // no authorization metadata
    kMalformed,  // present, but not exactly one "Bearer <token>"
    kBearer,     // one well-formed bearer token, in `token`
  };
  Kind kind = Kind::kAbsent;
  absl::string_view token;    // kBearer only; points into the parsed value
  absl::string_view problem;  // kMalformed only: why, for the status message (never the value)
};

// Parses every `authorization` value a call carried (gRPC lower-cases metadata keys).
// RFC 6750 §2.1: the scheme is case-insensitive, one or more spaces separate it from the
// token. Several values are malformed rather than "any may match": a proxy that adds a
// second header must not turn one guess into two.
BearerCredentials ParseBearerCredentials(const std::vector<absl::string_view>& values);

}  // namespace persona::security
