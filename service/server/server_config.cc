#include "service/server/server_config.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/security/listen_address.h"

namespace persona {
namespace {

// Collects every problem, so one failed start shows all of them rather than one per attempt.
class Problems {
 public:
  void AtLeast(absl::string_view flag, int64_t value, int64_t min, absl::string_view note = "") {
    if (value >= min) return;
    Add(absl::StrCat("--", flag, "=", value, ": must be ", min, " or more",
                     note.empty() ? "" : absl::StrCat(" (", note, ")")));
  }
  void Add(std::string problem) { problems_.push_back(std::move(problem)); }
  bool empty() const { return problems_.empty(); }
  std::string Join() const { return absl::StrJoin(problems_, "; "); }

 private:
  std::vector<std::string> problems_;
};

void CheckNumbers(const ServerFlags& f, Problems& p) {
  p.AtLeast("max_receive_message_bytes", f.max_receive_message_bytes, 1);
  p.AtLeast("max_orders_per_customer", f.max_orders_per_customer, 1);
  p.AtLeast("max_tags_per_customer", f.max_tags_per_customer, 1);
  p.AtLeast("max_items_per_order", f.max_items_per_order, 1);
  p.AtLeast("max_events_per_customer", f.max_events_per_customer, 1);
  p.AtLeast("max_life_events_per_customer", f.max_life_events_per_customer, 1);
  p.AtLeast("watch_debounce_ms", f.watch_debounce_ms, 0);
  p.AtLeast("max_concurrent_streams", f.max_concurrent_streams, 1);
  p.AtLeast("max_score_streams", f.max_score_streams, 0, "0 = no limit");
  p.AtLeast("stream_max_pending_writes", f.stream_max_pending_writes, 1);
  p.AtLeast("max_batch_records", f.max_batch_records, 1);
  p.AtLeast("default_deadline_ms", f.default_deadline_ms, 0, "0 = no default deadline");
  p.AtLeast("default_stream_deadline_seconds", f.default_stream_deadline_seconds, 0,
            "0 = no default deadline");
  p.AtLeast("max_inflight_calls", f.max_inflight_calls, 0, "0 = no limit");
  p.AtLeast("max_connection_age_seconds", f.max_connection_age_seconds, 0, "0 = never");
  p.AtLeast("drain_seconds", f.drain_seconds, 0);
  p.AtLeast("shutdown_grace_seconds", f.shutdown_grace_seconds, 0);
}

void CheckAddresses(const ServerFlags& f, Problems& p) {
  if (f.catalog.empty()) p.Add("--catalog is required (a catalog JSON file or directory)");
  if (absl::StatusOr<security::ListenScope> scope = security::ParseListenScope(f.listen);
      !scope.ok()) {
    p.Add(absl::StrCat("--listen=", f.listen, ": ", scope.status().message()));
  }
  if (!f.audit_log.empty() && absl::EndsWith(f.audit_log, "/")) {
    p.Add(absl::StrCat("--audit_log=", f.audit_log,
                       ": names a directory; give the file to append audit lines to"));
  }
  if (f.metrics_listen.empty()) return;
  if (absl::StatusOr<security::ListenScope> scope = security::ParseListenScope(f.metrics_listen);
      !scope.ok()) {
    p.Add(absl::StrCat("--metrics_listen=", f.metrics_listen, ": ", scope.status().message()));
  } else if (f.metrics_listen == f.listen && !absl::EndsWith(f.listen, ":0")) {
    p.Add(absl::StrCat("--metrics_listen and --listen are both ", f.listen,
                       ": the metrics endpoint needs a port of its own"));
  }
}

// The combinations ConfigureServerSecurity would also refuse, caught before any file is read
// so the message is about the flags, not about a file.
void CheckSecurity(const ServerFlags& f, Problems& p) {
  if (!f.tls_key.empty() && f.tls_cert.empty()) {
    p.Add("--tls_key is set but --tls_cert is not: TLS needs both");
  } else if (!f.tls_cert.empty() && f.tls_key.empty()) {
    p.Add("--tls_cert is set but --tls_key is not: TLS needs both");
  }
  if (!f.tls_client_ca.empty() && f.tls_cert.empty()) {
    p.Add(
        "--tls_client_ca needs TLS: client certificates are only asked for over TLS (set "
        "--tls_cert and --tls_key)");
  }
  if (f.allow_insecure_admin && (!f.admin_token_file.empty() || !f.tls_client_ca.empty())) {
    p.Add(
        "--allow_insecure_admin contradicts --admin_token_file / --tls_client_ca, which "
        "protect CatalogAdmin; drop one or the other");
  }
}

}  // namespace

absl::StatusOr<ServerConfig> ValidateServerFlags(const ServerFlags& flags) {
  Problems problems;
  CheckAddresses(flags, problems);
  CheckNumbers(flags, problems);
  CheckSecurity(flags, problems);
  if (!problems.empty()) return absl::InvalidArgumentError(problems.Join());

  ServerConfig config;
  config.catalog = flags.catalog;
  config.plugin_dir = flags.plugin_dir;
  config.validate_only = flags.validate;
  config.listen = flags.listen;
  config.metrics_listen = flags.metrics_listen;
  config.plugin_cache_dir = flags.plugin_cache_dir;
  config.security.listen = flags.listen;
  config.security.tls.cert = flags.tls_cert;
  config.security.tls.key = flags.tls_key;
  config.security.tls.client_ca = flags.tls_client_ca;
  config.security.admin_token_file = flags.admin_token_file;
  config.security.allow_insecure_admin = flags.allow_insecure_admin;

  config.request_limits.max_orders = static_cast<size_t>(flags.max_orders_per_customer);
  config.request_limits.max_tags = static_cast<size_t>(flags.max_tags_per_customer);
  config.request_limits.max_items_per_order = static_cast<size_t>(flags.max_items_per_order);
  config.request_limits.max_events = static_cast<size_t>(flags.max_events_per_customer);
  config.request_limits.max_life_events = static_cast<size_t>(flags.max_life_events_per_customer);
  config.stream_limits.max_concurrent_streams = static_cast<size_t>(flags.max_score_streams);
  config.stream_limits.max_pending_writes = static_cast<size_t>(flags.stream_max_pending_writes);
  config.stream_limits.max_batch_records = static_cast<size_t>(flags.max_batch_records);
  config.stream_limits.default_deadline = flags.default_stream_deadline_seconds > 0
                                              ? absl::Seconds(flags.default_stream_deadline_seconds)
                                              : absl::InfiniteDuration();
  config.unary_limits.default_deadline = flags.default_deadline_ms > 0
                                             ? absl::Milliseconds(flags.default_deadline_ms)
                                             : absl::InfiniteDuration();
  config.unary_limits.max_inflight_calls = static_cast<size_t>(flags.max_inflight_calls);
  config.max_receive_message_bytes = flags.max_receive_message_bytes;
  config.max_concurrent_streams = flags.max_concurrent_streams;
  if (flags.max_connection_age_seconds > 0) {
    config.max_connection_age = absl::Seconds(flags.max_connection_age_seconds);
    // Long enough for a bulk stream started just before the GOAWAY to end on its own.
    const int64_t stream_seconds = flags.default_stream_deadline_seconds > 0
                                       ? flags.default_stream_deadline_seconds
                                       : int64_t{24} * 3600;
    config.max_connection_age_grace =
        absl::Seconds(std::max<int64_t>(stream_seconds, flags.shutdown_grace_seconds));
  }
  config.watch_catalog = flags.watch_catalog;
  config.watch_debounce = absl::Milliseconds(flags.watch_debounce_ms);
  config.audit_log = flags.audit_log;
  config.drain = absl::Seconds(flags.drain_seconds);
  config.shutdown_grace = absl::Seconds(flags.shutdown_grace_seconds);
  return config;
}

}  // namespace persona
