#include "service/server/server_config.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// persona-server's defaults, as main's flags declare them.
ServerFlags Defaults() {
  ServerFlags f;
  f.listen = "127.0.0.1:50051";
  f.catalog = "deploy/catalog";
  f.max_receive_message_bytes = 4 << 20;
  f.max_orders_per_customer = 10000;
  f.max_tags_per_customer = 256;
  f.max_items_per_order = 1000;
  f.max_events_per_customer = 10000;
  f.max_life_events_per_customer = 1000;
  f.watch_catalog = true;
  f.watch_debounce_ms = 300;
  f.max_concurrent_streams = 256;
  f.max_score_streams = 64;
  f.stream_max_pending_writes = 16;
  f.max_batch_records = 1000;
  f.default_deadline_ms = 1000;
  f.default_stream_deadline_seconds = 3600;
  f.max_inflight_calls = 1024;
  f.max_connection_age_seconds = 0;
  f.drain_seconds = 0;
  f.shutdown_grace_seconds = 10;
  return f;
}

std::string Refusal(const std::function<void(ServerFlags&)>& change) {
  ServerFlags flags = Defaults();
  change(flags);
  absl::StatusOr<ServerConfig> config = ValidateServerFlags(flags);
  if (config.ok()) return "(accepted)";
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST(ServerConfigTest, DefaultsAreAcceptedAndTranslated) {
  absl::StatusOr<ServerConfig> config = ValidateServerFlags(Defaults());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->catalog, "deploy/catalog");
  EXPECT_EQ(config->security.listen, "127.0.0.1:50051");
  EXPECT_EQ(config->request_limits.max_orders, 10000u);
  EXPECT_EQ(config->request_limits.max_tags, 256u);
  EXPECT_EQ(config->request_limits.max_items_per_order, 1000u);
  EXPECT_EQ(config->request_limits.max_events, 10000u);
  EXPECT_EQ(config->request_limits.max_life_events, 1000u);
  EXPECT_EQ(config->stream_limits.max_concurrent_streams, 64u);
  EXPECT_EQ(config->stream_limits.max_pending_writes, 16u);
  EXPECT_EQ(config->stream_limits.max_batch_records, 1000u);
  EXPECT_EQ(config->stream_limits.default_deadline, absl::Hours(1));
  EXPECT_EQ(config->unary_limits.default_deadline, absl::Seconds(1));
  EXPECT_EQ(config->unary_limits.max_inflight_calls, 1024u);
  EXPECT_EQ(config->watch_debounce, absl::Milliseconds(300));
  EXPECT_EQ(config->drain, absl::ZeroDuration());
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(10));
  EXPECT_EQ(config->max_connection_age, absl::ZeroDuration());
}

TEST(ServerConfigTest, ZeroMeansNoDefaultDeadlineAndNoLimitWhereDocumented) {
  ServerFlags flags = Defaults();
  flags.default_deadline_ms = 0;
  flags.default_stream_deadline_seconds = 0;
  flags.max_score_streams = 0;
  flags.max_inflight_calls = 0;
  flags.watch_debounce_ms = 0;
  absl::StatusOr<ServerConfig> config = ValidateServerFlags(flags);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->unary_limits.default_deadline, absl::InfiniteDuration());
  EXPECT_EQ(config->stream_limits.default_deadline, absl::InfiniteDuration());
  EXPECT_EQ(config->stream_limits.max_concurrent_streams, 0u);
  EXPECT_EQ(config->unary_limits.max_inflight_calls, 0u);
}

TEST(ServerConfigTest, ConnectionAgeGraceCoversAStreamAndTheShutdownGrace) {
  ServerFlags flags = Defaults();
  flags.max_connection_age_seconds = 300;
  absl::StatusOr<ServerConfig> config = ValidateServerFlags(flags);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_connection_age, absl::Seconds(300));
  EXPECT_EQ(config->max_connection_age_grace, absl::Seconds(3600));
  flags.default_stream_deadline_seconds = 5;
  flags.shutdown_grace_seconds = 20;
  EXPECT_EQ(ValidateServerFlags(flags)->max_connection_age_grace, absl::Seconds(20));
}

