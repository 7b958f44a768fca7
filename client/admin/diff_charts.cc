#include "client/admin/diff_charts.h"

#include <algorithm>
#include <cmath>

namespace persona {
namespace {

void Count(double change, DiffChartData* data) {
  if (std::fabs(change) < 1e-9) {
    ++data->unchanged;
    return;
  }
  const int bin = static_cast<int>(std::floor((std::clamp(change, -1.0, 1.0) + 1.0) * 10.0));
  ++data->score_change_bins[static_cast<size_t>(std::clamp(bin, 0, 19))];
}

}  // namespace

void DiffChartBuilder::Add(const persona::v1::ScoreCustomerResponse& live,
                           const persona::v1::ScoreCustomerResponse& candidate) {
  std::pair<std::string, std::string> key(
      live.matches().empty() ? std::string() : live.matches(0).persona_id(),
      candidate.matches().empty() ? std::string() : candidate.matches(0).persona_id());
  ++flows_[std::move(key)];

  scratch_.clear();
  for (const auto& match : candidate.matches()) scratch_.emplace(match.persona_id(), match.score());
  for (const auto& match : live.matches()) {
    auto it = scratch_.find(match.persona_id());
    if (it == scratch_.end()) {
      Count(-match.score(), &data_);
      scratch_.emplace(match.persona_id(), -1.0);  // a second listing counts no more
      continue;
    }
    if (it->second < 0) continue;  // counted already
    Count(it->second - match.score(), &data_);
    it->second = -1;
  }
  for (const auto& match : candidate.matches()) {
    auto it = scratch_.find(match.persona_id());
    if (it->second < 0) continue;  // compared above, or listed twice
    Count(match.score(), &data_);
    it->second = -1;
  }
}

DiffChartData DiffChartBuilder::Build() const {
  DiffChartData data = data_;
  for (const auto& [key, customers] : flows_) {
    data.flows.push_back(DiffChartData::Flow{key.first, key.second, customers});
  }
  std::sort(data.flows.begin(), data.flows.end(), [](const auto& a, const auto& b) {
    if (a.customers != b.customers) return a.customers > b.customers;
    if (a.live != b.live) return a.live < b.live;
    return a.candidate < b.candidate;
  });
  return data;
}

}  // namespace persona
