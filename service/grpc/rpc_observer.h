#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"

namespace persona {

// What the gRPC layer reports about each call, for metrics. Implementations must be cheap
// and thread-safe: they run on the reactor thread of every request.
class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  virtual void OnRpcDone(std::string_view method, grpc::StatusCode code,
                         absl::Duration latency) = 0;
  // A segmenter's answer broke the contract (failed, NaN, out of range) in one request.
  virtual void OnSegmenterFaults(uint32_t faults) = 0;
};

}  // namespace persona
