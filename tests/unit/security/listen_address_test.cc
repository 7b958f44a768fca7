#include "service/security/listen_address.h"

#include "gtest/gtest.h"

namespace persona::security {
namespace {

bool Loopback(const char* listen) {
  absl::StatusOr<ListenScope> scope = ParseListenScope(listen);
  EXPECT_TRUE(scope.ok()) << listen << ": " << scope.status();
  return scope.ok() && scope->loopback;
}

TEST(ListenScopeTest, LoopbackAddressesAndNames) {
  EXPECT_TRUE(Loopback("127.0.0.1:50051"));
  EXPECT_TRUE(Loopback("127.1.2.3:0"));  // all of 127.0.0.0/8
  EXPECT_TRUE(Loopback("[::1]:50051"));
  EXPECT_TRUE(Loopback("[::ffff:127.0.0.1]:50051"));
  EXPECT_TRUE(Loopback("localhost:50051"));
  EXPECT_TRUE(Loopback("LocalHost:50051"));
  EXPECT_TRUE(Loopback("ipv4:127.0.0.1:50051"));
  EXPECT_TRUE(Loopback("unix:/run/persona.sock"));
  EXPECT_TRUE(Loopback("unix-abstract:persona"));
}

TEST(ListenScopeTest, WildcardsAndOtherAddressesAreNotLoopback) {
  EXPECT_FALSE(Loopback("0.0.0.0:50051"));
  EXPECT_FALSE(Loopback("[::]:50051"));
  EXPECT_FALSE(Loopback(":50051"));  // empty host: every interface
  EXPECT_FALSE(Loopback("10.0.0.7:50051"));
  EXPECT_FALSE(Loopback("128.0.0.1:50051"));
  EXPECT_FALSE(Loopback("[fe80::1]:50051"));
  EXPECT_FALSE(Loopback("[::ffff:10.0.0.1]:50051"));
  // Names are not resolved: anything but "localhost" might be a public interface.
  EXPECT_FALSE(Loopback("persona.internal:50051"));
  EXPECT_FALSE(Loopback("localhost.example.com:50051"));
}

TEST(ListenScopeTest, KeepsTheHostWithoutBrackets) {
  absl::StatusOr<ListenScope> scope = ParseListenScope("[::1]:7");
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(scope->host, "::1");
}

TEST(ListenScopeTest, MalformedAddressesAreErrors) {
  EXPECT_FALSE(ParseListenScope("127.0.0.1").ok());   // no port
  EXPECT_FALSE(ParseListenScope("[::1:50051").ok());  // no closing bracket
  EXPECT_FALSE(ParseListenScope("::1:50051").ok());   // unbracketed IPv6
}

TEST(IsLoopbackHostTest, Literals) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost(""));
}

}  // namespace
}  // namespace persona::security
