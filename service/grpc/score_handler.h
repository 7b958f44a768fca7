#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <vector>

#include "persona/v1/persona_service.pb.h"
#include "service/engine/catalog_snapshot.h"
#include "service/engine/segmenter_fault_observer.h"
#include "service/grpc/request_validator.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// One ScoreCustomer request against one snapshot: validate, translate to the engine's
// types, score, translate back. Shared by the unary and the streaming RPC so both give the
// same answer for the same input. Thread-safe; reuses per-thread buffers. `stats`, if set,
// receives the call's per-segmenter time and faults; `fault_observer`, if set, each fault's
// reason.
grpc::Status ScoreOneCustomer(const CatalogSnapshot& snapshot,
                              const persona::v1::ScoreCustomerRequest& request,
                              const RequestLimits& limits,
                              persona::v1::ScoreCustomerResponse* response,
                              ScoreStats* stats = nullptr,
                              SegmenterFaultObserver* fault_observer = nullptr);

}  // namespace persona
