#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "client/bulk/record_scorer.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {

// One ScoreCustomers stream with at most `window` requests unanswered: Send blocks while the
// window is full, so a big file never piles up in memory on either side. Built on the gRPC
// callback API: writes are chained from write completions and responses are handled where
// they arrive, so a record costs no extra thread hand-off in this process.
class StreamScorer final : public RecordScorer,
                           public grpc::ClientBidiReactor<persona::v1::ScoreCustomerRequest,
                                                          persona::v1::ScoreCustomersResponse> {
 public:
  // Called for every response, in request order, on a gRPC thread (one at a time).
  using ResponseFn =
      std::function<void(uint64_t tag, const persona::v1::ScoreCustomersResponse& response)>;

  StreamScorer(persona::v1::PersonaScoring::Stub* stub, size_t window, ResponseFn on_response);
  StreamScorer(const StreamScorer&) = delete;
  StreamScorer& operator=(const StreamScorer&) = delete;
  ~StreamScorer() override;  // cancels the stream if Finish was not called

  // Queues `request` for sending, waiting for room in the window. False when the stream has
  // ended early (the request was not sent; Finish says why).
  bool Send(persona::v1::ScoreCustomerRequest request, uint64_t tag) override;

  // Half-closes, waits for every outstanding response and the end of the call, and returns
  // its status. Tags sent but never answered go to `unanswered`, in order.
  grpc::Status Finish(std::vector<uint64_t>* unanswered) override;

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  const size_t window_;
  const ResponseFn on_response_;
  grpc::ClientContext context_;
  persona::v1::ScoreCustomersResponse response_;  // the one outstanding read
  uint64_t expected_index_ = 0;                   // only touched by reads

  // std::mutex rather than absl::Mutex: OnDone notifies under the lock, and the waiter may
  // destroy this object as soon as it gets the lock back (safe for std::mutex).
  std::mutex mu_;
  std::condition_variable changed_;  // room in the window, or the call ended
  // Guarded by mu_. Requests accepted and not yet written; the front one is being written
  // when writing_.
  std::deque<persona::v1::ScoreCustomerRequest> to_write_;
  bool writing_ = false;
  bool writes_done_wanted_ = false;  // half-close once writes drain
  bool writes_done_started_ = false;
  std::deque<uint64_t> unanswered_;
  bool broken_ = false;  // reads or a write ended: send nothing more
  bool holding_ = true;  // the hold that keeps OnDone for Finish
  bool done_ = false;
  grpc::Status status_;
  grpc::Status local_error_;  // e.g. an answer out of order
};

}  // namespace persona
