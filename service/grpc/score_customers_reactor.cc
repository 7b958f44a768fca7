#include "service/grpc/score_customers_reactor.h"

#include <grpc/grpc.h>

#include <chrono>

#include "absl/time/clock.h"
#include "service/grpc/score_handler.h"
#include "service/grpc/stream_record.h"

namespace persona {

StreamFlowControl::Actions StreamFlowControl::OnResponseReady() {
  Actions actions;
  ++pending_;
  if (finished_) return actions;
  if (pending_ == 1) {  // nothing is being written: this response goes out now
    actions.start_write = true;
    actions.write_slot = head_;
  }
  if (pending_ < capacity_) {
    actions.start_read = true;
  } else {
    read_paused_ = true;  // resumed when a write frees a slot
  }
  return actions;
}

StreamFlowControl::Actions StreamFlowControl::OnWriteDone() {
  Actions actions;
  head_ = (head_ + 1) % capacity_;
  --pending_;
  if (finished_) return actions;
  if (pending_ > 0) {
    actions.start_write = true;
    actions.write_slot = head_;
  }
  if (read_paused_ && !reads_done_) {
    read_paused_ = false;
    actions.start_read = true;
  }
  if (reads_done_ && pending_ == 0) {
    finished_ = true;
    actions.finish = true;
  }
  return actions;
}

StreamFlowControl::Actions StreamFlowControl::OnReadsDone() {
  Actions actions;
  reads_done_ = true;
  if (finished_ || pending_ > 0) return actions;  // the last write finishes the stream
  finished_ = true;
  actions.finish = true;
  return actions;
}

StreamFlowControl::Actions StreamFlowControl::OnBroken() {
  Actions actions;
  if (finished_) return actions;
  finished_ = true;
  actions.finish = true;
  return actions;
}

ScoreCustomersReactor::ScoreCustomersReactor(
    grpc::CallbackServerContext* context, const ServingCatalog* catalog,
    const RequestLimits& limits, const StreamLimits& stream_limits, RpcObserver* observer,
    std::atomic<size_t>* open_streams, DeadlineTimer* deadlines,
    SegmenterFaultObserver* fault_observer, ShadowScorer* shadow)
    : context_(context),
      catalog_(catalog),
      limits_(limits),
      observer_(observer),
      fault_observer_(fault_observer),
      shadow_(shadow),
      open_streams_(open_streams),
      start_(absl::Now()),
      default_deadline_(stream_limits.default_deadline),
      deadlines_(deadlines),
      flow_(stream_limits.max_pending_writes) {
  slots_.resize(flow_.capacity());
}

void ScoreCustomersReactor::Refuse(const grpc::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    final_code_ = status.error_code();
    flow_.OnBroken();
  }
  Finish(status);
}

void ScoreCustomersReactor::Start() {
  const bool has_own_deadline =
      context_->deadline() != std::chrono::system_clock::time_point::max();
  if (deadlines_ != nullptr && !has_own_deadline && default_deadline_ > absl::ZeroDuration() &&
      default_deadline_ != absl::InfiniteDuration()) {
    // Cancelling with a status sends it to the client as the call's end (trailers, then
    // RST_STREAM); the outstanding read and write then complete with ok=false and the stream
    // finishes through the broken-stream path. grpc_call_cancel_with_status is thread-safe.
    deadline_timer_ = deadlines_->Schedule(start_ + default_deadline_, [this] {
      default_deadline_expired_.store(true, std::memory_order_relaxed);
      grpc_call_cancel_with_status(
          context_->c_call(), GRPC_STATUS_DEADLINE_EXCEEDED,
          "the stream carried no deadline and reached the server's default "
          "(--default_stream_deadline_seconds); set a deadline for longer streams",
          nullptr);
    });
  }
  StartRead(&request_);
}

void ScoreCustomersReactor::OnReadDone(bool ok) {
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

void ScoreCustomersReactor::OnWriteDone(bool ok) {
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
  // The normal end (the client half-closed and this was the last write) finishes OK.
  Apply(actions, ok ? grpc::Status::OK
                    : grpc::Status(grpc::StatusCode::CANCELLED, "stream broken: a write failed"));
}

void ScoreCustomersReactor::OnDone() {
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
    // Safe to ask only now; a cancelled call ended as CANCELLED whatever Finish said.
    if (context_->IsCancelled()) code = grpc::StatusCode::CANCELLED;
    if (default_deadline_expired_.load(std::memory_order_relaxed)) {
      code = grpc::StatusCode::DEADLINE_EXCEEDED;
    }
    observer_->OnRpcDone("ScoreCustomers", static_cast<absl::StatusCode>(code),
                         absl::Now() - start_);
  }
  delete this;
}

void ScoreCustomersReactor::Apply(const StreamFlowControl::Actions& actions,
                                  const grpc::Status& finish_status) {
  if (actions.start_write) StartWrite(&slots_[actions.write_slot]);
  if (actions.start_read) StartRead(&request_);
  if (actions.finish) Finish(finish_status);
}

void ScoreCustomersReactor::Score(persona::v1::ScoreCustomersResponse* out) {
  const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current();
  ScoreStreamRecord(snapshot.get(), request_, limits_, next_index_++, observer_, fault_observer_,
                    shadow_, out);
}

}  // namespace persona
