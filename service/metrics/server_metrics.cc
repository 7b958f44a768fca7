#include "service/metrics/server_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "service/metrics/listener_waker.h"

namespace persona {
namespace {

constexpr std::string_view kMethodNames[] = {
    "ScoreCustomer",   "ScoreCustomers",     "ScoreCustomerBatches", "ListPersonas",
    "ListSegmenters",  "ReloadCatalog",      "ValidateCatalog",      "GetCatalogStatus",
    "StageCatalog",    "GetShadowReport",    "PromoteCatalog",       "DiscardCatalog",
    "RollbackCatalog", "ListCatalogHistory", "CompareCandidate"};

constexpr const char* kCodeNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

}  // namespace

ServerMetrics::ServerMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& requests = prometheus::BuildCounter()
                       .Name("persona_rpc_requests_total")
                       .Help("RPCs finished, by method and gRPC status code.")
                       .Register(*registry_);
  // From 25 µs to 1 s: scoring lives at the bottom of that range.
  const prometheus::Histogram::BucketBoundaries buckets = {
      0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
      0.005,    0.01,    0.025,  0.05,    0.1,    0.25,  1.0};
  auto& latency = prometheus::BuildHistogram()
                      .Name("persona_rpc_duration_seconds")
                      .Help("Server-side RPC handling time, by method.")
                      .Register(*registry_);
  for (int m = 0; m < kMethods; ++m) {
    const std::string method(kMethodNames[m]);
    for (int c = 0; c < kCodes; ++c) {
      requests_[m][c] = &requests.Add({{"method", method}, {"code", kCodeNames[c]}});
    }
    latency_[m] = &latency.Add({{"method", method}}, buckets);
  }
  segmenter_faults_ = &prometheus::BuildCounter()
                           .Name("persona_segmenter_faults_total")
                           .Help(
                               "Segmenter answers that broke the plugin contract (failure, "
                               "NaN/Inf, out of range), by segmenter; graded as missing data.")
                           .Register(*registry_);
  segmenter_time_ = &prometheus::BuildHistogram()
                         .Name("persona_segmenter_score_seconds")
                         .Help("Time of one segmenter's score call (all personas, one customer).")
                         .Register(*registry_);
  auto& reloads = prometheus::BuildCounter()
                      .Name("persona_catalog_reloads_total")
                      .Help("Catalog load attempts, by outcome.")
                      .Register(*registry_);
  reloads_ok_ = &reloads.Add({{"outcome", "ok"}});
  reloads_rejected_ = &reloads.Add({{"outcome", "rejected"}});
  personas_loaded_ = &prometheus::BuildGauge()
                          .Name("persona_personas_loaded")
                          .Help("Personas in the serving catalog.")
                          .Register(*registry_)
                          .Add({});
  catalog_info_ = &prometheus::BuildGauge()
                       .Name("persona_catalog_info")
                       .Help("1 for the serving catalog version.")
                       .Register(*registry_);
  const auto counter = [this](const char* name, const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add({});
  };
  shadow_compared_ = counter("persona_shadow_comparisons_total",
                             "Sampled live requests scored again against the staged candidate.");
  shadow_top1_agreements_ =
      counter("persona_shadow_top1_agreements_total",
              "Shadow comparisons whose best persona was the same live and candidate.");
  shadow_dropped_ = counter("persona_shadow_dropped_total",
                            "Sampled requests not compared: the shadow queue was full.");
  shadow_failed_ =
      counter("persona_shadow_failures_total", "Sampled requests the candidate could not score.");
  candidate_staged_ = &prometheus::BuildGauge()
                           .Name("persona_candidate_staged")
                           .Help("1 while a candidate catalog is staged, else 0.")
                           .Register(*registry_)
                           .Add({});
  audit_write_failures_ = counter("persona_audit_write_failures_total",
                                  "Audit log lines that could not be written (--audit_log).");
}

ServerMetrics::~ServerMetrics() {
  if (exposer_ == nullptr) return;
  // Without the waker, an idle server's SIGTERM waited up to 2 s here (see ListenerWaker).
  ListenerWaker waker(listen_host_, exposer_->GetListeningPorts());
  exposer_.reset();
}

