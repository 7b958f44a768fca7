#include "service/grpc/compare_candidate_reactor.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/grpc/score_handler.h"

namespace persona {

CompareCandidateReactor::CompareCandidateReactor(std::shared_ptr<const CatalogSnapshot> live,
                                                 std::shared_ptr<const StagedCandidate> candidate,
                                                 RequestLimits limits, RpcObserver* observer)
    : live_(std::move(live)),
      candidate_(std::move(candidate)),
      limits_(limits),
      observer_(observer),
      start_(absl::Now()) {
  if (!candidate_) {
    End(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                     "nothing is staged: StageCatalog first"));
    return;
  }
  if (!live_) {
    End(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                     "no catalog is loaded yet; the server is not serving"));
    return;
  }
  StartRead(&request_);
}

void CompareCandidateReactor::End(const grpc::Status& status) {
  final_code_ = status.error_code();
  Finish(status);
}

void CompareCandidateReactor::OnReadDone(bool ok) {
  if (!ok) {  // the client half-closed (or went away; OnDone tells)
    End(grpc::Status::OK);
    return;
  }
  response_.Clear();
  response_.set_index(next_index_++);
  grpc::Status status = ScoreOneCustomer(*live_, request_, limits_, response_.mutable_live());
  std::string side = "live";
  if (status.ok()) {
    status =
        ScoreOneCustomer(*candidate_->snapshot, request_, limits_, response_.mutable_candidate());
    side = "candidate";
  }
  if (!status.ok()) {
    // The record's error, and the stream goes on.
    response_.clear_live();
    response_.clear_candidate();
    response_.set_error_code(static_cast<int32_t>(status.error_code()));
    response_.set_error_message(absl::StrCat(side, ": ", status.error_message()));
  }
  StartWrite(&response_);
}

void CompareCandidateReactor::OnWriteDone(bool ok) {
  if (!ok) {
    End(grpc::Status(grpc::StatusCode::CANCELLED, "stream broken: a write failed"));
    return;
  }
  StartRead(&request_);
}

void CompareCandidateReactor::OnDone() {
  if (observer_ != nullptr) {
    observer_->OnRpcDone("CompareCandidate", static_cast<absl::StatusCode>(final_code_),
                         absl::Now() - start_);
  }
  delete this;
}

}  // namespace persona