TEST(ServerConfigTest, EachRefusedValueNamesItsFlag) {
  struct Case {
    const char* flag;
    std::function<void(ServerFlags&)> change;
  };
  const std::vector<Case> cases = {
      {"--catalog", [](ServerFlags& f) { f.catalog.clear(); }},
      {"--listen=nowhere", [](ServerFlags& f) { f.listen = "nowhere"; }},
      {"--metrics_listen=9090", [](ServerFlags& f) { f.metrics_listen = "9090"; }},
      {"--max_receive_message_bytes=0", [](ServerFlags& f) { f.max_receive_message_bytes = 0; }},
      {"--max_orders_per_customer=-1", [](ServerFlags& f) { f.max_orders_per_customer = -1; }},
      {"--max_tags_per_customer=0", [](ServerFlags& f) { f.max_tags_per_customer = 0; }},
      {"--max_items_per_order=0", [](ServerFlags& f) { f.max_items_per_order = 0; }},
      {"--max_events_per_customer=0", [](ServerFlags& f) { f.max_events_per_customer = 0; }},
      {"--max_life_events_per_customer=-1",
       [](ServerFlags& f) { f.max_life_events_per_customer = -1; }},
      {"--watch_debounce_ms=-1", [](ServerFlags& f) { f.watch_debounce_ms = -1; }},
      {"--max_concurrent_streams=0", [](ServerFlags& f) { f.max_concurrent_streams = 0; }},
      {"--max_score_streams=-1", [](ServerFlags& f) { f.max_score_streams = -1; }},
      {"--stream_max_pending_writes=0", [](ServerFlags& f) { f.stream_max_pending_writes = 0; }},
      {"--max_batch_records=0", [](ServerFlags& f) { f.max_batch_records = 0; }},
      {"--default_deadline_ms=-5", [](ServerFlags& f) { f.default_deadline_ms = -5; }},
      {"--default_stream_deadline_seconds=-1",
       [](ServerFlags& f) { f.default_stream_deadline_seconds = -1; }},
      {"--max_inflight_calls=-1", [](ServerFlags& f) { f.max_inflight_calls = -1; }},
      {"--max_connection_age_seconds=-1",
       [](ServerFlags& f) { f.max_connection_age_seconds = -1; }},
      {"--drain_seconds=-1", [](ServerFlags& f) { f.drain_seconds = -1; }},
      {"--shutdown_grace_seconds=-2", [](ServerFlags& f) { f.shutdown_grace_seconds = -2; }},
      {"--audit_log=/var/log/persona/", [](ServerFlags& f) { f.audit_log = "/var/log/persona/"; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag);
    EXPECT_THAT(Refusal(c.change), HasSubstr(c.flag));
  }
}

TEST(ServerConfigTest, AuditLogIsOffByDefaultAndCarriedWhenSet) {
  EXPECT_EQ(ValidateServerFlags(Defaults())->audit_log, "");
  ServerFlags flags = Defaults();
  flags.audit_log = "/var/log/persona/audit.jsonl";
  EXPECT_EQ(ValidateServerFlags(flags)->audit_log, "/var/log/persona/audit.jsonl");
}

TEST(ServerConfigTest, EachRefusedCombinationNamesEveryFlagInvolved) {
  EXPECT_THAT(Refusal([](ServerFlags& f) { f.tls_key = "server.key"; }),
              AllOf(HasSubstr("--tls_key"), HasSubstr("--tls_cert")));
  EXPECT_THAT(Refusal([](ServerFlags& f) { f.tls_cert = "server.crt"; }),
              AllOf(HasSubstr("--tls_cert"), HasSubstr("--tls_key")));
  EXPECT_THAT(Refusal([](ServerFlags& f) { f.tls_client_ca = "ca.crt"; }),
              AllOf(HasSubstr("--tls_client_ca"), HasSubstr("--tls_cert")));
  EXPECT_THAT(Refusal([](ServerFlags& f) {
                f.allow_insecure_admin = true;
                f.admin_token_file = "admin.token";
              }),
              AllOf(HasSubstr("--allow_insecure_admin"), HasSubstr("--admin_token_file")));
  EXPECT_THAT(Refusal([](ServerFlags& f) {
                f.allow_insecure_admin = true;
                f.tls_cert = "server.crt";
                f.tls_key = "server.key";
                f.tls_client_ca = "ca.crt";
              }),
              AllOf(HasSubstr("--allow_insecure_admin"), HasSubstr("--tls_client_ca")));
  EXPECT_THAT(Refusal([](ServerFlags& f) { f.metrics_listen = f.listen; }),
              AllOf(HasSubstr("--metrics_listen"), HasSubstr("--listen")));
}

TEST(ServerConfigTest, AcceptedCombinations) {
  EXPECT_EQ(Refusal([](ServerFlags& f) {
              f.tls_cert = "server.crt";
              f.tls_key = "server.key";
              f.tls_client_ca = "ca.crt";
              f.admin_token_file = "admin.token";
            }),
            "(accepted)");
  // Both on an ephemeral port: the kernel gives each its own.
  EXPECT_EQ(Refusal([](ServerFlags& f) {
              f.listen = "127.0.0.1:0";
              f.metrics_listen = "127.0.0.1:0";
            }),
            "(accepted)");
  EXPECT_EQ(Refusal([](ServerFlags& f) { f.allow_insecure_admin = true; }), "(accepted)");
}

TEST(ServerConfigTest, EveryProblemIsReportedAtOnce) {
  const std::string message = Refusal([](ServerFlags& f) {
    f.drain_seconds = -1;
    f.shutdown_grace_seconds = -1;
    f.tls_key = "server.key";
  });
  EXPECT_THAT(message, AllOf(HasSubstr("--drain_seconds=-1"), HasSubstr("--shutdown_grace_seconds"),
                             HasSubstr("--tls_key"), Not(HasSubstr("--watch_debounce_ms"))));
}

}  // namespace
}  // namespace persona
