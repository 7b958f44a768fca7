#include "client/bulk/stream_scorer.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace persona {

StreamScorer::StreamScorer(persona::v1::PersonaScoring::Stub* stub, size_t window,
                           ResponseFn on_response)
    : window_(window == 0 ? 1 : window), on_response_(std::move(on_response)) {
  // A deadline of its own: the server ends streams that carry none after its default
  // (--default_stream_deadline_seconds, an hour), and a large batch may take longer. A day
  // still bounds a stream whose server hangs.
  context_.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(24));
  stub->async()->ScoreCustomers(&context_, this);
  // Send may start writes from the caller's thread at any time until Finish: the hold keeps
  // the call (and this object's use by gRPC) alive until then.
  AddHold();
  StartRead(&response_);
  StartCall();
}

StreamScorer::~StreamScorer() {
  bool finished;
  {
    std::unique_lock<std::mutex> lock(mu_);
    finished = !holding_ && done_;
  }
  if (finished) return;
  context_.TryCancel();
  std::vector<uint64_t> ignored;
  Finish(&ignored);
}

bool StreamScorer::Send(persona::v1::ScoreCustomerRequest request, uint64_t tag) {
  const persona::v1::ScoreCustomerRequest* start = nullptr;
  {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return unanswered_.size() < window_ || broken_; });
    if (broken_ || writes_done_wanted_) return false;
    unanswered_.push_back(tag);
    to_write_.push_back(std::move(request));
    if (writing_) return true;  // OnWriteDone chains it
    writing_ = true;
    // Stays put: only OnWriteDone pops the front, and no write is in flight.
    start = &to_write_.front();
  }
  // gRPC operations are started outside the lock, in case a completion ever runs inline.
  StartWrite(start);
  return true;
}

void StreamScorer::OnWriteDone(bool ok) {
  const persona::v1::ScoreCustomerRequest* next = nullptr;
  bool half_close = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    to_write_.pop_front();
    if (!ok) {  // the call is over; reads will end and OnDone will tell why
      broken_ = true;
      writing_ = false;
      to_write_.clear();
      changed_.notify_all();
      return;
    }
    if (!to_write_.empty()) {
      next = &to_write_.front();
    } else {
      writing_ = false;
      half_close = writes_done_wanted_ && !writes_done_started_;
      writes_done_started_ |= half_close;
    }
  }
  if (next != nullptr) StartWrite(next);
  if (half_close) StartWritesDone();
}

void StreamScorer::OnReadDone(bool ok) {
  if (!ok) {  // the server finished (or the call broke): nothing more will be answered
    std::unique_lock<std::mutex> lock(mu_);
    broken_ = true;
    changed_.notify_all();
    return;
  }
  uint64_t tag = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (unanswered_.empty() || response_.index() != expected_index_) {
      // The contract is one answer per request, in order: anything else is unusable.
      local_error_ = grpc::Status(
          grpc::StatusCode::INTERNAL,
          absl::StrCat("server answered out of order: index ", response_.index(), ", expected ",
                       expected_index_, unanswered_.empty() ? " (nothing outstanding)" : ""));
      broken_ = true;
      changed_.notify_all();
      context_.TryCancel();
      return;
    }
    tag = unanswered_.front();
  }
  ++expected_index_;
  on_response_(tag, response_);
  {
    std::unique_lock<std::mutex> lock(mu_);
    unanswered_.pop_front();  // after the callback: the window includes handling the answer
    changed_.notify_all();
  }
  StartRead(&response_);
}

void StreamScorer::OnWritesDoneDone(bool) {}

void StreamScorer::OnDone(const grpc::Status& status) {
  std::unique_lock<std::mutex> lock(mu_);
  status_ = status;
  broken_ = true;
  done_ = true;
  changed_.notify_all();
}

grpc::Status StreamScorer::Finish(std::vector<uint64_t>* unanswered) {
  bool release = false;
  bool half_close = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (holding_) {
      holding_ = false;
      release = true;
      writes_done_wanted_ = true;
      half_close = !writing_ && !broken_ && !writes_done_started_;
      writes_done_started_ |= half_close;
    }
  }
  if (half_close) StartWritesDone();
  if (release) RemoveHold();
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return done_; });
  grpc::Status status = local_error_.ok() ? status_ : local_error_;
  unanswered->assign(unanswered_.begin(), unanswered_.end());
  unanswered_.clear();
  if (status.ok() && !unanswered->empty()) {
    status = grpc::Status(
        grpc::StatusCode::INTERNAL,
        absl::StrCat("the stream ended with ", unanswered->size(), " requests unanswered"));
  }
  return status;
}

}  // namespace persona
