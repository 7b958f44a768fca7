#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "service/engine/catalog_snapshot.h"

namespace persona {

// What scoring one customer cost and how the plugins behaved, for metrics.
struct ScoreStats {
  // The snapshot segmenter (index) of every segmenter fault of the call, in order: an answer
  // that broke the plugin contract (failure, NaN/Inf, out of range). Usually empty.
  std::vector<uint32_t> faulted_segmenters;
  std::vector<int64_t> segmenter_nanos;  // per snapshot segmenter; empty if not scored
};

// What the RPC layer reports about each call, for metrics and refusals. Implementations
// must be cheap and thread-safe: they run on the reactor thread of every request.
//
// Kept free of gRPC so that whoever observes calls (metrics/, security/) need not depend on
// the handlers: status codes are absl::StatusCode, whose values are gRPC's
// (static_cast<absl::StatusCode>(grpc::Status::error_code())).
class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  virtual void OnRpcDone(std::string_view method, absl::StatusCode code,
                         absl::Duration latency) = 0;
  // After one customer was scored against `snapshot`: per-segmenter time and faults.
  virtual void OnScored(const CatalogSnapshot& snapshot, const ScoreStats& stats) = 0;
};

}  // namespace persona
