#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <vector>

#include "persona/v1/persona_service.pb.h"
#include "service/engine/catalog_snapshot.h"
#include "service/grpc/request_validator.h"

namespace persona {

// What scoring one customer cost and how the plugins behaved, for metrics.
struct ScoreStats {
  uint32_t segmenter_faults = 0;
  std::vector<int64_t> segmenter_nanos;  // per snapshot segmenter; empty if not scored
};

// One ScoreCustomer request against one snapshot: validate, translate to the engine's
// types, score, translate back. Shared by the unary and the streaming RPC so both give the
// same answer for the same input. Thread-safe; reuses per-thread buffers.
grpc::Status ScoreOneCustomer(const CatalogSnapshot& snapshot,
                              const persona::v1::ScoreCustomerRequest& request,
                              const RequestLimits& limits,
                              persona::v1::ScoreCustomerResponse* response,
                              ScoreStats* stats = nullptr);

}  // namespace persona
