// persona-server: scores customers against marketing personas over gRPC.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "service/catalog/catalog_loader.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/catalog_watcher.h"
#include "service/catalog/serving_catalog.h"
#include "service/common/event_log.h"
#include "service/grpc/catalog_admin_service.h"
#include "service/grpc/health_service.h"
#include "service/grpc/persona_scoring_service.h"
#include "service/metrics/server_metrics.h"
#include "service/plugin_host/segmenter_fault_log.h"
#include "service/security/admin_access_gate.h"
#include "service/security/server_security.h"

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
          "Most entries in one customer tag list (interests, values, channels, …).");
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
          "Most ScoreCustomers streams open at once; more are refused with RESOURCE_EXHAUSTED "
          "(0 = no limit).");
ABSL_FLAG(int32_t, stream_max_pending_writes, 16,
          "Per ScoreCustomers stream: responses scored but not yet sent. The next record is read "
          "only below this, so a client that stops reading cannot make the server buffer more.");
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

namespace persona {
namespace {

std::string DefaultPluginDir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return (exe.parent_path().parent_path() / "plugins").string();
}

void PrintProblems(const CatalogProblems& problems) {
  for (const CatalogProblem& problem : problems) {
    std::fprintf(stderr, "error: %s\n", problem.ToString().c_str());
  }
}

int Validate(const std::string& catalog, const CatalogLoaderOptions& options) {
  CatalogLoadResult result = LoadCatalog(catalog, options);
  if (!result.ok()) {
    PrintProblems(result.problems);
    std::fprintf(stderr, "catalog %s: %zu problem%s\n", catalog.c_str(), result.problems.size(),
                 result.problems.size() == 1 ? "" : "s");
    return 1;
  }
  std::vector<std::string> segmenters;
  for (const SegmenterSlot& slot : result.snapshot->segmenters) {
    segmenters.push_back(absl::StrCat(slot.info.name, " (", slot.info.plugin_file, " ",
                                      slot.info.plugin_version, ")"));
  }
  std::printf("catalog %s: OK, version %s, %zu personas, segmenters: %s\n", catalog.c_str(),
              result.snapshot->version.c_str(), result.snapshot->personas.size(),
              absl::StrJoin(segmenters, ", ").c_str());
  return 0;
}

void LogReload(const ReloadOutcome& outcome) {
  if (outcome.applied) {
    LogEvent("info", "catalog_loaded", {{"version", outcome.version}});
    return;
  }
  std::vector<std::string> lines;
  for (const CatalogProblem& p : outcome.problems) lines.push_back(p.ToString());
  LogEvent("error", "catalog_rejected",
           {{"serving_version", outcome.version}, {"problems", absl::StrJoin(lines, "; ")}});
}

int Serve(const std::string& catalog, CatalogLoaderOptions options) {
  // Signals are taken synchronously by this thread (sigwait); block them before any other
  // thread exists so none of gRPC's threads receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Credentials and admin access first: a mistake there must stop the server before it
  // binds anything (metrics included). Errors name the flag and file; never a secret.
  const std::string listen = absl::GetFlag(FLAGS_listen);
  security::ServerSecurityFlags security_flags;
  security_flags.listen = listen;
  security_flags.tls.cert = absl::GetFlag(FLAGS_tls_cert);
  security_flags.tls.key = absl::GetFlag(FLAGS_tls_key);
  security_flags.tls.client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  security_flags.admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  security_flags.allow_insecure_admin = absl::GetFlag(FLAGS_allow_insecure_admin);
  absl::StatusOr<security::ServerSecurity> security =
      security::ConfigureServerSecurity(security_flags);
  if (!security.ok()) {
    LogEvent("error", "security_config_invalid",
             {{"reason", std::string(security.status().message())}});
    return 1;
  }

  std::unique_ptr<ServerMetrics> metrics;
  if (const std::string address = absl::GetFlag(FLAGS_metrics_listen); !address.empty()) {
    absl::StatusOr<std::unique_ptr<ServerMetrics>> started = ServerMetrics::Start(address);
    if (!started.ok()) {
      LogEvent("error", "metrics_listen_failed",
               {{"reason", std::string(started.status().message())}});
      return 1;
    }
    metrics = *std::move(started);
    LogEvent("info", "metrics_started", {{"listen", address}});
  }

  absl::StatusOr<std::unique_ptr<PluginStore>> store =
      PluginStore::Create(absl::GetFlag(FLAGS_plugin_cache_dir));
  if (!store.ok()) {
    LogEvent("error", "plugin_cache_failed", {{"reason", std::string(store.status().message())}});
    return 1;
  }
  options.plugin_store = store->get();

  ServingCatalog serving;
  CatalogReloader reloader(&serving, catalog, options);

  RequestLimits limits;
  limits.max_orders = static_cast<size_t>(absl::GetFlag(FLAGS_max_orders_per_customer));
  limits.max_tags = static_cast<size_t>(absl::GetFlag(FLAGS_max_tags_per_customer));
  StreamLimits stream_limits;
  stream_limits.max_concurrent_streams =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_max_score_streams)));
  stream_limits.max_pending_writes =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_stream_max_pending_writes)));
  const int32_t stream_deadline_seconds = absl::GetFlag(FLAGS_default_stream_deadline_seconds);
  stream_limits.default_deadline = stream_deadline_seconds > 0
                                       ? absl::Seconds(stream_deadline_seconds)
                                       : absl::InfiniteDuration();
  UnaryLimits unary_limits;
  const int32_t deadline_ms = absl::GetFlag(FLAGS_default_deadline_ms);
  unary_limits.default_deadline =
      deadline_ms > 0 ? absl::Milliseconds(deadline_ms) : absl::InfiniteDuration();
  unary_limits.max_inflight_calls =
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_max_inflight_calls)));
  // A plugin's score-time faults, logged with its segmenter's name, rate-limited per segmenter.
  SegmenterFaultLog fault_log;
  PersonaScoringService scoring(&serving, limits, metrics.get(), stream_limits, unary_limits,
                                &fault_log);
  CatalogAdminService admin(&serving, &reloader, metrics.get());
  // CatalogAdmin is registered behind its access gate: refused callers never reach `admin`.
  security::AdminAccessGate admin_gate(security->admin_policy, &admin, metrics.get());

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(listen, security->credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_receive_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             absl::GetFlag(FLAGS_max_concurrent_streams));
  if (const int32_t age = absl::GetFlag(FLAGS_max_connection_age_seconds); age > 0) {
    const auto to_ms = [](int64_t seconds) {
      return static_cast<int>(std::min<int64_t>(seconds * 1000, std::numeric_limits<int>::max()));
    };
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, to_ms(age));
    // Long enough for a bulk stream started just before the GOAWAY to end on its own.
    const int32_t grace_seconds =
        std::max(stream_deadline_seconds > 0 ? stream_deadline_seconds : 24 * 3600,
                 absl::GetFlag(FLAGS_shutdown_grace_seconds));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, to_ms(grace_seconds));
  }
  builder.RegisterService(&scoring);
  builder.RegisterService(&admin_gate);
  HealthService health;
  builder.RegisterService(&health);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    LogEvent("error", "listen_failed", {{"listen", listen}});
    return 1;
  }
  const auto set_serving = [&health](bool serving) {
    health.SetServingStatus("", serving);
    health.SetServingStatus("persona.v1.PersonaScoring", serving);
  };
  set_serving(false);  // NOT_SERVING until the first snapshot is live
  // For liveness probes: SERVING whenever the process answers at all, so a pod whose catalog
  // is bad leaves rotation (readiness) without being restarted in a loop.
  health.SetServingStatus("liveness", true);
  LogEvent("info", "transport_security",
           {{"tls", security->tls},
            {"client_auth", security->client_auth},
            {"admin_auth", security->admin_auth},
            {"listen_scope", security->listen_scope}});
  for (const std::string& warning : security->warnings) {
    LogEvent("warning", "transport_security_warning", {{"reason", warning}});
  }
  LogEvent("info", "server_started",
           {{"listen", listen},
            {"port", std::to_string(bound_port)},
            {"plugin_dir", options.plugin_dir},
            {"catalog", catalog}});

  reloader.set_listener([&serving, set_serving, &metrics](const ReloadOutcome& outcome) {
    LogReload(outcome);
    const std::shared_ptr<const CatalogSnapshot> current = serving.Current();
    if (metrics) metrics->OnReload(outcome, current.get());
    if (current) set_serving(true);
  });
  reloader.PostReload(nullptr);

  std::unique_ptr<CatalogWatcher> watcher;
  if (absl::GetFlag(FLAGS_watch_catalog)) {
    absl::StatusOr<std::unique_ptr<CatalogWatcher>> started =
        CatalogWatcher::Start(catalog, absl::Milliseconds(absl::GetFlag(FLAGS_watch_debounce_ms)),
                              [&reloader] { reloader.PostReloadIfChanged(); });
    if (started.ok()) {
      watcher = *std::move(started);
    } else {
      // Reload by RPC and SIGHUP still work; say so rather than fail to start.
      LogEvent("warning", "catalog_watch_failed",
               {{"reason", std::string(started.status().message())}});
    }
  }

  for (;;) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) continue;
    if (signal_number == SIGHUP) {
      LogEvent("info", "reload_requested", {{"trigger", "SIGHUP"}});
      reloader.PostReload(nullptr);
      continue;
    }
    break;
  }
  watcher.reset();  // no reloads start while draining
  LogEvent("info", "shutdown_started",
           {{"drain_seconds", std::to_string(absl::GetFlag(FLAGS_drain_seconds))},
            {"grace_seconds", std::to_string(absl::GetFlag(FLAGS_shutdown_grace_seconds))}});
  // Every service reports NOT_SERVING and Watch streams end now; new calls are still
  // served during the drain, so callers that have not noticed yet do not fail.
  health.Shutdown();
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->Wait();
  // The listener touches objects destroyed before the reloader; a reload still queued must
  // not reach them. set_listener waits for one in progress.
  reloader.set_listener(nullptr);
  LogEvent("info", "shutdown_complete");
  return 0;
}

}  // namespace
}  // namespace persona

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "persona-server --catalog=PATH [--listen=HOST:PORT] [--plugin_dir=DIR] [--validate]\n"
      "Scores customers against marketing personas over gRPC (persona.v1).");
  absl::ParseCommandLine(argc, argv);
  const std::string catalog = absl::GetFlag(FLAGS_catalog);
  if (catalog.empty()) {
    std::fprintf(stderr, "error: --catalog is required (a catalog JSON file or directory)\n");
    return 2;
  }
  persona::CatalogLoaderOptions options;
  options.plugin_dir = absl::GetFlag(FLAGS_plugin_dir);
  if (options.plugin_dir.empty()) options.plugin_dir = persona::DefaultPluginDir();
  if (absl::GetFlag(FLAGS_validate)) return persona::Validate(catalog, options);
  return persona::Serve(catalog, options);
}
