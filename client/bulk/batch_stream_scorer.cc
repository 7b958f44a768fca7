#include "client/bulk/batch_stream_scorer.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace persona {

BatchStreamScorer::BatchStreamScorer(persona::v1::PersonaScoring::Stub* stub, size_t batch_size,
                                     size_t window_batches, ResponseFn on_response)
    : batch_size_(batch_size == 0 ? 1 : batch_size),
      window_batches_(window_batches == 0 ? 1 : window_batches),
      on_response_(std::move(on_response)) {
  // A deadline of its own, for StreamScorer's reason (the server's default is an hour).
  context_.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(24));
  stub->async()->ScoreCustomerBatches(&context_, this);
  AddHold();  // Send may start writes until Finish
  StartRead(&result_);
  StartCall();
}

BatchStreamScorer::~BatchStreamScorer() {
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

bool BatchStreamScorer::Send(persona::v1::ScoreCustomerRequest request, uint64_t tag) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_ || writes_done_wanted_) return false;
  }
  building_bytes_ += request.ByteSizeLong();
  *building_.add_requests() = std::move(request);
  building_tags_.push_back(tag);
  if (building_tags_.size() < batch_size_ && building_bytes_ < kMaxBatchBytes) return true;
  return SendBatch();
}

bool BatchStreamScorer::SendBatch() {
  const persona::v1::ScoreCustomerBatch* start = nullptr;
  {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return unanswered_sizes_.size() < window_batches_ || broken_; });
    if (broken_) return false;
    unanswered_.insert(unanswered_.end(), building_tags_.begin(), building_tags_.end());
    unanswered_sizes_.push_back(building_tags_.size());
    to_write_.push_back(std::move(building_));
    building_.Clear();
    building_tags_.clear();
    building_bytes_ = 0;
    if (writing_) return true;  // OnWriteDone chains it
    writing_ = true;
    start = &to_write_.front();  // stays put: only OnWriteDone pops the front
  }
  StartWrite(start);
  return true;
}

void BatchStreamScorer::OnWriteDone(bool ok) {
  const persona::v1::ScoreCustomerBatch* next = nullptr;
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

void BatchStreamScorer::OnReadDone(bool ok) {
  if (!ok) {  // the server finished (or the call broke): nothing more will be answered
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;
    changed_.notify_all();
    return;
  }
  const size_t records = static_cast<size_t>(result_.results_size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string problem;
    if (unanswered_sizes_.empty()) {
      problem = "a batch result with nothing outstanding";
    } else if (records != unanswered_sizes_.front()) {
      problem = absl::StrCat("a batch of ", unanswered_sizes_.front(), " records answered with ",
                             records, " results");
    } else {
      for (size_t i = 0; i < records && problem.empty(); ++i) {
        if (result_.results(static_cast<int>(i)).index() != expected_index_ + i) {
          problem = absl::StrCat("index ", result_.results(static_cast<int>(i)).index(),
                                 ", expected ", expected_index_ + i);
        }
      }
    }
    if (!problem.empty()) {
      // The contract is one answer per record, in order: anything else is unusable.
      local_error_ = grpc::Status(grpc::StatusCode::INTERNAL,
                                  absl::StrCat("server answered out of order: ", problem));
      broken_ = true;
      changed_.notify_all();
      context_.TryCancel();
      return;
    }
    answered_tags_.assign(unanswered_.begin(), unanswered_.begin() + records);
  }
  expected_index_ += records;
  for (size_t i = 0; i < records; ++i) {
    on_response_(answered_tags_[i], result_.results(static_cast<int>(i)));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    // After the callbacks: the window includes handling the answers.
    unanswered_.erase(unanswered_.begin(), unanswered_.begin() + records);
    unanswered_sizes_.pop_front();
    changed_.notify_all();
  }
  StartRead(&result_);
}

void BatchStreamScorer::OnWritesDoneDone(bool) {}

void BatchStreamScorer::OnDone(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
  broken_ = true;
  done_ = true;
  changed_.notify_all();
}

grpc::Status BatchStreamScorer::Finish(std::vector<uint64_t>* unanswered) {
  bool release = false;
  bool half_close = false;
  bool flush = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    flush = holding_ && !building_tags_.empty();
  }
  if (flush) SendBatch();  // the last, partial batch (false: the stream broke meanwhile)
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
  // Records still in a batch that was never sent.
  unanswered->insert(unanswered->end(), building_tags_.begin(), building_tags_.end());
  unanswered_.clear();
  unanswered_sizes_.clear();
  building_tags_.clear();
  building_.Clear();
  if (status.ok() && !unanswered->empty()) {
    status = grpc::Status(
        grpc::StatusCode::INTERNAL,
        absl::StrCat("the stream ended with ", unanswered->size(), " records unanswered"));
  }
  return status;
}

}  // namespace persona
