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
  size_t max_items_per_order = 1000;
  size_t max_events = 10000;
  size_t max_properties_per_event = 64;
  size_t max_life_events = 1000;
};

// Checks every field of a ScoreCustomerRequest against its rule (the table in
// request_rules.h): ranges, finite numbers, enum values this build knows, string and list
// lengths, timestamps, ids. Nothing that breaks a rule reaches a plugin. `now_unix_seconds` is
// the default as_of. Returns all violations, in field order; a valid request costs no
// allocation.
std::vector<FieldViolation> ValidateScoreRequest(const persona::v1::ScoreCustomerRequest& request,
                                                 int64_t now_unix_seconds,
                                                 const RequestLimits& limits);

// The two walks of the rule table ValidateScoreRequest makes, exposed so tests can hold each
// to every rule.
//
// The check: true when no rule is broken. Allocates nothing and stops at the first broken
// rule. May answer false for a valid request (more than 64 entries to compare for duplicates),
// never true for an invalid one.
bool PassesEveryRequestRule(const persona::v1::ScoreCustomerRequest& request,
                            int64_t now_unix_seconds, const RequestLimits& limits);

struct RequestRule;
struct RuleViolation {
  const RequestRule* rule;  // the kRequestRules entry that was broken
  FieldViolation violation;
};
// The wording: every broken rule, worded, in table order.
std::vector<RuleViolation> DescribeRequestViolations(
    const persona::v1::ScoreCustomerRequest& request, int64_t now_unix_seconds,
    const RequestLimits& limits);

}  // namespace persona
