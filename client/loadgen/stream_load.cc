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
  StreamPump(grpc::GenericStub* stub, const std::string& method,
             const std::vector<grpc::ByteBuffer>* requests, uint64_t count, uint64_t offset,
             size_t window)
      : requests_(requests), count_(count), offset_(offset), window_(std::max<size_t>(1, window)) {
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
    persona::v1::ScoreCustomersResponse parsed;
    const bool rejected =
        grpc::SerializationTraits<persona::v1::ScoreCustomersResponse>::Deserialize(&response_,
                                                                                    &parsed)
            .ok() &&
        parsed.error_code() != 0;
    Next next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++(rejected ? rejected_ : scored_);
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
    result->sent += sent_;
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
    if (sent_ - scored_ - rejected_ >= window_) return next;  // an answer will call again
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
  grpc::ClientContext context_;
  grpc::ByteBuffer response_;

  std::mutex mu_;
  std::condition_variable done_cv_;
  uint64_t sent_ = 0, scored_ = 0, rejected_ = 0;  // guarded by mu_
  bool writing_ = false, broken_ = false, half_closed_ = false, done_ = false;
  grpc::Status status_;
};

}  // namespace

StreamLoadResult RunStreamLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  if (options.requests.empty() || options.count == 0) return result;
  std::vector<grpc::ByteBuffer> requests;
  for (const std::string& bytes : options.requests) {
    grpc::Slice slice(bytes);
    requests.emplace_back(&slice, 1);
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
    const uint64_t share =
        options.count / streams + (static_cast<uint64_t>(s) < options.count % streams);
    pumps.push_back(std::make_unique<StreamPump>(stubs[s].get(), options.method, &requests, share,
                                                 static_cast<uint64_t>(s) * 7919, options.window));
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
