#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace persona {

// One server of a fleet, as the CLI reaches it on its own.
struct Replica {
  std::string address;         // what the operator reads: "10.0.0.7:50051", "[fd00::7]:50051"
  std::string channel_target;  // what gRPC dials: "ipv4:10.0.0.7:50051"
  // The DNS name the address was resolved from: a TLS certificate names the Service, not
  // the pod IP, so this is the name checked (unless --tls_server_name says otherwise).
  std::string host_name;
};

// Every address of a host name, as numeric strings (no port), in the resolver's order,
// without duplicates; an error when the name does not resolve.
using HostResolver = std::function<absl::StatusOr<std::vector<std::string>>(const std::string&)>;

// The system's resolver (getaddrinfo, TCP, IPv4 and IPv6).
absl::StatusOr<std::vector<std::string>> ResolveWithGetaddrinfo(const std::string& host);

// The replicas `target` names, each reached on its own:
//   "ipv4:10.0.0.1:50051,10.0.0.2:50051", "ipv6:[fd00::1]:50051,…"  each listed address;
//   "HOST:PORT", "dns:HOST:PORT", "dns:///HOST:PORT"   every address HOST resolves to (a
//                                                       headless Service: one per pod);
//   "unix:PATH"                                        that socket.
// A numeric host ("127.0.0.1:50051", "[::1]:50051") is one replica. Errors name the target
// and what is wrong with it (missing port, bad port, unknown scheme, a name that does not
// resolve).
absl::StatusOr<std::vector<Replica>> ExpandTarget(const std::string& target,
                                                  const HostResolver& resolve);

}  // namespace persona
