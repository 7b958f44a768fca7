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

// One ScoreCustomerBatches stream: Send collects records into a batch and sends it when it
// holds `batch_size` records or kMaxBatchBytes, Finish sends the last, partial one. At most
// `window_batches` batches are unanswered (Send blocks meanwhile), so a big file never piles
// up in memory on either side. Each record's answer is handed to the callback on its own, in
// send order, exactly as StreamScorer does, so callers cannot tell the two apart.
class BatchStreamScorer final
    : public RecordScorer,
      public grpc::ClientBidiReactor<persona::v1::ScoreCustomerBatch,
                                     persona::v1::ScoreCustomerBatchResult> {
 public:
  // A batch is sent once its records reach this many bytes, whatever batch_size says: far
  // below the server's default message limit (--max_receive_message_bytes, 4 MiB), which a
  // batch of large customers would otherwise pass, failing the whole stream.
  static constexpr size_t kMaxBatchBytes = size_t{1} << 20;

  // Called for every record's answer, in send order, on a gRPC thread (one at a time).
  using ResponseFn =
      std::function<void(uint64_t tag, const persona::v1::ScoreCustomersResponse& response)>;

  BatchStreamScorer(persona::v1::PersonaScoring::Stub* stub, size_t batch_size,
                    size_t window_batches, ResponseFn on_response);
  BatchStreamScorer(const BatchStreamScorer&) = delete;
  BatchStreamScorer& operator=(const BatchStreamScorer&) = delete;
  ~BatchStreamScorer() override;  // cancels the stream if Finish was not called

  bool Send(persona::v1::ScoreCustomerRequest request, uint64_t tag) override;
  grpc::Status Finish(std::vector<uint64_t>* unanswered) override;

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  // Hands the batch being built to the stream, waiting for room in the window. False when
  // the stream has ended (the batch stays unsent).
  bool SendBatch();

  const size_t batch_size_;
  const size_t window_batches_;
  const ResponseFn on_response_;
  grpc::ClientContext context_;

  // The batch being built; only touched by the caller's thread (Send, Finish).
  persona::v1::ScoreCustomerBatch building_;
  std::vector<uint64_t> building_tags_;
  size_t building_bytes_ = 0;

  // Only touched by reads.
  persona::v1::ScoreCustomerBatchResult result_;  // the one outstanding read
  uint64_t expected_index_ = 0;
  std::vector<uint64_t> answered_tags_;

  // std::mutex for StreamScorer's reason: the waiter may destroy this object as soon as it
  // gets the lock back after OnDone.
  std::mutex mu_;
  std::condition_variable changed_;  // room in the window, or the call ended
  // Guarded by mu_. Batches accepted and not yet written; the front one is being written
  // when writing_.
  std::deque<persona::v1::ScoreCustomerBatch> to_write_;
  bool writing_ = false;
  bool writes_done_wanted_ = false;
  bool writes_done_started_ = false;
  std::deque<uint64_t> unanswered_;      // tags of the records of unanswered batches
  std::deque<size_t> unanswered_sizes_;  // records per unanswered batch
  bool broken_ = false;
  bool holding_ = true;
  bool done_ = false;
  grpc::Status status_;
  grpc::Status local_error_;  // e.g. an answer that does not fit its batch
};

}  // namespace persona
