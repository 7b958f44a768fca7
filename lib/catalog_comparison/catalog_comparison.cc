#include "catalog_comparison/catalog_comparison.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace persona {
namespace {

constexpr size_t kMaxVersions = 8;  // distinct versions listed per side; more are not named

double Rate(uint64_t count, uint64_t compared) {
  return compared == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(compared);
}

uint64_t AbsDifference(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

bool Earlier(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() < b.seconds() : a.nanos() < b.nanos();
}

}  // namespace

CatalogComparison::CatalogComparison(size_t examples_per_change)
    : examples_(examples_per_change == 0 ? kDefaultExamples : examples_per_change) {}

size_t CatalogComparison::RowOf(absl::string_view persona_id) {
  auto it = index_.find(persona_id);
  if (it != index_.end()) return it->second;
  const size_t row = rows_.size();
  rows_.emplace_back();
  rows_.back().persona_id = std::string(persona_id);
  index_.emplace(std::string(persona_id), row);
  live_score_.push_back(-1);
  candidate_score_.push_back(-1);
  return row;
}

void CatalogComparison::SetCatalogs(const std::vector<std::string>& live_persona_ids,
                                    const std::vector<std::string>& candidate_persona_ids) {
  const absl::flat_hash_set<std::string> live(live_persona_ids.begin(), live_persona_ids.end());
  const absl::flat_hash_set<std::string> candidate(candidate_persona_ids.begin(),
                                                   candidate_persona_ids.end());
  for (const std::string& id : live_persona_ids) {
    rows_[RowOf(id)].only_live = !candidate.contains(id);
  }
  for (const std::string& id : candidate_persona_ids) {
    rows_[RowOf(id)].only_candidate = !live.contains(id);
  }
}

void CatalogComparison::AddExample(absl::string_view customer_id,
                                   std::vector<std::string>* examples) const {
  // A customer without an id is counted, but there is nothing to show as an example.
  if (customer_id.empty() || examples->size() >= examples_) return;
  if (std::find(examples->begin(), examples->end(), customer_id) != examples->end()) return;
  examples->emplace_back(customer_id);
}

void CatalogComparison::MergeVersion(const std::string& version, std::string* into) {
  // The usual case, once per Add: the same single version again.
  if (version.empty() || version == *into) return;
  std::vector<std::string> seen;
  if (!into->empty()) seen = absl::StrSplit(*into, ", ");
  for (absl::string_view known : absl::StrSplit(version, ", ")) {
    if (seen.size() >= kMaxVersions) break;
    if (std::find(seen.begin(), seen.end(), known) == seen.end()) seen.emplace_back(known);
  }
  *into = absl::StrJoin(seen, ", ");
}

void CatalogComparison::Add(absl::string_view customer_id,
                            const persona::v1::ScoreCustomerResponse& live,
                            const persona::v1::ScoreCustomerResponse& candidate) {
  ++compared_;
  MergeVersion(live.catalog_version(), &live_version_);
  MergeVersion(candidate.catalog_version(), &candidate_version_);
  const std::string no_persona;
  const std::string& live_top = live.matches().empty() ? no_persona : live.matches(0).persona_id();
  const std::string& candidate_top =
      candidate.matches().empty() ? no_persona : candidate.matches(0).persona_id();
  if (live_top == candidate_top) ++top1_agreements_;

  // A persona listed twice on one side counts once, with its first (highest) score.
  for (const auto& match : live.matches()) {
    const size_t row = RowOf(match.persona_id());
    if (live_score_[row] >= 0) continue;
    live_score_[row] = std::max(0.0, match.score());
    if (candidate_score_[row] < 0) touched_.push_back(row);
  }
  for (const auto& match : candidate.matches()) {
    const size_t row = RowOf(match.persona_id());
    if (candidate_score_[row] >= 0) continue;
    candidate_score_[row] = std::max(0.0, match.score());
    if (live_score_[row] < 0) touched_.push_back(row);
  }
  for (const size_t index : touched_) {
    Row& row = rows_[index];
    const bool in_live = live_score_[index] >= 0;
    const bool in_candidate = candidate_score_[index] >= 0;
    if (in_live) ++row.live_matches;
    if (in_candidate) ++row.candidate_matches;
    if (in_candidate && !in_live) {
      ++row.entered;
      AddExample(customer_id, &row.entered_examples);
    }
    if (in_live && !in_candidate) {
      ++row.left;
      AddExample(customer_id, &row.left_examples);
    }
    // The side that did not match the persona counts as score 0.
    ++row.either;
    row.abs_change_sum += std::fabs((in_candidate ? candidate_score_[index] : 0.0) -
                                    (in_live ? live_score_[index] : 0.0));
    live_score_[index] = -1;
    candidate_score_[index] = -1;
  }
  touched_.clear();
}

void CatalogComparison::Merge(const persona::v1::GetShadowReportResponse& other) {
  compared_ += other.compared();
  dropped_ += other.dropped();
  failed_ += other.failed();
  top1_agreements_ += other.top1_agreements();
  MergeVersion(other.live_version(), &live_version_);
  MergeVersion(other.candidate_version(), &candidate_version_);
  if (other.staged() && !staged_) shadow_sample_rate_ = other.shadow_sample_rate();
  staged_ = staged_ || other.staged();
  if (other.has_staged_at() && (!has_staged_at_ || Earlier(other.staged_at(), staged_at_))) {
    staged_at_ = other.staged_at();
    has_staged_at_ = true;
  }
  for (const auto& theirs : other.personas()) {
    Row& row = rows_[RowOf(theirs.persona_id())];
    row.live_matches += theirs.live_matches();
    row.candidate_matches += theirs.candidate_matches();
    row.entered += theirs.entered();
    row.left += theirs.left();
    // Requests where either side matched = live matches + those that entered.
    const uint64_t either = theirs.live_matches() + theirs.entered();
    row.either += either;
    row.abs_change_sum += theirs.mean_abs_score_change() * static_cast<double>(either);
    for (const std::string& id : theirs.entered_examples()) AddExample(id, &row.entered_examples);
    for (const std::string& id : theirs.left_examples()) AddExample(id, &row.left_examples);
    row.only_live = row.only_live || theirs.only_live();
    row.only_candidate = row.only_candidate || theirs.only_candidate();
  }
}

persona::v1::GetShadowReportResponse CatalogComparison::Report() const {
  persona::v1::GetShadowReportResponse report;
  report.set_staged(staged_);
  report.set_live_version(live_version_);
  report.set_candidate_version(candidate_version_);
  report.set_shadow_sample_rate(shadow_sample_rate_);
  if (has_staged_at_) *report.mutable_staged_at() = staged_at_;
  report.set_compared(compared_);
  report.set_dropped(dropped_);
  report.set_failed(failed_);
  report.set_top1_agreements(top1_agreements_);
  report.set_top1_agreement(Rate(top1_agreements_, compared_));

  std::vector<const Row*> order;
  order.reserve(rows_.size());
  for (const Row& row : rows_) order.push_back(&row);
  std::sort(order.begin(), order.end(), [](const Row* a, const Row* b) {
    const uint64_t net_a = AbsDifference(a->entered, a->left);
    const uint64_t net_b = AbsDifference(b->entered, b->left);
    if (net_a != net_b) return net_a > net_b;
    return a->persona_id < b->persona_id;
  });
  for (const Row* row : order) {
    persona::v1::PersonaShadowRow* out = report.add_personas();
    out->set_persona_id(row->persona_id);
    out->set_live_matches(row->live_matches);
    out->set_candidate_matches(row->candidate_matches);
    out->set_live_match_rate(Rate(row->live_matches, compared_));
    out->set_candidate_match_rate(Rate(row->candidate_matches, compared_));
    out->set_entered(row->entered);
    out->set_left(row->left);
    out->set_mean_abs_score_change(
        row->either == 0 ? 0.0 : row->abs_change_sum / static_cast<double>(row->either));
    for (const std::string& id : row->entered_examples) out->add_entered_examples(id);
    for (const std::string& id : row->left_examples) out->add_left_examples(id);
    out->set_only_live(row->only_live);
    out->set_only_candidate(row->only_candidate);
  }
  return report;
}

}  // namespace persona
