#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/grpc/persona_scoring_service.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/score_customers_reactor.h"
#include "service/security/server_security.h"

namespace persona {

// persona-server's command line exactly as given, before any check: what
// ValidateServerFlags takes, so every rule can be tested without the flags library.
struct ServerFlags {
  std::string listen;
  std::string plugin_dir;
  std::string catalog;
  std::string metrics_listen;
  bool validate = false;
  int32_t max_receive_message_bytes = 0;
  int32_t max_orders_per_customer = 0;
  int32_t max_tags_per_customer = 0;
  int32_t max_items_per_order = 0;
  int32_t max_events_per_customer = 0;
  int32_t max_life_events_per_customer = 0;
  bool watch_catalog = false;
  int32_t watch_debounce_ms = 0;
  std::string plugin_cache_dir;
  int32_t max_concurrent_streams = 0;
  int32_t max_score_streams = 0;
  int32_t stream_max_pending_writes = 0;
  int32_t max_batch_records = 0;
  int32_t default_deadline_ms = 0;
  int32_t default_stream_deadline_seconds = 0;
  int32_t max_inflight_calls = 0;
  int32_t max_connection_age_seconds = 0;
  int32_t drain_seconds = 0;
  int32_t shutdown_grace_seconds = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string admin_token_file;
  bool allow_insecure_admin = false;
  std::string audit_log;
};

// Everything persona-server runs with, checked once at startup and never changed after:
// main() builds it, then hands the parts each component needs down by const reference or
// value. Nothing past startup reads a flag.
struct ServerConfig {
  std::string catalog;
  std::string plugin_dir;  // empty: the caller picks the default beside the binary
  bool validate_only = false;

  std::string listen;
  std::string metrics_listen;  // empty: no metrics endpoint
  std::string plugin_cache_dir;
  // Files are named here and read by ConfigureServerSecurity (which reports file problems).
  security::ServerSecurityFlags security;

  RequestLimits request_limits;
  StreamLimits stream_limits;
  UnaryLimits unary_limits;
  int max_receive_message_bytes = 4 << 20;
  int max_concurrent_streams = 256;
  // Zero: connections are never aged out.
  absl::Duration max_connection_age = absl::ZeroDuration();
  // How long calls on an aged-out connection may still run (only with max_connection_age).
  absl::Duration max_connection_age_grace = absl::ZeroDuration();

  bool watch_catalog = true;
  absl::Duration watch_debounce = absl::Milliseconds(300);
  // Append-only JSON-lines file of admin actions; empty: no audit log.
  std::string audit_log;

  absl::Duration drain = absl::ZeroDuration();
  absl::Duration shutdown_grace = absl::Seconds(10);
};

// Checks every value and every combination; the error names the flag(s) at fault and says
// what would be accepted. Pure: reads no file, so TLS and token files are checked later by
// ConfigureServerSecurity.
absl::StatusOr<ServerConfig> ValidateServerFlags(const ServerFlags& flags);

}  // namespace persona
