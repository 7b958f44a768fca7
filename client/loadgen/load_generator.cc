#include "client/loadgen/load_generator.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "client/persona_client.h"

namespace persona {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Calls in flight and what they came back with. Callbacks run on gRPC's threads.
class Runner {
 public:
  Runner(const LoadOptions& options, LatencyHistogram* latency, int channels)
      : options_(options), latency_(latency) {
    for (const std::string& bytes : options.requests) {
      grpc::Slice slice(bytes);
      requests_.emplace_back(&slice, 1);
    }
    for (int i = 0; i < channels; ++i) {
      // Private connections: each channel is its own HTTP/2 connection (its own server
      // thread), as separate client processes would be.
      auto channel = MakeChannel(options.target, options.lb_policy, /*private_connection=*/true);
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  // Starts call number `sequence` as if scheduled at `scheduled_nanos`. With `chain`, its
  // completion starts the next call on the same lane while the run lasts (closed loop).
  void Start(uint64_t sequence, int64_t scheduled_nanos, bool chain) {
    auto* call = new Call;
    call->scheduled = scheduled_nanos;
    call->sequence = sequence;
    call->chain = chain;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(options_.timeout));
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++outstanding_;
    }
    started_.fetch_add(1, std::memory_order_relaxed);
    stubs_[sequence % stubs_.size()]->UnaryCall(
        &call->context, options_.method, grpc::StubOptions(),
        &requests_[sequence % requests_.size()], &call->response,
        [this, call](grpc::Status status) { Done(call, status); });
  }

  void set_recording(bool recording) { recording_.store(recording); }
  void set_chaining(bool chaining) { chaining_.store(chaining); }

  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return outstanding_ == 0; });
  }

  int64_t last_completion() const { return last_completion_.load(); }
  void Collect(LoadResult* result) {
    result->started = started_.load();
    for (size_t c = 0; c < result->by_code.size(); ++c) result->by_code[c] = by_code_[c].load();
    for (const auto& n : by_code_) result->completed += n.load();
  }
  void ResetCounts() {
    started_.store(0);
    for (auto& n : by_code_) n.store(0);
  }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    int64_t scheduled;
    uint64_t sequence;
    bool chain;
  };

  void Done(Call* call, const grpc::Status& status) {
    const int64_t now = NowNanos();
    if (recording_.load(std::memory_order_relaxed)) {
      latency_->Record(now - call->scheduled);
      const int code = std::clamp(static_cast<int>(status.error_code()), 0, 16);
      by_code_[code].fetch_add(1, std::memory_order_relaxed);
      int64_t last = last_completion_.load(std::memory_order_relaxed);
      while (now > last &&
             !last_completion_.compare_exchange_weak(last, now, std::memory_order_relaxed)) {
      }
    }
    if (call->chain && chaining_.load(std::memory_order_relaxed)) {
      Start(call->sequence + stubs_.size(), NowNanos(), true);
    }
    delete call;
    // Notified under the lock: WaitIdle cannot return (and the runner cannot be destroyed)
    // until this thread has let go of it.
    std::lock_guard<std::mutex> lock(mu_);
    if (--outstanding_ == 0) idle_.notify_all();
  }

  const LoadOptions& options_;
  LatencyHistogram* const latency_;
  std::vector<grpc::ByteBuffer> requests_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<bool> recording_{false};
  std::atomic<bool> chaining_{true};
  std::atomic<uint64_t> started_{0};
  std::array<std::atomic<uint64_t>, 17> by_code_{};
  std::atomic<int64_t> last_completion_{0};
  std::mutex mu_;
  std::condition_variable idle_;
  int64_t outstanding_ = 0;  // guarded by mu_
};

void ClosedLoop(Runner& runner, int concurrency, absl::Duration duration) {
  runner.set_chaining(true);
  for (int i = 0; i < concurrency; ++i) runner.Start(static_cast<uint64_t>(i), NowNanos(), true);
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(duration));
  runner.set_chaining(false);
  runner.WaitIdle();
}

}  // namespace

double LoadResult::throughput() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(ok()) / seconds : 0.0;
}

LoadResult RunLoad(const LoadOptions& options, LatencyHistogram* latency) {
  const int concurrency = std::max(1, options.concurrency);
  const int connections = options.closed_loop ? (options.connections > 0 ? options.connections
                                                                         : std::min(concurrency, 8))
                                              : concurrency;
  Runner runner(options, latency, connections);
  LoadResult result;
  if (options.requests.empty()) return result;

  if (options.warmup > absl::ZeroDuration()) {
    ClosedLoop(runner, connections, options.warmup);
    runner.ResetCounts();
  }
  runner.set_recording(true);
  const int64_t start = NowNanos();
  if (options.closed_loop) {
    ClosedLoop(runner, concurrency, options.duration);
  } else {
    // The schedule: call i starts at start + i/rate. The thread sleeps until the next start
    // is due and then starts every call that is due, so a late wake-up delays calls (and
    // shows in their latency) but never drops them.
    const double interval = 1e9 / std::max(options.rate, 1e-3);
    const int64_t end = start + absl::ToInt64Nanoseconds(options.duration);
    int64_t max_lag = 0;
    for (uint64_t i = 0;; ++i) {
      const int64_t due = start + static_cast<int64_t>(static_cast<double>(i) * interval);
      if (due >= end) break;
      int64_t now = NowNanos();
      if (due > now) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
        now = NowNanos();
      }
      max_lag = std::max(max_lag, now - due);
      runner.Start(i, due, /*chain=*/false);
    }
    runner.WaitIdle();
    result.max_start_lag = absl::Nanoseconds(max_lag);
  }
  runner.Collect(&result);
  result.elapsed = absl::Nanoseconds(std::max(runner.last_completion(), start + 1) - start);
  return result;
}

}  // namespace persona
