// client/admin/target_expansion: which replicas a --target names.
#include "client/admin/target_expansion.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::HasSubstr;

// A resolver answering from a table, so a name can resolve to several addresses.
HostResolver Table(std::map<std::string, std::vector<std::string>> table) {
  return [table](const std::string& host) -> absl::StatusOr<std::vector<std::string>> {
    auto it = table.find(host);
    if (it == table.end()) return absl::NotFoundError("Name or service not known");
    return it->second;
  };
}

std::vector<std::string> Addresses(const std::vector<Replica>& replicas) {
  std::vector<std::string> out;
  for (const Replica& r : replicas) out.push_back(r.address);
  return out;
}

std::string ErrorOf(const std::string& target) {
  absl::StatusOr<std::vector<Replica>> replicas = ExpandTarget(target, Table({}));
  EXPECT_FALSE(replicas.ok()) << target;
  return replicas.ok() ? "" : std::string(replicas.status().message());
}

TEST(TargetExpansionTest, Ipv4ListIsEveryAddressOnce) {
  absl::StatusOr<std::vector<Replica>> replicas =
      ExpandTarget("ipv4:10.0.0.1:50051,10.0.0.2:50052,10.0.0.1:50051", Table({}));
  ASSERT_TRUE(replicas.ok()) << replicas.status();
  EXPECT_EQ(Addresses(*replicas), (std::vector<std::string>{"10.0.0.1:50051", "10.0.0.2:50052"}));
  EXPECT_EQ((*replicas)[1].channel_target, "ipv4:10.0.0.2:50052");
  EXPECT_EQ((*replicas)[1].host_name, "");
}

TEST(TargetExpansionTest, Ipv6ListKeepsBrackets) {
  absl::StatusOr<std::vector<Replica>> replicas =
      ExpandTarget("ipv6:[::1]:50051,[fd00::7]:50052", Table({}));
  ASSERT_TRUE(replicas.ok()) << replicas.status();
  EXPECT_EQ(Addresses(*replicas), (std::vector<std::string>{"[::1]:50051", "[fd00::7]:50052"}));
  EXPECT_EQ((*replicas)[0].channel_target, "ipv6:[::1]:50051");
}

TEST(TargetExpansionTest, NumericHostIsOneReplica) {
  absl::StatusOr<std::vector<Replica>> replicas = ExpandTarget("127.0.0.1:50051", Table({}));
  ASSERT_TRUE(replicas.ok()) << replicas.status();
  EXPECT_EQ(Addresses(*replicas), std::vector<std::string>{"127.0.0.1:50051"});
  EXPECT_EQ((*replicas)[0].channel_target, "ipv4:127.0.0.1:50051");
}

TEST(TargetExpansionTest, DnsNameIsEveryAddressItResolvesTo) {
  const HostResolver resolve =
      Table({{"persona-headless.shop.svc", {"10.1.0.4", "10.1.0.5", "fd00::6", "10.1.0.4"}}});
  for (const std::string target :
       {"persona-headless.shop.svc:50051", "dns:persona-headless.shop.svc:50051",
        "dns:///persona-headless.shop.svc:50051"}) {
    absl::StatusOr<std::vector<Replica>> replicas = ExpandTarget(target, resolve);
    ASSERT_TRUE(replicas.ok()) << target << ": " << replicas.status();
    EXPECT_EQ(Addresses(*replicas),
              (std::vector<std::string>{"10.1.0.4:50051", "10.1.0.5:50051", "[fd00::6]:50051"}))
        << target;
    EXPECT_EQ((*replicas)[2].channel_target, "ipv6:[fd00::6]:50051");
    // TLS checks the Service's name, not the pod IP.
    EXPECT_EQ((*replicas)[0].host_name, "persona-headless.shop.svc");
  }
}

TEST(TargetExpansionTest, TheSystemResolverFindsLocalhost) {
  absl::StatusOr<std::vector<Replica>> replicas =
      ExpandTarget("localhost:50051", ResolveWithGetaddrinfo);
  ASSERT_TRUE(replicas.ok()) << replicas.status();
  ASSERT_FALSE(replicas->empty());
  for (const Replica& replica : *replicas) {
    EXPECT_THAT(replica.address, ::testing::AnyOf("127.0.0.1:50051", "[::1]:50051"));
    EXPECT_EQ(replica.host_name, "localhost");
  }
  EXPECT_FALSE(ResolveWithGetaddrinfo("no-such-host.invalid").ok());
}

TEST(TargetExpansionTest, UnixSocketIsPassedThrough) {
  absl::StatusOr<std::vector<Replica>> replicas = ExpandTarget("unix:/run/persona.sock", Table({}));
  ASSERT_TRUE(replicas.ok());
  EXPECT_EQ((*replicas)[0].channel_target, "unix:/run/persona.sock");
}

TEST(TargetExpansionTest, BadTargetsSayWhatIsWrong) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("--target is empty"));
  EXPECT_THAT(ErrorOf("persona"), HasSubstr("no port"));
  EXPECT_THAT(ErrorOf("persona:0"), HasSubstr("the port must be 1..65535"));
  EXPECT_THAT(ErrorOf("persona:65536"), HasSubstr("the port must be 1..65535"));
  EXPECT_THAT(ErrorOf("persona:+80"), HasSubstr("the port must be 1..65535"));
  EXPECT_THAT(ErrorOf(":50051"), HasSubstr("no host"));
  EXPECT_THAT(ErrorOf("ipv4:10.0.0.1:50051,10.0.0:50052"),
              HasSubstr("\"10.0.0:50052\" is not an IPv4 address"));
  EXPECT_THAT(ErrorOf("ipv4:10.0.0.1"), HasSubstr("no port"));
  EXPECT_THAT(ErrorOf("ipv6:[::1:50051"), HasSubstr("expected [IPV6]:PORT"));
  EXPECT_THAT(ErrorOf("::1:50051"), HasSubstr("an IPv6 address goes in brackets"));
  EXPECT_THAT(ErrorOf("http://persona:50051"), HasSubstr("expected HOST:PORT"));
  EXPECT_THAT(ErrorOf("a:1,b:2"), HasSubstr("expected HOST:PORT"));
  const std::string unresolved = ErrorOf("persona.shop.svc:50051");
  EXPECT_THAT(unresolved, HasSubstr("--target=persona.shop.svc:50051: cannot resolve "
                                    "persona.shop.svc"));
  EXPECT_THAT(unresolved, HasSubstr("Name or service not known"));
}

}  // namespace
}  // namespace persona
