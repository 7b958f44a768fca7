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
#include "service/common/audit_log.h"
#include "service/common/event_log.h"
#include "service/grpc/catalog_admin_service.h"
#include "service/grpc/health_service.h"
#include "service/grpc/persona_scoring_service.h"
#include "service/metrics/server_metrics.h"
#include "service/plugin_host/segmenter_fault_log.h"
#include "service/security/admin_access_gate.h"
#include "service/security/server_security.h"
#include "service/server/server_config.h"
#include "service/server/server_flags.h"

namespace persona {
namespace {

// A flag value, a combination of flags or a file a flag names was refused: nothing was served.
// (1 is a failure while running: a port taken, a catalog that does not validate.)
constexpr int kExitConfigRefused = 2;

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

int Validate(const ServerConfig& config, const CatalogLoaderOptions& options) {
  const std::string& catalog = config.catalog;
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
    const char* event = outcome.how == "promote"    ? "catalog_promoted"
                        : outcome.how == "rollback" ? "catalog_rolled_back"
                                                    : "catalog_loaded";
    LogEvent("info", event,
             {{"version", outcome.version},
              {"previous_version", outcome.previous_version},
              {"actor", outcome.actor}});
    return;
  }
  std::vector<std::string> lines;
  for (const CatalogProblem& p : outcome.problems) lines.push_back(p.ToString());
  LogEvent("error", "catalog_rejected",
           {{"serving_version", outcome.version}, {"problems", absl::StrJoin(lines, "; ")}});
}

// Serves until SIGTERM/SIGINT, then shuts down; 0 once every part of the server is gone,
// else the exit code of a failed start.
int ServeUntilSignal(const ServerConfig& config, CatalogLoaderOptions options) {
  const std::string& catalog = config.catalog;
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
  const std::string& listen = config.listen;
  absl::StatusOr<security::ServerSecurity> security =
      security::ConfigureServerSecurity(config.security);
  if (!security.ok()) {
    LogEvent("error", "security_config_invalid",
             {{"reason", std::string(security.status().message())}});
    return kExitConfigRefused;
  }

  // The audit log is a flag's file too: refused before anything binds.
  std::unique_ptr<AuditLog> audit;
  if (!config.audit_log.empty()) {
    absl::StatusOr<std::unique_ptr<AuditLog>> opened = AuditLog::Open(config.audit_log);
    if (!opened.ok()) {
      LogEvent("error", "audit_log_invalid", {{"reason", std::string(opened.status().message())}});
      return kExitConfigRefused;
    }
    audit = *std::move(opened);
  }

  std::unique_ptr<ServerMetrics> metrics;
  if (const std::string& address = config.metrics_listen; !address.empty()) {
    absl::StatusOr<std::unique_ptr<ServerMetrics>> started = ServerMetrics::Start(address);
    if (!started.ok()) {
      LogEvent("error", "metrics_listen_failed",
               {{"reason", std::string(started.status().message())}});
      return 1;
    }
    metrics = *std::move(started);
    LogEvent("info", "metrics_started", {{"listen", address}});
  }

  if (audit && metrics) {
    audit->set_failure_listener([m = metrics.get()] { m->OnAuditWriteFailed(); });
  }

  absl::StatusOr<std::unique_ptr<PluginStore>> store = PluginStore::Create(config.plugin_cache_dir);
  if (!store.ok()) {
    LogEvent("error", "plugin_cache_failed", {{"reason", std::string(store.status().message())}});
    return 1;
  }
  options.plugin_store = store->get();

  ServingCatalog serving;
  CatalogReloader reloader(&serving, catalog, options);
  // Scores sampled live requests against a staged candidate, on its own thread.
  ShadowScorer shadow(&serving, &reloader.staged(), config.request_limits, metrics.get());

  // A plugin's score-time faults, logged with its segmenter's name, rate-limited per segmenter.
  SegmenterFaultLog fault_log;
  PersonaScoringService scoring(&serving, config.request_limits, metrics.get(),
                                config.stream_limits, config.unary_limits, &fault_log, &shadow);
  CatalogAdminService admin(&serving, &reloader, metrics.get(), &shadow, audit.get(),
                            config.request_limits);
  // CatalogAdmin is registered behind its access gate: refused callers never reach `admin`.
  security::AdminAccessGate admin_gate(security->admin_policy, &admin, metrics.get());
  admin.set_actor_resolver([&admin_gate](const grpc::CallbackServerContext& context) {
    return admin_gate.ActorOf(context);
  });
  if (audit) {
    admin_gate.set_refusal_listener(
        [&audit, &serving, &reloader](std::string_view method, const std::string& actor) {
          if (!IsAuditedAdminAction(method)) return;
          AuditRecord record;
          record.time = absl::Now();
          record.actor = actor;
          record.action = std::string(method);
          if (const auto live = serving.Current()) {
            record.version_before = record.version_after = live->version;
          }
          if (const auto staged = reloader.staged().Current()) {
            record.candidate_version = staged->snapshot->version;
          }
          record.outcome = "refused";
          record.problems.push_back("caller not authorized for CatalogAdmin");
          audit->Append(record);
        });
  }
  reloader.set_staged_listener([&metrics](const StagedCandidate* staged) {
    if (staged != nullptr) {
      LogEvent("info", "catalog_staged",
               {{"candidate_version", staged->snapshot->version},
                {"shadow_sample_rate", absl::StrCat(staged->shadow_sample_rate)},
                {"actor", staged->actor}});
    } else {
      LogEvent("info", "candidate_unstaged");
    }
    if (metrics) metrics->OnCandidateStaged(staged != nullptr);
  });

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(listen, security->credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config.max_concurrent_streams);
  if (config.max_connection_age > absl::ZeroDuration()) {
    const auto to_ms = [](absl::Duration d) {
      return static_cast<int>(
          std::min<int64_t>(absl::ToInt64Milliseconds(d), std::numeric_limits<int>::max()));
    };
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, to_ms(config.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               to_ms(config.max_connection_age_grace));
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
  if (config.watch_catalog) {
    absl::StatusOr<std::unique_ptr<CatalogWatcher>> started = CatalogWatcher::Start(
        catalog, config.watch_debounce, [&reloader] { reloader.PostReloadIfChanged(); });
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
  LogEvent("info", "shutdown_started",
           {{"drain_seconds", std::to_string(absl::ToInt64Seconds(config.drain))},
            {"grace_seconds", std::to_string(absl::ToInt64Seconds(config.shutdown_grace))}});
  watcher.reset();  // no reloads start while draining
  // Every service reports NOT_SERVING and Watch streams end now; new calls are still
  // served during the drain, so callers that have not noticed yet do not fail.
  health.Shutdown();
  absl::SleepFor(config.drain);
  server->Shutdown(absl::ToChronoTime(absl::Now() + config.shutdown_grace));
  server->Wait();
  // The listener touches objects destroyed before the reloader; a reload still queued must
  // not reach them. set_listener waits for one in progress.
  reloader.set_listener(nullptr);
  reloader.set_staged_listener(nullptr);
  return 0;
}

int Serve(const ServerConfig& config, const CatalogLoaderOptions& options) {
  const int exit_code = ServeUntilSignal(config, options);
  // Logged only now, after the server, the reloader's thread, the plugin store and the metrics
  // endpoint are all gone: the time from shutdown_started to here is the whole shutdown.
  if (exit_code == 0) LogEvent("info", "shutdown_complete");
  return exit_code;
}

}  // namespace
}  // namespace persona

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "persona-server --catalog=PATH [--listen=HOST:PORT] [--plugin_dir=DIR] [--validate]\n"
      "Scores customers against marketing personas over gRPC (persona.v1).");
  persona::ConfigureServerUsage();
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<persona::ServerConfig> config = persona::ServerConfigFromFlags();
  if (!config.ok()) {
    std::fprintf(stderr, "error: %s\n(persona-server --help lists every flag and its default)\n",
                 std::string(config.status().message()).c_str());
    return persona::kExitConfigRefused;
  }
  persona::CatalogLoaderOptions options;
  options.plugin_dir = config->plugin_dir;
  if (options.plugin_dir.empty()) options.plugin_dir = persona::DefaultPluginDir();
  if (config->validate_only) return persona::Validate(*config, options);
  return persona::Serve(*config, options);
}
