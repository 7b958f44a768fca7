#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/time/time.h"
#include "persona/v1/persona_service.pb.h"
#include "service/catalog/serving_catalog.h"
#include "service/engine/segmenter_fault_observer.h"
#include "service/grpc/deadline_timer.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/shadow_scorer.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// Bounds on the bulk streams (ScoreCustomers and ScoreCustomerBatches), so one fast client cannot
// make the server hold unbounded work.
struct StreamLimits {
  // Responses scored but not yet written (the one being written included). The next request
  // is read only while fewer are pending, so a client that stops reading stalls its own
  // stream after this many, and HTTP/2 flow control then stops its writes.
  size_t max_pending_writes = 16;
  // Streams open at once; more are refused with RESOURCE_EXHAUSTED. 0 = no limit.
  size_t max_concurrent_streams = 0;
  // A stream that carries no deadline of its own ends with DEADLINE_EXCEEDED after this.
  // Zero or infinite = never.
  absl::Duration default_deadline = absl::Hours(1);
  // Records in one ScoreCustomerBatches message; every record of a larger batch is answered
  // with an error. Bounds what one batch makes the server hold.
  size_t max_batch_records = 1000;
};

// The flow-control decisions of one ScoreCustomers stream, kept apart from gRPC so they can
// be tested on their own. Responses live in a ring of `capacity` slots; at most one read and
// one write are outstanding (gRPC allows no more), and the stream finishes only after the
// client half-closed and every response was written. Not thread-safe: the reactor calls it
// under its mutex.
class StreamFlowControl {
 public:
  // What the caller must start after an event, outside its lock.
  struct Actions {
    bool start_read = false;
    bool start_write = false;
    size_t write_slot = 0;  // valid with start_write
    bool finish = false;
  };

  explicit StreamFlowControl(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  size_t capacity() const { return capacity_; }
  size_t pending() const { return pending_; }
  // The slot the response to the request being read goes into. Free whenever a read is
  // outstanding: a read is started only while a slot is free, and slots only free up since.
  size_t NextSlot() const { return (head_ + pending_) % capacity_; }

  // The request read was scored into NextSlot().
  Actions OnResponseReady();
  // The write of the oldest pending response completed.
  Actions OnWriteDone();
  // The client half-closed (a read completed without a message).
  Actions OnReadsDone();
  // The stream broke (a write failed or the call was cancelled): start nothing more, and
  // finish once (the caller's Finish, which gRPC needs to end the call).
  Actions OnBroken();

 private:
  const size_t capacity_;
  size_t head_ = 0;     // slot of the oldest pending response (being written)
  size_t pending_ = 0;  // responses scored, not yet written
  bool read_paused_ = false;
  bool reads_done_ = false;
  bool finished_ = false;
};

// One ScoreCustomers call: reads a request, scores it inline (the same ScoreOneCustomer as
// the unary RPC, against the snapshot current at that moment, so a reload mid-stream is
// picked up), queues the response and reads the next one while the queue has room. Each
// record gets exactly one response, in order, with `index` set; a rejected record gets its
// error in its own response and the stream goes on. Deletes itself when gRPC is done with it.
class ScoreCustomersReactor final
    : public grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest,
                                     persona::v1::ScoreCustomersResponse> {
 public:
  // `open_streams`, if set, counts live streams; this reactor decrements it when done.
  // `deadlines`, if set, enforces StreamLimits::default_deadline on streams without one.
  // `observer`, `fault_observer` and `shadow` (offered every scored record) may be null.
  ScoreCustomersReactor(grpc::CallbackServerContext* context, const ServingCatalog* catalog,
                        const RequestLimits& limits, const StreamLimits& stream_limits,
                        RpcObserver* observer, std::atomic<size_t>* open_streams,
                        DeadlineTimer* deadlines = nullptr,
                        SegmenterFaultObserver* fault_observer = nullptr,
                        ShadowScorer* shadow = nullptr);

  // Finishes immediately with `status` instead of reading (e.g. too many streams).
  void Refuse(const grpc::Status& status);
  // Starts reading requests.
  void Start();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // Scores request_ into `out` (cleared first), as the unary RPC would.
  void Score(persona::v1::ScoreCustomersResponse* out);
  void Apply(const StreamFlowControl::Actions& actions, const grpc::Status& finish_status);

  grpc::CallbackServerContext* const context_;
  const ServingCatalog* const catalog_;
  const RequestLimits limits_;
  RpcObserver* const observer_;
  SegmenterFaultObserver* const fault_observer_;
  ShadowScorer* const shadow_;
  std::atomic<size_t>* const open_streams_;
  const absl::Time start_;
  const absl::Duration default_deadline_;
  DeadlineTimer* const deadlines_;
  DeadlineTimer::Id deadline_timer_ = 0;  // 0 = none scheduled
  // Set by the timer thread when it ended the call for the default deadline.
  std::atomic<bool> default_deadline_expired_{false};

  // Only touched by the one outstanding read and the scoring after it.
  persona::v1::ScoreCustomerRequest request_;
  uint64_t next_index_ = 0;
  // Ring of reusable responses (their allocations are kept between records).
  std::vector<persona::v1::ScoreCustomersResponse> slots_;

  // std::mutex, not absl::Mutex: Debian's Abseil is built with deadlock detection on, which
  // costs a graph lookup per lock, and this lock is taken three times per record.
  std::mutex mu_;
  StreamFlowControl flow_;                              // guarded by mu_
  grpc::StatusCode final_code_ = grpc::StatusCode::OK;  // guarded by mu_
};

}  // namespace persona
