#include "service/grpc/stream_record.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/grpc/score_handler.h"

namespace persona {

std::string RecordErrorMessage(const grpc::Status& status) {
  if (status.error_details().empty()) return status.error_message();
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return status.error_message();
  std::string joined;
  int violations = 0;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      absl::StrAppend(&joined, violations++ == 0 ? "" : "; ", v.field(), ": ", v.description());
    }
  }
  return violations > 1 ? joined : status.error_message();
}

void SetRecordError(const grpc::Status& status, uint64_t index,
                    persona::v1::ScoreCustomersResponse* out) {
  out->clear_result();
  out->set_index(index);
  out->set_error_code(static_cast<int32_t>(status.error_code()));
  out->set_error_message(RecordErrorMessage(status));
}

void ScoreStreamRecord(const CatalogSnapshot* snapshot,
                       const persona::v1::ScoreCustomerRequest& request,
                       const RequestLimits& limits, uint64_t index, RpcObserver* observer,
                       SegmenterFaultObserver* fault_observer, ShadowScorer* shadow,
                       persona::v1::ScoreCustomersResponse* out) {
  if (snapshot == nullptr) {
    SetRecordError(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "no catalog is loaded yet; the server is not serving"),
                   index, out);
    return;
  }
  // Cleared field by field: Clear() on the response would free `result`, whose repeated
  // fields keep their allocations for the next record when cleared in place.
  persona::v1::ScoreCustomerResponse* result = out->mutable_result();
  result->Clear();
  out->set_error_code(0);
  out->clear_error_message();
  out->set_index(index);
  grpc::Status status;
  if (observer == nullptr) {
    status = ScoreOneCustomer(*snapshot, request, limits, result, nullptr, fault_observer);
  } else {
    thread_local ScoreStats stats;
    status = ScoreOneCustomer(*snapshot, request, limits, result, &stats, fault_observer);
    if (status.ok()) observer->OnScored(*snapshot, stats);
  }
  if (!status.ok()) {
    SetRecordError(status, index, out);
    return;
  }
  // The copy (only when sampled) is scored later, on the shadow thread.
  if (shadow != nullptr) shadow->Offer(request, *result);
}

}  // namespace persona
