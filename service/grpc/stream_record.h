#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "persona/v1/persona_service.pb.h"
#include "service/engine/catalog_snapshot.h"
#include "service/engine/segmenter_fault_observer.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/shadow_scorer.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// What a bulk record's error_message says for a record ScoreOneCustomer refused. The unary RPC
// names the first violation and counts the rest; a stream record has no room for rich
// details, so its message lists every violation instead.
std::string RecordErrorMessage(const grpc::Status& status);

// Answers one bulk record (a ScoreCustomers message or a ScoreCustomerBatches entry) into
// `out`, reusing its allocations: the result ScoreOneCustomer gives (the unary RPC's code
// path), or its error as error_code and error_message. `snapshot` null means no catalog is
// loaded yet (UNAVAILABLE). `observer`, if set, is told about each scored record; `shadow`, if
// set, is offered each scored record (it copies only the sampled ones, for the staged
// candidate, after this answer).
void ScoreStreamRecord(const CatalogSnapshot* snapshot,
                       const persona::v1::ScoreCustomerRequest& request,
                       const RequestLimits& limits, uint64_t index, RpcObserver* observer,
                       SegmenterFaultObserver* fault_observer, ShadowScorer* shadow,
                       persona::v1::ScoreCustomersResponse* out);

// Answers a record with `status` (not OK) without scoring it.
void SetRecordError(const grpc::Status& status, uint64_t index,
                    persona::v1::ScoreCustomersResponse* out);

}  // namespace persona
