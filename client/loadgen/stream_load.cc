#include "client/loadgen/stream_load.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/time/clock.h"
#include "client/persona_client.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {
namespace {

// One stream: writes the next request whenever the previous write completed and the window
// has room, reads answers as they come.
class StreamPump final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // `count` messages; `batch_size` > 0: each message is a batch of that many records.
  StreamPump(grpc::GenericStub* stub, const std::string& method,
             const std::vector<grpc::ByteBuffer>* requests, uint64_t count, uint64_t offset,
             size_t window, size_t batch_size)
      : requests_(requests),
        count_(count),
        offset_(offset),
        window_(std::max<size_t>(1, window)),
        batch_size_(batch_size) {
    stub->PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartRead(&response_);
    Next next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      next = MaybeWrite();
    }
    Perform(next);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    Next next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      if (!ok) {
        broken_ = true;
        return;
      }
      next = MaybeWrite();
    }
    Perform(next);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone says how
    uint64_t scored = 0, rejected = 0;
    if (batch_size_ == 0) {
      persona::v1::ScoreCustomersResponse parsed;
      const bool bad = grpc::SerializationTraits<persona::v1::ScoreCustomersResponse>::Deserialize(
                           &response_, &parsed)
                           .ok() &&
                       parsed.error_code() != 0;
      ++(bad ? rejected : scored);
    } else if (grpc::SerializationTraits<persona::v1::ScoreCustomerBatchResult>::Deserialize(
                   &response_, &batch_result_)
                   .ok()) {
      for (const auto& entry : batch_result_.results())
        ++(entry.error_code() != 0 ? rejected : scored);
    }
    Next next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++answered_;
      scored_ += scored;
      rejected_ += rejected;
      next = MaybeWrite();
    }
    Perform(next);
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    done_ = true;
    done_cv_.notify_all();
  }

  // Waits for the end of the call.
  grpc::Status Wait(StreamLoadResult* result) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return done_; });
    result->sent += batch_size_ == 0 ? sent_ : sent_ * batch_size_;
    result->scored += scored_;
    result->rejected += rejected_;
    return status_;
  }

 private:
  // What to start once the lock is released: a write, the half-close, or nothing.
  struct Next {
    const grpc::ByteBuffer* write = nullptr;
    bool half_close = false;
  };

  // The next write if none is in flight and the window allows; the half-close after the
  // last one. Called with mu_ held; the caller starts it after letting go.
  Next MaybeWrite() {
    Next next;
    if (writing_ || broken_ || half_closed_) return next;
    if (sent_ == count_) {
      half_closed_ = true;
      next.half_close = true;
      return next;
    }
    if (sent_ - answered_ >= window_) return next;  // an answer will call again
    writing_ = true;
    next.write = &(*requests_)[(offset_ + sent_) % requests_->size()];
    ++sent_;
    return next;
  }

  void Perform(const Next& next) {
    if (next.write != nullptr) StartWrite(next.write);
    if (next.half_close) StartWritesDone();
  }

  const std::vector<grpc::ByteBuffer>* const requests_;
  const uint64_t count_;
  const uint64_t offset_;
  const size_t window_;
  const size_t batch_size_;
  grpc::ClientContext context_;
  grpc::ByteBuffer response_;
  persona::v1::ScoreCustomerBatchResult batch_result_;  // only touched by reads

  std::mutex mu_;
  std::condition_variable done_cv_;
  // Guarded by mu_. sent_ and answered_ count messages, scored_ and rejected_ records.
  uint64_t sent_ = 0, answered_ = 0, scored_ = 0, rejected_ = 0;
  bool writing_ = false, broken_ = false, half_closed_ = false, done_ = false;
  grpc::Status status_;
};

}  // namespace

StreamLoadResult RunStreamLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  if (options.requests.empty() || options.count == 0) return result;
  std::vector<grpc::ByteBuffer> requests;
  uint64_t messages = options.count;
  if (options.batch_size == 0) {
    for (const std::string& bytes : options.requests) {
      grpc::Slice slice(bytes);
      requests.emplace_back(&slice, 1);
    }
  } else {
    // A few distinct batches cycling through the requests: a ScoreCustomerBatch is its
    // requests, each framed as field 1 (tag, length, bytes), so no parsing is needed.
    messages = (options.count + options.batch_size - 1) / options.batch_size;
    const size_t distinct = std::min<uint64_t>(messages, 16);
    for (size_t b = 0; b < distinct; ++b) {
      std::string batch;
      for (size_t i = 0; i < options.batch_size; ++i) {
        const std::string& bytes =
            options.requests[(b * options.batch_size + i) % options.requests.size()];
        batch.push_back(0x0a);  // field 1, length-delimited
        for (uint64_t n = bytes.size();; n >>= 7) {
          if (n < 0x80) {
            batch.push_back(static_cast<char>(n));
            break;
          }
          batch.push_back(static_cast<char>((n & 0x7f) | 0x80));
        }
        batch += bytes;
      }
      grpc::Slice slice(batch);
      requests.emplace_back(&slice, 1);
    }
  }
  const int streams = std::max(1, options.streams);
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int s = 0; s < streams; ++s) {
    auto channel = MakeChannel(options.target, options.lb_policy, /*private_connection=*/true);
    channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
  const absl::Time start = absl::Now();
  std::vector<std::unique_ptr<StreamPump>> pumps;
  for (int s = 0; s < streams; ++s) {
    const uint64_t share = messages / streams + (static_cast<uint64_t>(s) < messages % streams);
    pumps.push_back(std::make_unique<StreamPump>(stubs[s].get(), options.method, &requests, share,
                                                 static_cast<uint64_t>(s) * 7919, options.window,
                                                 options.batch_size));
  }
  for (auto& pump : pumps) {
    const grpc::Status status = pump->Wait(&result);
    if (!status.ok()) {
      ++result.failed_streams;
      if (result.first_error.empty()) result.first_error = DescribeStatus(status);
    }
  }
  result.elapsed = absl::Now() - start;
  return result;
}

}  // namespace persona
