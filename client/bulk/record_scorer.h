#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <vector>

#include "persona/v1/persona_service.pb.h"

namespace persona {

// Sends customer records to the server over one bulk stream and hands back each record's
// answer, in send order: StreamScorer (ScoreCustomers, one message per record) or
// BatchStreamScorer (ScoreCustomerBatches, many records per message). ScoreFile works with
// either.
class RecordScorer {
 public:
  virtual ~RecordScorer() = default;

  // Queues `request` for sending, waiting for room in the window. False when the stream has
  // ended early (the request was not sent; Finish says why).
  virtual bool Send(persona::v1::ScoreCustomerRequest request, uint64_t tag) = 0;

  // Half-closes, waits for every outstanding answer and the end of the call, and returns
  // its status. Tags queued but never answered go to `unanswered`, in order.
  virtual grpc::Status Finish(std::vector<uint64_t>* unanswered) = 0;
};

}  // namespace persona
