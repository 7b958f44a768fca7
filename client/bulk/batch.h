#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "client/bulk/result_writer.h"
#include "client/bulk/score_file.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {

struct BatchOptions {
  ScoreFileOptions score;
  std::string output;  // scored customers
  ResultFormat output_format = ResultFormat::kJsonl;
  std::string errors;  // rejected records (JSON Lines); always written, empty when none
};

// persona-cli batch: scores a customer file through ScoreCustomerBatches (or ScoreCustomers,
// with batch_size 1), writing one output line per scored customer and one errors line per
// rejected record, so that output lines + error lines == input records. An error status means
// a local problem (input unreadable, output unwritable); rejected records are counted in the
// summary.
absl::StatusOr<ScoreFileSummary> RunBatch(persona::v1::PersonaScoring::Stub& stub,
                                          const BatchOptions& options);

}  // namespace persona
