#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace persona {

struct StreamLoadOptions {
  std::string target = "127.0.0.1:50051";
  std::string lb_policy;
  // Full path of a bidirectional streaming method answering one message per request, in
  // order (ScoreCustomers, or the echo baseline's EchoStream).
  std::string method = "/persona.v1.PersonaScoring/ScoreCustomers";
  std::vector<std::string> requests;  // serialized requests, sent in turn
  uint64_t count = 100000;            // requests in total, split over the streams
  int streams = 1;                    // parallel streams, one connection each
  size_t window = 256;                // unanswered messages per stream, at most
  // 0: one request per message. Otherwise the method is ScoreCustomerBatches (or answers
  // like it): requests go `batch_size` to a message, `count` is rounded up to whole batches,
  // and every record's entry in the answers is counted.
  size_t batch_size = 0;
};

struct StreamLoadResult {
  uint64_t sent = 0;      // records
  uint64_t scored = 0;    // answered without error_code
  uint64_t rejected = 0;  // answered with an error_code
  uint64_t failed_streams = 0;
  std::string first_error;  // of a failed stream
  absl::Duration elapsed;
  double per_second() const {
    const double s = absl::ToDoubleSeconds(elapsed);
    return s > 0 ? static_cast<double>(scored + rejected) / s : 0.0;
  }
};

// Bulk throughput: pushes `count` pre-serialized requests through the streams as fast as
// their windows allow (writes are chained from completions on gRPC's threads; nothing is
// parsed but each answer's error_code) and counts the answers, per record.
StreamLoadResult RunStreamLoad(const StreamLoadOptions& options);

}  // namespace persona
