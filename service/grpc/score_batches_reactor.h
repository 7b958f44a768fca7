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
#include "service/grpc/score_customers_reactor.h"
#include "service/grpc/shadow_scorer.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// Batch results a ScoreCustomerBatches stream holds scored but not yet written, at most (or
// --stream_max_pending_writes if lower). A result carries up to --max_batch_records answers:
// two keep one being written while the next is scored, four absorb uneven batches, and a
// client that stops reading makes the server hold no more than this many batches' answers.
inline constexpr size_t kMaxPendingBatchResults = 4;

// One ScoreCustomerBatches call: the ScoreCustomers stream (ScoreCustomersReactor) with a
// batch of records per message. Reads a batch, scores every record inline through the same
// ScoreOneCustomer as the unary RPC (against one snapshot per batch, taken when the batch is
// scored), queues the batch's result and reads the next batch while the queue has room
// (StreamFlowControl, counting batch results). Every record gets exactly one entry, in order,
// with `index` counting records over the stream; a rejected record is its own entry and the
// batch goes on. A batch over StreamLimits::max_batch_records is not scored: each of its
// records gets an INVALID_ARGUMENT entry and the stream goes on. Deletes itself when gRPC is
// done with it.
class ScoreBatchesReactor final
    : public grpc::ServerBidiReactor<persona::v1::ScoreCustomerBatch,
                                     persona::v1::ScoreCustomerBatchResult> {
 public:
  // As ScoreCustomersReactor: `open_streams` (shared with ScoreCustomers, so both count
  // against --max_score_streams), `deadlines`, `observer`, `fault_observer` and `shadow` may be
  // null.
  ScoreBatchesReactor(grpc::CallbackServerContext* context, const ServingCatalog* catalog,
                      const RequestLimits& limits, const StreamLimits& stream_limits,
                      RpcObserver* observer, std::atomic<size_t>* open_streams,
                      DeadlineTimer* deadlines = nullptr,
                      SegmenterFaultObserver* fault_observer = nullptr,
                      ShadowScorer* shadow = nullptr);

  // Finishes immediately with `status` instead of reading (e.g. too many streams).
  void Refuse(const grpc::Status& status);
  // Starts reading batches.
  void Start();

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // Scores batch_ into `out`, reusing its entries.
  void Score(persona::v1::ScoreCustomerBatchResult* out);
  void Apply(const StreamFlowControl::Actions& actions, const grpc::Status& finish_status);

  grpc::CallbackServerContext* const context_;
  const ServingCatalog* const catalog_;
  const RequestLimits limits_;
  const size_t max_batch_records_;
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
  persona::v1::ScoreCustomerBatch batch_;
  uint64_t next_index_ = 0;
  // Ring of reusable batch results (their entries and allocations are kept between batches).
  std::vector<persona::v1::ScoreCustomerBatchResult> slots_;

  // std::mutex for the reason ScoreCustomersReactor gives (taken three times per batch).
  std::mutex mu_;
  StreamFlowControl flow_;                              // guarded by mu_
  grpc::StatusCode final_code_ = grpc::StatusCode::OK;  // guarded by mu_
};

}  // namespace persona
