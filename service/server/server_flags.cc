// persona-server's command-line flags: defined, documented and read here only.
#include "service/server/server_flags.h"

#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "gRPC listen address (host:port).");
ABSL_FLAG(std::string, plugin_dir, "",
          "Directory segmenter plugins are loaded from (default: ../plugins beside the binary, "
          "i.e. build/plugins).");
ABSL_FLAG(std::string, catalog, "",
          "Persona catalog: a JSON file, or a directory whose *.json files form one catalog.");
ABSL_FLAG(std::string, metrics_listen, "",
          "Serve Prometheus metrics (text format, /metrics) on this host:port; empty = off.");
ABSL_FLAG(bool, validate, false,
          "Load and check the catalog and its plugins, print every problem, exit 0 or 1.");
ABSL_FLAG(int32_t, max_receive_message_bytes, 4 << 20, "Largest request message accepted.");
ABSL_FLAG(int32_t, max_orders_per_customer, 10000, "Most orders one customer may carry.");
ABSL_FLAG(int32_t, max_tags_per_customer, 256,
          "Most entries in one customer tag list (interests, values, channels, platforms, "
          "contact opt-ins, …).");
ABSL_FLAG(int32_t, max_items_per_order, 1000, "Most lines (items) one order may carry.");
ABSL_FLAG(int32_t, max_events_per_customer, 10000,
          "Most behavioural events one customer may carry.");
ABSL_FLAG(int32_t, max_life_events_per_customer, 1000, "Most life events one customer may carry.");
ABSL_FLAG(bool, watch_catalog, true,
          "Reload when the catalog file or directory changes (inotify; includes the atomic "
          "..data symlink swap Kubernetes does for ConfigMap volumes).");
ABSL_FLAG(int32_t, watch_debounce_ms, 300,
          "How long catalog changes must settle before a watch-triggered reload.");
ABSL_FLAG(std::string, plugin_cache_dir, "",
          "Where plugins are copied (content-addressed) and loaded from; default: a private "
          "directory under $TMPDIR, removed on exit.");
ABSL_FLAG(int32_t, max_concurrent_streams, 256,
          "Most concurrent calls (HTTP/2 streams) one client connection may have open.");
ABSL_FLAG(int32_t, max_score_streams, 64,
          "Most ScoreCustomers and ScoreCustomerBatches streams open at once (together); more are "
          "refused with RESOURCE_EXHAUSTED (0 = no limit).");
ABSL_FLAG(int32_t, stream_max_pending_writes, 16,
          "Per ScoreCustomers stream: responses scored but not yet sent. The next record is read "
          "only below this, so a client that stops reading cannot make the server buffer more. "
          "Per ScoreCustomerBatches stream: batch results, at most 4.");
ABSL_FLAG(int32_t, max_batch_records, 1000,
          "Most records in one ScoreCustomerBatches message: every record of a larger batch is "
          "answered with an INVALID_ARGUMENT error, and the stream goes on.");
ABSL_FLAG(int32_t, default_deadline_ms, 1000,
          "ScoreCustomer calls that carry no deadline get this one: a call not scored by then "
          "is answered DEADLINE_EXCEEDED (0 = no default).");
ABSL_FLAG(int32_t, default_stream_deadline_seconds, 3600,
          "ScoreCustomers streams that carry no deadline end with DEADLINE_EXCEEDED after this "
          "long, so an abandoned stream cannot hold a slot forever (0 = no default).");
ABSL_FLAG(int32_t, max_inflight_calls, 1024,
          "Most ScoreCustomer calls being scored at once (they pile up only behind a slow "
          "segmenter); more are refused with RESOURCE_EXHAUSTED (0 = no limit).");
ABSL_FLAG(int32_t, max_connection_age_seconds, 0,
          "Ask clients to reconnect (HTTP/2 GOAWAY) after a connection is this old, so clients "
          "balancing with round_robin over DNS find replicas added since (0 = never). Calls "
          "already running finish first, streams included (up to "
          "--default_stream_deadline_seconds).");
ABSL_FLAG(int32_t, drain_seconds, 0,
          "On SIGTERM, keep serving this long after reporting NOT_SERVING, so load balancers "
          "stop sending before the server stops accepting (Kubernetes: a few seconds).");