absl::StatusOr<std::unique_ptr<ServerMetrics>> ServerMetrics::Start(const std::string& listen) {
  std::unique_ptr<ServerMetrics> metrics(new ServerMetrics());
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  // The host part of "host:port" or "[v6]:port"; civetweb takes no other form.
  std::string host = listen.substr(0, std::min(listen.size(), listen.rfind(':')));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  metrics->listen_host_ = host;
  return metrics;
}

int ServerMetrics::MethodIndex(std::string_view method) {
  for (int m = 0; m < kMethods; ++m) {
    if (kMethodNames[m] == method) return m;
  }
  return -1;
}

void ServerMetrics::OnRpcDone(std::string_view method, absl::StatusCode code,
                              absl::Duration latency) {
  const int m = MethodIndex(method);
  const int c = static_cast<int>(code);
  if (m < 0 || c < 0 || c >= kCodes) return;
  requests_[m][c]->Increment();
  latency_[m]->Observe(absl::ToDoubleSeconds(latency));
}

prometheus::Histogram* ServerMetrics::SegmenterHistogram(const std::string& name) {
  // From 100 ns to 10 ms: one plugin call over every persona of a catalog.
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2};
  return &segmenter_time_->Add({{"segmenter", name}}, kBuckets);
}

prometheus::Counter* ServerMetrics::SegmenterFaults(const std::string& name) {
  return &segmenter_faults_->Add({{"segmenter", name}});
}

void ServerMetrics::OnScored(const CatalogSnapshot& snapshot, const ScoreStats& stats) {
  const std::shared_ptr<const SegmenterSeries> series = std::atomic_load(&segmenter_series_);
  const bool current = series != nullptr && series->snapshot == &snapshot;
  for (const uint32_t s : stats.faulted_segmenters) {
    if (s >= snapshot.segmenters.size()) continue;
    (current ? series->faults[s] : SegmenterFaults(snapshot.segmenters[s].info.name))->Increment();
  }
  for (size_t s = 0; s < stats.segmenter_nanos.size() && s < snapshot.segmenters.size(); ++s) {
    prometheus::Histogram* histogram =
        current ? series->histograms[s] : SegmenterHistogram(snapshot.segmenters[s].info.name);
    histogram->Observe(static_cast<double>(stats.segmenter_nanos[s]) * 1e-9);
  }
}

void ServerMetrics::OnShadowCompared(bool top1_agrees) {
  shadow_compared_->Increment();
  if (top1_agrees) shadow_top1_agreements_->Increment();
}

void ServerMetrics::OnShadowDropped() { shadow_dropped_->Increment(); }

void ServerMetrics::OnShadowFailed() { shadow_failed_->Increment(); }

void ServerMetrics::OnCandidateStaged(bool staged) { candidate_staged_->Set(staged ? 1 : 0); }

void ServerMetrics::OnAuditWriteFailed() { audit_write_failures_->Increment(); }

void ServerMetrics::OnReload(const ReloadOutcome& outcome, const CatalogSnapshot* serving) {
  if (outcome.how == "file") (outcome.applied ? reloads_ok_ : reloads_rejected_)->Increment();
  if (serving == nullptr) return;
  personas_loaded_->Set(static_cast<double>(serving->personas.size()));
  auto series = std::make_shared<SegmenterSeries>();
  series->snapshot = serving;
  for (const SegmenterSlot& slot : serving->segmenters) {
    series->histograms.push_back(SegmenterHistogram(slot.info.name));
    // Created at 0 for every serving segmenter, so rate() has a series before the first fault.
    series->faults.push_back(SegmenterFaults(slot.info.name));
  }
  std::atomic_store(&segmenter_series_, std::shared_ptr<const SegmenterSeries>(std::move(series)));
  absl::MutexLock lock(&catalog_mutex_);
  if (catalog_version_series_ != nullptr) catalog_info_->Remove(catalog_version_series_);
  catalog_version_series_ = &catalog_info_->Add({{"version", serving->version}});
  catalog_version_series_->Set(1);
}

}  // namespace persona
