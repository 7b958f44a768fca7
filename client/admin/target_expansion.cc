#include "client/admin/target_expansion.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace persona {
namespace {

struct HostPort {
  std::string host;  // brackets removed
  std::string port;
};

absl::StatusOr<HostPort> SplitHostPort(const std::string& target, absl::string_view address) {
  HostPort out;
  absl::string_view port;
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("--target=", target, ": \"", address, "\": expected [IPV6]:PORT"));
    }
    out.host = std::string(address.substr(1, close - 1));
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--target=", target, ": \"", address, "\": no port (HOST:PORT)"));
    }
    out.host = std::string(address.substr(0, colon));
    port = address.substr(colon + 1);
    if (absl::StrContains(out.host, ':')) {
      return absl::InvalidArgumentError(absl::StrCat("--target=", target, ": \"", address,
                                                     "\": an IPv6 address goes in brackets"));
    }
  }
  uint32_t number = 0;
  if (out.host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--target=", target, ": \"", address, "\": no host"));
  }
  if (!absl::SimpleAtoi(port, &number) || number == 0 || number > 65535 ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--target=", target, ": \"", address, "\": the port must be 1..65535"));
  }
  out.port = std::string(port);
  return out;
}

bool IsIpv4(const std::string& host) {
  in_addr addr;
  return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

bool IsIpv6(const std::string& host) {
  in6_addr addr;
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

Replica NumericReplica(const std::string& host, const std::string& port,
                       const std::string& host_name) {
  if (IsIpv6(host)) {
    const std::string address = absl::StrCat("[", host, "]:", port);
    return Replica{address, absl::StrCat("ipv6:", address), host_name};
  }
  const std::string address = absl::StrCat(host, ":", port);
  return Replica{address, absl::StrCat("ipv4:", address), host_name};
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveWithGetaddrinfo(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return absl::NotFoundError(absl::StrCat(host, ": ", gai_strerror(rc)));
  }
  std::vector<std::string> addresses;
  for (const addrinfo* info = found; info != nullptr; info = info->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (info->ai_family == AF_INET) {
      raw = &reinterpret_cast<const sockaddr_in*>(info->ai_addr)->sin_addr;
    } else if (info->ai_family == AF_INET6) {
      raw = &reinterpret_cast<const sockaddr_in6*>(info->ai_addr)->sin6_addr;
    } else {
      continue;
    }
    if (inet_ntop(info->ai_family, raw, text, sizeof(text)) == nullptr) continue;
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  if (addresses.empty()) return absl::NotFoundError(absl::StrCat(host, ": no address"));
  return addresses;
}

absl::StatusOr<std::vector<Replica>> ExpandTarget(const std::string& target,
                                                  const HostResolver& resolve) {
  const std::string trimmed(absl::StripAsciiWhitespace(target));
  if (trimmed.empty()) return absl::InvalidArgumentError("--target is empty");
  std::vector<Replica> replicas;
  for (const char* scheme : {"ipv4:", "ipv6:"}) {
    if (!absl::StartsWith(trimmed, scheme)) continue;
    const bool v6 = scheme[3] == '6';
    for (absl::string_view address : absl::StrSplit(trimmed.substr(5), ',')) {
      absl::StatusOr<HostPort> parts = SplitHostPort(target, address);
      if (!parts.ok()) return parts.status();
      if (v6 ? !IsIpv6(parts->host) : !IsIpv4(parts->host)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--target=", target, ": \"", address, "\" is not an IPv", v6 ? "6" : "4", " address"));
      }
      Replica replica = NumericReplica(parts->host, parts->port, "");
      const bool listed = std::any_of(replicas.begin(), replicas.end(), [&](const Replica& r) {
        return r.address == replica.address;
      });
      if (!listed) replicas.push_back(std::move(replica));
    }
    return replicas;
  }
  if (absl::StartsWith(trimmed, "unix:") || absl::StartsWith(trimmed, "unix-abstract:")) {
    return std::vector<Replica>{Replica{trimmed, trimmed, ""}};
  }
  absl::string_view rest = trimmed;
  if (!absl::ConsumePrefix(&rest, "dns:///")) absl::ConsumePrefix(&rest, "dns:");
  if (absl::StrContains(rest, "://") || absl::StrContains(rest, ',') ||
      absl::StrContains(rest, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("--target=", target,
                     ": expected HOST:PORT, dns:HOST:PORT, ipv4:H:P,H:P,…, ipv6:[H]:P,… or "
                     "unix:PATH"));
  }
  absl::StatusOr<HostPort> parts = SplitHostPort(target, rest);
  if (!parts.ok()) return parts.status();
  if (IsIpv4(parts->host) || IsIpv6(parts->host)) {
    return std::vector<Replica>{NumericReplica(parts->host, parts->port, "")};
  }
  absl::StatusOr<std::vector<std::string>> addresses = resolve(parts->host);
  if (!addresses.ok()) {
    return absl::NotFoundError(absl::StrCat("--target=", target, ": cannot resolve ", parts->host,
                                            ": ", addresses.status().message()));
  }
  for (const std::string& address : *addresses) {
    if (!IsIpv4(address) && !IsIpv6(address)) {
      return absl::InternalError(absl::StrCat("--target=", target, ": ", parts->host,
                                              " resolved to \"", address,
                                              "\", not a numeric address"));
    }
    Replica replica = NumericReplica(address, parts->port, parts->host);
    const bool listed = std::any_of(replicas.begin(), replicas.end(),
                                    [&](const Replica& r) { return r.address == replica.address; });
    if (!listed) replicas.push_back(std::move(replica));
  }
  if (replicas.empty()) {
    return absl::NotFoundError(
        absl::StrCat("--target=", target, ": ", parts->host, " resolved to no address"));
  }
  return replicas;
}

}  // namespace persona
