#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/text/customer_reader.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {

struct ScoreFileOptions {
  std::string input;
  CustomerFormat format = CustomerFormat::kJsonl;
  // Copied into every request.
  uint32_t top_k = 0;
  bool explain = false;
  std::vector<std::string> persona_ids;
  std::optional<int64_t> as_of_unix_seconds;
  // Requests sent and not yet answered, at most. With batches, rounded up to whole batches,
  // and at least two batches (one answered while the next is scored).
  size_t window = 256;
  // Records per ScoreCustomerBatches message (a batch is also sent at 1 MiB). 1 (or 0) sends
  // one ScoreCustomers message per record instead. Either way every record gets the same
  // answer and the sink sees the same calls in the same order.
  size_t batch_size = 256;
  // Draw a progress bar (only ever on a terminal).
  bool progress = false;
};

// A record that got no score: unreadable locally, refused by the server, or never answered.
struct RejectedRecord {
  int64_t line = 0;     // 1-based line in the input where the record starts
  uint64_t record = 0;  // 0-based position among the input's records
  std::string customer_id;
  std::string code;  // "INVALID_ARGUMENT", "PARSE_ERROR", …
  std::string reason;
};

// Receives every record's outcome, exactly once each. Calls are serialised (never two at a
// time) but may come from different threads. Scored records arrive in input order.
class ScoreFileSink {
 public:
  virtual ~ScoreFileSink() = default;
  virtual void OnScored(int64_t line, uint64_t record,
                        const persona::v1::ScoreCustomerResponse& result) = 0;
  virtual void OnRejected(const RejectedRecord& rejected) = 0;
};

struct ScoreFileSummary {
  uint64_t records = 0;  // == scored + rejected, always
  uint64_t scored = 0;
  uint64_t rejected = 0;
  grpc::Status stream_status;  // why the stream ended early, if it did
  absl::Duration elapsed;
};

// Scores every customer of a file through one ScoreCustomerBatches stream (or ScoreCustomers,
// with batch_size 1) and tells `sink` what
// became of each record. Every input record is either scored or rejected: when the stream
// breaks, what it left unanswered and everything after is rejected with the reason. An error
// status means nothing was scored (the input could not be opened).
absl::StatusOr<ScoreFileSummary> ScoreFile(persona::v1::PersonaScoring::Stub& stub,
                                           const ScoreFileOptions& options, ScoreFileSink& sink);

}  // namespace persona
