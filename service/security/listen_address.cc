#include "service/security/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace persona::security {

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // An IPv4-mapped loopback address (::ffff:127.0.0.1) binds the IPv4 loopback.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

absl::StatusOr<ListenScope> ParseListenScope(absl::string_view listen) {
  ListenScope scope;
  // A Unix domain socket is reachable only through the file system of this machine.
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) {
    scope.host = std::string(listen);
    scope.loopback = true;
    return scope;
  }
  // gRPC also accepts URI schemes for IP addresses; the address follows the scheme.
  for (absl::string_view scheme : {"ipv4:", "ipv6:", "dns:"}) {
    if (absl::StartsWith(listen, scheme)) {
      listen.remove_prefix(scheme.size());
      if (absl::StartsWith(listen, "///")) listen.remove_prefix(3);
      break;
    }
  }
  absl::string_view host;
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address \"", listen, "\": '[' without ']'"));
    }
    host = listen.substr(1, close - 1);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address \"", listen, "\": expected host:port"));
    }
    host = listen.substr(0, colon);
    // An unbracketed IPv6 address ("::1:50051") is ambiguous; gRPC rejects it too.
    if (host.find(':') != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "listen address \"", listen, "\": write IPv6 addresses in brackets, e.g. [::1]:50051"));
    }
  }
  scope.host = std::string(host);
  scope.loopback = !host.empty() && IsLoopbackHost(host);
  return scope;
}

}  // namespace persona::security
