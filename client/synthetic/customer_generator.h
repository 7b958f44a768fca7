#pragma once

#include <cstdint>

#include "client/synthetic/rng.h"
#include "persona/v1/customer.pb.h"

namespace persona {
namespace synthetic {

// A reproducible synthetic customer base: the same seed gives the same customers in the same
// order, and the first N customers do not depend on how many are asked for. Customers are
// drawn from six archetypes: the five default personas' kinds (budget buyer, young working
// mother, loyal champion, high-value customer at risk, urban trendsetter) and a uniformly
// random one, with ~8% of each field group left out (every field is optional).
// Behaviour is an RFM summary (no order list), which keeps scoring independent of the date.
// The customer model's later fields (birth date, signup time, satisfaction, digital presence)
// come from a second stream of the same seed, so adding them left every earlier field of
// every customer as it was. Their dates lie before `dates_before_unix_seconds` (default
// 2025-01-01T00:00:00Z): pass the as_of the customers will be scored at when it is earlier.
// Only what a CSV row can hold is generated (no platform last_seen).
class CustomerGenerator {
 public:
  static constexpr int64_t kDefaultDatesBefore = 1735689600;

  explicit CustomerGenerator(uint64_t seed, int64_t dates_before_unix_seconds = kDefaultDatesBefore)
      : rng_(seed),
        v2_rng_(seed ^ 0x5632000000000000ULL),
        dates_before_(dates_before_unix_seconds) {}

  // The next customer ("cust-00000001", "cust-00000002", …) into `customer` (cleared first).
  void Next(persona::v1::Customer* customer);

 private:
  Rng rng_;
  Rng v2_rng_;
  int64_t dates_before_;
  uint64_t index_ = 0;
};

}  // namespace synthetic
}  // namespace persona
