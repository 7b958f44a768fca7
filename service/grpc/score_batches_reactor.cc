#include "service/grpc/score_batches_reactor.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/grpc/stream_record.h"

namespace persona {

ScoreBatchesReactor::ScoreBatchesReactor(grpc::CallbackServerContext* context,
                                         const ServingCatalog* catalog, const RequestLimits& limits,
                                         const StreamLimits& stream_limits, RpcObserver* observer,
                                         std::atomic<size_t>* open_streams,
                                         DeadlineTimer* deadlines,
                                         SegmenterFaultObserver* fault_observer,
                                         ShadowScorer* shadow)
    : context_(context),
      catalog_(catalog),
      limits_(limits),
      max_batch_records_(stream_limits.max_batch_records),
      observer_(observer),
      fault_observer_(fault_observer),
      shadow_(shadow),
      open_streams_(open_streams),
      start_(absl::Now()),
      default_deadline_(stream_limits.default_deadline),
      deadlines_(deadlines),
      flow_(std::min(stream_limits.max_pending_writes, kMaxPendingBatchResults)) {
  slots_.resize(flow_.capacity());
}

void ScoreBatchesReactor::Refuse(const grpc::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    final_code_ = status.error_code();
    flow_.OnBroken();
  }
  Finish(status);
}

void ScoreBatchesReactor::Start() {
  const bool has_own_deadline =
      context_->deadline() != std::chrono::system_clock::time_point::max();
  if (deadlines_ != nullptr && !has_own_deadline && default_deadline_ > absl::ZeroDuration() &&
      default_deadline_ != absl::InfiniteDuration()) {
    // As in ScoreCustomersReactor::Start: the cancel ends the call with this status, and the
    // outstanding operations complete with ok=false.
    deadline_timer_ = deadlines_->Schedule(start_ + default_deadline_, [this] {
      default_deadline_expired_.store(true, std::memory_order_relaxed);
      grpc_call_cancel_with_status(
          context_->c_call(), GRPC_STATUS_DEADLINE_EXCEEDED,
          "the stream carried no deadline and reached the server's default "
          "(--default_stream_deadline_seconds); set a deadline for longer streams",
          nullptr);
    });
  }
  StartRead(&batch_);
}

void ScoreBatchesReactor::OnReadDone(bool ok) {
  StreamFlowControl::Actions actions;
  if (!ok) {  // the client half-closed, or the call broke (OnDone tells them apart)
    std::lock_guard<std::mutex> lock(mu_);
    actions = flow_.OnReadsDone();
  } else {
    size_t slot;
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot = flow_.NextSlot();
    }
    // Scored outside the lock: a concurrent OnWriteDone only touches older slots.
    Score(&slots_[slot]);
    std::lock_guard<std::mutex> lock(mu_);
    actions = flow_.OnResponseReady();
  }
  Apply(actions, grpc::Status::OK);
}

void ScoreBatchesReactor::OnWriteDone(bool ok) {
  StreamFlowControl::Actions actions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ok) {
      actions = flow_.OnWriteDone();
    } else {  // the client is gone: nothing more can be delivered
      final_code_ = grpc::StatusCode::CANCELLED;
      flow_.OnWriteDone();
      actions = flow_.OnBroken();
    }
  }
  Apply(actions, ok ? grpc::Status::OK
                    : grpc::Status(grpc::StatusCode::CANCELLED, "stream broken: a write failed"));
}

void ScoreBatchesReactor::OnDone() {
  // Waits for the timer callback if it is running: it uses this call's context.
  if (deadline_timer_ != 0) deadlines_->Cancel(deadline_timer_);
  // The stream's slot is free before the call is reported done, so whoever saw the report
  // (metrics, tests) may open the next stream at once.
  if (open_streams_ != nullptr) open_streams_->fetch_sub(1, std::memory_order_relaxed);
  if (observer_ != nullptr) {
    grpc::StatusCode code;
    {
      std::lock_guard<std::mutex> lock(mu_);
      code = final_code_;
    }
    if (context_->IsCancelled()) code = grpc::StatusCode::CANCELLED;
    if (default_deadline_expired_.load(std::memory_order_relaxed)) {
      code = grpc::StatusCode::DEADLINE_EXCEEDED;
    }
    observer_->OnRpcDone("ScoreCustomerBatches", static_cast<absl::StatusCode>(code),
                         absl::Now() - start_);
  }
  delete this;
}

void ScoreBatchesReactor::Apply(const StreamFlowControl::Actions& actions,
                                const grpc::Status& finish_status) {
  if (actions.start_write) StartWrite(&slots_[actions.write_slot]);
  if (actions.start_read) StartRead(&batch_);
  if (actions.finish) Finish(finish_status);
}

void ScoreBatchesReactor::Score(persona::v1::ScoreCustomerBatchResult* out) {
  google::protobuf::RepeatedPtrField<persona::v1::ScoreCustomersResponse>* results =
      out->mutable_results();
  const int records = batch_.requests_size();
  // RemoveLast keeps the entry for a later Add, so a shorter batch costs no allocation.
  while (results->size() > records) results->RemoveLast();
  const auto entry = [results](int i) {
    return i < results->size() ? results->Mutable(i) : results->Add();
  };
  if (static_cast<size_t>(records) > max_batch_records_) {
    const grpc::Status too_many(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("requests: the batch has ", records,
                     " records, more than the server's limit of ", max_batch_records_,
                     " (--max_batch_records); send smaller batches"));
    for (int i = 0; i < records; ++i) SetRecordError(too_many, next_index_++, entry(i));
    return;
  }
  // One snapshot for the whole batch: its records are scored against the same catalog.
  const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current();
  for (int i = 0; i < records; ++i) {
    ScoreStreamRecord(snapshot.get(), batch_.requests(i), limits_, next_index_++, observer_,
                      fault_observer_, shadow_, entry(i));
  }
}

}  // namespace persona
