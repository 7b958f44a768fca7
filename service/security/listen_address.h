#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace persona::security {

// Where a --listen address binds, as far as admin access control cares.
struct ListenScope {
  std::string host;  // as written, without brackets or port ("0.0.0.0", "::1", "localhost")
  // Only this machine can connect: 127.0.0.0/8, ::1, ::ffff:127.x.x.x, "localhost", or a Unix
  // domain socket. A wildcard (0.0.0.0, ::, empty host) or any other address or name is not
  // loopback: the bind address decides, never the address a particular caller comes from.
  bool loopback = false;
};

// Parses gRPC listen syntax: "host:port", "[v6]:port", ":port" (all interfaces),
// "unix:/path" and "unix-abstract:name". Host names other than "localhost" are not resolved
// and count as non-loopback, the conservative answer.
absl::StatusOr<ListenScope> ParseListenScope(absl::string_view listen);

// True for a literal loopback address or "localhost" (case-insensitive), else false.
bool IsLoopbackHost(absl::string_view host);

}  // namespace persona::security
