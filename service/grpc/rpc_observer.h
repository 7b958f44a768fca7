#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "service/engine/catalog_snapshot.h"
#include "service/grpc/score_handler.h"

namespace persona {

// What the gRPC layer reports about each call, for metrics. Implementations must be cheap
// and thread-safe: they run on the reactor thread of every request.
class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  virtual void OnRpcDone(std::string_view method, grpc::StatusCode code,
                         absl::Duration latency) = 0;
  // After one customer was scored against `snapshot`: per-segmenter time and faults (a
  // segmenter answer that broke the contract: failure, NaN/Inf, out of range).
  virtual void OnScored(const CatalogSnapshot& snapshot, const ScoreStats& stats) = 0;
};

}  // namespace persona
