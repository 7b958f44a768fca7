#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "persona/v1/persona_service.pb.h"
#include "service/catalog/staged_catalog.h"
#include "service/engine/catalog_snapshot.h"
#include "service/grpc/request_validator.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// One CompareCandidate call: each record is scored against the live catalog and the staged
// candidate as they were when the call started (both held for the whole stream, so a reload
// or promote mid-stream does not mix catalogs), one response per record, in order. One record
// at a time: the next is read once the previous answer is written, so a client that stops
// reading holds one response, no more. Nothing staged: FAILED_PRECONDITION at once. Deletes
// itself when gRPC is done with it.
class CompareCandidateReactor final
    : public grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest,
                                     persona::v1::CompareCandidateResponse> {
 public:
  // `observer` may be null.
  CompareCandidateReactor(std::shared_ptr<const CatalogSnapshot> live,
                          std::shared_ptr<const StagedCandidate> candidate, RequestLimits limits,
                          RpcObserver* observer);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  void End(const grpc::Status& status);

  const std::shared_ptr<const CatalogSnapshot> live_;
  const std::shared_ptr<const StagedCandidate> candidate_;
  const RequestLimits limits_;
  RpcObserver* const observer_;
  const absl::Time start_;
  persona::v1::ScoreCustomerRequest request_;
  persona::v1::CompareCandidateResponse response_;
  uint64_t next_index_ = 0;
  grpc::StatusCode final_code_ = grpc::StatusCode::OK;
};

}  // namespace persona
