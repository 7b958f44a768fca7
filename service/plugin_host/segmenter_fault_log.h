#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/engine/segmenter_fault_observer.h"

namespace persona {

// Makes a plugin's score-time faults attributable in the log without letting a broken
// plugin flood it: each fault becomes a "segmenter_fault" event line (service/common/
// event_log.h) naming the segmenter, its plugin file and version, and the reason, but at
// most one line per segmenter per `interval`. Faults in between are only counted; the next
// line for that segmenter carries the count in "suppressed". (The metric
// persona_segmenter_faults_total{segmenter} counts every fault.)
//
// Runs on the fault path only (the engine calls it when a segmenter faults), so it may lock
// and allocate. Thread-safe.
class SegmenterFaultLog final : public SegmenterFaultObserver {
 public:
  static constexpr absl::Duration kDefaultInterval = absl::Seconds(10);

  // `now` is for tests; the server uses the real clock.
  explicit SegmenterFaultLog(absl::Duration interval = kDefaultInterval,
                             std::function<absl::Time()> now = &absl::Now);

  void OnSegmenterFault(const SegmenterInfo& segmenter, std::string_view reason) override;

 private:
  struct Window {
    absl::Time last_logged = absl::InfinitePast();
    uint64_t suppressed = 0;  // faults since last_logged that were not logged
  };

  const absl::Duration interval_;
  const std::function<absl::Time()> now_;
  absl::Mutex mu_;
  // By segmenter name: bounded by the names catalogs have used, not by faults.
  absl::flat_hash_map<std::string, Window> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace persona
