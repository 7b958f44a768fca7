#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persona/v1/persona_service.pb.h"

namespace persona {

struct FieldViolation {
  std::string field;        // "customer.demographics.age"
  std::string description;  // "must be between 0 and 130, got 200"
};

// Bounds on what one request may carry, so one caller cannot make the server do unbounded
// work. Defaults are the server's flag defaults.
struct RequestLimits {
  size_t max_orders = 10000;
  size_t max_tags = 256;  // per tag list, and interests
  size_t max_attributes = 128;
  size_t max_persona_ids = 1000;
  uint32_t max_top_k = 10000;
};

// Checks every field of a ScoreCustomerRequest against its rule: ranges, finite
// numbers, enum values this build knows, string and list lengths, timestamps, ids. Nothing
// that breaks a rule reaches a plugin. `now_unix_seconds` is the default as_of. Returns all
// violations, in field order.
std::vector<FieldViolation> ValidateScoreRequest(const persona::v1::ScoreCustomerRequest& request,
                                                 int64_t now_unix_seconds,
                                                 const RequestLimits& limits);

}  // namespace persona
