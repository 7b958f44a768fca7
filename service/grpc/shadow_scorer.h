#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "catalog_comparison/catalog_comparison.h"
#include "persona/v1/persona_service.pb.h"
#include "service/catalog/serving_catalog.h"
#include "service/catalog/staged_catalog.h"
#include "service/common/bounded_queue.h"
#include "service/grpc/request_validator.h"
#include "service/observability/shadow_observer.h"

namespace persona {

// Shadow evaluation: a sampled share of live requests is scored again against the staged
// candidate, after the caller has its answer, on one background thread fed by a bounded
// queue. A full queue drops the sample (counted); a slow or faulty candidate plugin only
// slows this thread, never a live call. Results go to a CatalogComparison, read by
// GetShadowReport.
class ShadowScorer {
 public:
  static constexpr size_t kDefaultQueueCapacity = 256;
  // Examples kept per persona change; a report asks for at most this many.
  static constexpr size_t kMaxExamples = 20;

  // `observer` may be null.
  ShadowScorer(const ServingCatalog* serving, const StagedCatalog* staged, RequestLimits limits,
               ShadowObserver* observer = nullptr, size_t queue_capacity = kDefaultQueueCapacity);
  ~ShadowScorer();
  ShadowScorer(const ShadowScorer&) = delete;
  ShadowScorer& operator=(const ShadowScorer&) = delete;

  // Called on the request path after a successful live answer. With nothing staged this is
  // one relaxed atomic load; the request and answer are copied only when sampled.
  void Offer(const persona::v1::ScoreCustomerRequest& request,
             const persona::v1::ScoreCustomerResponse& live) {
    const uint64_t threshold = staged_->sample_threshold();
    if (threshold != 0) OfferSampled(threshold, request, live);
  }

  // The comparison of the staged candidate against live so far. `examples_per_change`: 0 =
  // 5, at most kMaxExamples. A new candidate, or a new live catalog, starts a new comparison.
  persona::v1::GetShadowReportResponse Report(uint32_t examples_per_change) const;

 private:
  struct Job {
    persona::v1::ScoreCustomerRequest request;
    persona::v1::ScoreCustomerResponse live;
  };
  // One comparison: of one candidate against one live version.
  struct Epoch {
    const StagedCandidate* candidate = nullptr;  // identity only; never dereferenced
    std::string live_version;
    std::unique_ptr<CatalogComparison> comparison;
  };

  void OfferSampled(uint64_t threshold, const persona::v1::ScoreCustomerRequest& request,
                    const persona::v1::ScoreCustomerResponse& live);
  void Run();
  // Membership, not the caller's view: a request cut by top_k is scored again with every
  // match on both sides (here, off the request path), so a persona another one outranks does
  // not count as "left" or "entered".
  void Compare(Job& job);
  // Starts a new epoch for `candidate` against `live_version`; report_mutex_ held.
  void ResetLocked(const StagedCandidate& candidate, const std::string& live_version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(report_mutex_);

  const ServingCatalog* const serving_;
  const StagedCatalog* const staged_;
  const RequestLimits limits_;
  ShadowObserver* const observer_;
  BoundedQueue<std::unique_ptr<Job>> queue_;
  std::atomic<bool> stopping_{false};

  mutable absl::Mutex report_mutex_;
  Epoch epoch_ ABSL_GUARDED_BY(report_mutex_);
  // Drops since the epoch started (a drop cannot tell which epoch it belongs to: the
  // request is not kept).
  std::atomic<uint64_t> epoch_dropped_{0};

  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace persona
