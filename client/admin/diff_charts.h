#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

// What `persona-cli diff` draws beyond the shadow report's numbers: where each customer's
// best persona goes (live top → candidate top) and how scores move. Memory grows with the
// pairs of personas that occur, never with the customers.
struct DiffChartData {
  // (live top persona, candidate top persona, customers); "" = no persona. Count desc, then
  // the ids.
  struct Flow {
    std::string live;
    std::string candidate;
    uint64_t customers = 0;
  };
  std::vector<Flow> flows;
  // Signed score changes (candidate − live; a side not matching the persona counts as 0)
  // over (customer, persona) pairs matched on either side, in 20 bins of 0.1 from −1 to 1
  // (bin i: [−1 + i/10, −0.9 + i/10); +1 goes in the last). Changes under 1e-9 in size are
  // counted in `unchanged` instead, so the bars show what moved.
  std::array<uint64_t, 20> score_change_bins{};
  uint64_t unchanged = 0;
};

class DiffChartBuilder {
 public:
  void Add(const persona::v1::ScoreCustomerResponse& live,
           const persona::v1::ScoreCustomerResponse& candidate);
  DiffChartData Build() const;

 private:
  absl::flat_hash_map<std::pair<std::string, std::string>, uint64_t> flows_;
  DiffChartData data_;
  absl::flat_hash_map<absl::string_view, double> scratch_;  // candidate scores of one customer
};

}  // namespace persona