ABSL_FLAG(int32_t, shutdown_grace_seconds, 10,
          "On SIGTERM, how long in-flight calls may take before they are cancelled.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain (leaf first) to serve TLS with; needs --tls_key. Empty: "
          "plaintext.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert (unencrypted).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): require every client to present a certificate signed by one "
          "(mutual TLS). A verified client certificate also admits CatalogAdmin calls.");
ABSL_FLAG(std::string, admin_token_file, "",
          "File holding the bearer token CatalogAdmin callers must send as `authorization: "
          "Bearer <token>` (mode 0600/0400; one trailing newline ignored). Enforced on any "
          "--listen once set.");
ABSL_FLAG(bool, allow_insecure_admin, false,
          "Let a non-loopback --listen start with CatalogAdmin open to every caller (only when "
          "something in front of the server restricts access). Without it, a non-loopback "
          "listener needs --admin_token_file or --tls_client_ca.");
ABSL_FLAG(std::string, audit_log, "",
          "Append one JSON line per CatalogAdmin change (reload, stage, promote, discard, "
          "rollback; refused callers too) to this file: time, actor (admin token fingerprint, "
          "client certificate subject or loopback), action, versions, outcome. Opened "
          "append-only at startup (mode 0600 if created); empty = no audit log.");

namespace persona {

void ConfigureServerUsage() {
  absl::FlagsUsageConfig config;
  // Abseil's default keeps flags from files named after the program (persona-server.cc),
  // which no file here is, so --help would list none.
  const auto ours = [](absl::string_view file) {
    return absl::StrContains(file, "service/server/");
  };
  config.contains_help_flags = ours;
  config.contains_helpshort_flags = ours;
  config.version_string = [] { return std::string("persona-server " PERSONA_VERSION "\n"); };
  absl::SetFlagsUsageConfig(config);
}

absl::StatusOr<ServerConfig> ServerConfigFromFlags() {
  ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.plugin_dir = absl::GetFlag(FLAGS_plugin_dir);
  flags.catalog = absl::GetFlag(FLAGS_catalog);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.validate = absl::GetFlag(FLAGS_validate);
  flags.max_receive_message_bytes = absl::GetFlag(FLAGS_max_receive_message_bytes);
  flags.max_orders_per_customer = absl::GetFlag(FLAGS_max_orders_per_customer);
  flags.max_tags_per_customer = absl::GetFlag(FLAGS_max_tags_per_customer);
  flags.max_items_per_order = absl::GetFlag(FLAGS_max_items_per_order);
  flags.max_events_per_customer = absl::GetFlag(FLAGS_max_events_per_customer);
  flags.max_life_events_per_customer = absl::GetFlag(FLAGS_max_life_events_per_customer);
  flags.watch_catalog = absl::GetFlag(FLAGS_watch_catalog);
  flags.watch_debounce_ms = absl::GetFlag(FLAGS_watch_debounce_ms);
  flags.plugin_cache_dir = absl::GetFlag(FLAGS_plugin_cache_dir);
  flags.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  flags.max_score_streams = absl::GetFlag(FLAGS_max_score_streams);
  flags.stream_max_pending_writes = absl::GetFlag(FLAGS_stream_max_pending_writes);
  flags.max_batch_records = absl::GetFlag(FLAGS_max_batch_records);
  flags.default_deadline_ms = absl::GetFlag(FLAGS_default_deadline_ms);
  flags.default_stream_deadline_seconds = absl::GetFlag(FLAGS_default_stream_deadline_seconds);
  flags.max_inflight_calls = absl::GetFlag(FLAGS_max_inflight_calls);
  flags.max_connection_age_seconds = absl::GetFlag(FLAGS_max_connection_age_seconds);
  flags.drain_seconds = absl::GetFlag(FLAGS_drain_seconds);
  flags.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  flags.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  flags.tls_key = absl::GetFlag(FLAGS_tls_key);
  flags.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  flags.admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  flags.allow_insecure_admin = absl::GetFlag(FLAGS_allow_insecure_admin);
  flags.audit_log = absl::GetFlag(FLAGS_audit_log);
  return ValidateServerFlags(flags);
}

}  // namespace persona
