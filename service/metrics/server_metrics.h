#pragma once

#include <array>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/catalog/catalog_reloader.h"
#include "service/observability/rpc_observer.h"
#include "service/observability/shadow_observer.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace persona {

// Prometheus metrics served in the text format on --metrics_listen: RPC counts per method
// and status code, latency histograms per method, faults per segmenter, reloads ok/rejected,
// the active catalog version (a labelled gauge) and personas loaded. Every series an RPC
// touches is created up front, so recording is a few atomic adds, no lookups.
class ServerMetrics : public RpcObserver, public ShadowObserver {
 public:
  // Binds `listen` ("127.0.0.1:9464"); an error if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ServerMetrics>> Start(const std::string& listen);
  ~ServerMetrics() override;

  void OnRpcDone(std::string_view method, absl::StatusCode code, absl::Duration latency) override;
  void OnScored(const CatalogSnapshot& snapshot, const ScoreStats& stats) override;
  // After every reload attempt, promote and rollback (loader thread). Only file reloads
  // count in persona_catalog_reloads_total; every change moves the version gauge.
  void OnReload(const ReloadOutcome& outcome, const CatalogSnapshot* serving);

  void OnShadowCompared(bool top1_agrees) override;
  void OnShadowDropped() override;
  void OnShadowFailed() override;
  void OnCandidateStaged(bool staged) override;
  // An audit line could not be written.
  void OnAuditWriteFailed();

 private:
  static constexpr int kMethods = 15;
  static constexpr int kCodes = 17;
  ServerMetrics();
  static int MethodIndex(std::string_view method);

  std::shared_ptr<prometheus::Registry> registry_;
  std::string listen_host_;  // to wake the exposer's listener when stopping it
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::array<std::array<prometheus::Counter*, kCodes>, kMethods> requests_{};
  std::array<prometheus::Histogram*, kMethods> latency_{};
  prometheus::Family<prometheus::Counter>* segmenter_faults_ = nullptr;
  prometheus::Family<prometheus::Histogram>* segmenter_time_ = nullptr;
  // The serving snapshot's per-segmenter series, resolved once per reload so scoring does no
  // label lookups. A request on an older snapshot falls back to a lookup.
  struct SegmenterSeries {
    const CatalogSnapshot* snapshot = nullptr;
    std::vector<prometheus::Histogram*> histograms;
    std::vector<prometheus::Counter*> faults;
  };
  std::shared_ptr<const SegmenterSeries> segmenter_series_;  // atomic_load/atomic_store
  prometheus::Histogram* SegmenterHistogram(const std::string& name);
  prometheus::Counter* SegmenterFaults(const std::string& name);
  prometheus::Counter* reloads_ok_ = nullptr;
  prometheus::Counter* reloads_rejected_ = nullptr;
  prometheus::Gauge* personas_loaded_ = nullptr;
  prometheus::Family<prometheus::Gauge>* catalog_info_ = nullptr;
  prometheus::Counter* shadow_compared_ = nullptr;
  prometheus::Counter* shadow_top1_agreements_ = nullptr;
  prometheus::Counter* shadow_dropped_ = nullptr;
  prometheus::Counter* shadow_failed_ = nullptr;
  prometheus::Gauge* candidate_staged_ = nullptr;
  prometheus::Counter* audit_write_failures_ = nullptr;

  absl::Mutex catalog_mutex_;  // loader thread only; guards the version series swap
  prometheus::Gauge* catalog_version_series_ ABSL_GUARDED_BY(catalog_mutex_) = nullptr;
};

}  // namespace persona
