#include "client/bulk/report.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/bulk/progress_bar.h"
#include "client/text/json_writer.h"

namespace persona {

ReportBuilder::ReportBuilder(const std::vector<std::pair<std::string, std::string>>& personas) {
  for (const auto& [id, name] : personas) IndexOf(id, name);
}

uint32_t ReportBuilder::IndexOf(const std::string& id, const std::string& display_name) {
  const auto [it, inserted] = index_.try_emplace(id, static_cast<uint32_t>(rows_.size()));
  if (inserted) {
    PersonaSummaryRow row;
    row.id = id;
    row.display_name = display_name;
    rows_.push_back(std::move(row));
  }
  return it->second;
}

void ReportBuilder::OnScored(int64_t, uint64_t, const persona::v1::ScoreCustomerResponse& result) {
  ++scored_;
  if (versions_.empty() || versions_.back() != result.catalog_version()) {
    if (std::find(versions_.begin(), versions_.end(), result.catalog_version()) ==
        versions_.end()) {
      versions_.push_back(result.catalog_version());
    }
  }
  labels_.Add(result.labels());
  if (result.matches().empty()) {
    ++unmatched_;
    return;
  }
  matched_.clear();
  for (const persona::v1::PersonaMatch& match : result.matches()) {
    const uint32_t index = IndexOf(match.persona_id(), match.display_name());
    PersonaSummaryRow& row = rows_[index];
    ++row.match_count;
    row.score_sum += match.score();
    const int bin = std::clamp(static_cast<int>(match.score() * 10), 0, 9);
    ++row.histogram[bin];
    if (matched_.size() < kPairMatches) matched_.push_back(index);
  }
  ++rows_[matched_.front()].top_count;  // matches come best first
  for (size_t i = 0; i < matched_.size(); ++i) {
    for (size_t j = i + 1; j < matched_.size(); ++j) {
      const uint64_t lo = std::min(matched_[i], matched_[j]);
      const uint64_t hi = std::max(matched_[i], matched_[j]);
      ++pairs_[lo << 32 | hi];
    }
  }
}

void ReportBuilder::OnRejected(const RejectedRecord&) { ++rejected_; }

Report ReportBuilder::Build(size_t matrix_limit, size_t most_alike, size_t label_values) const {
  Report report;
  report.scored = scored_;
  report.rejected = rejected_;
  report.records = scored_ + rejected_;
  report.unmatched = unmatched_;
  report.catalog_versions = versions_;

  std::vector<uint32_t> order(rows_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    if (rows_[a].top_count != rows_[b].top_count) return rows_[a].top_count > rows_[b].top_count;
    return rows_[a].id < rows_[b].id;
  });
  for (uint32_t i : order) report.personas.push_back(rows_[i]);

  const auto both = [this](uint32_t a, uint32_t b) -> uint64_t {
    if (a == b) return rows_[a].match_count;
    const auto it = pairs_.find(static_cast<uint64_t>(std::min(a, b)) << 32 | std::max(a, b));
    return it == pairs_.end() ? 0 : it->second;
  };

  std::vector<uint32_t> matrix;
  for (uint32_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].match_count > 0) matrix.push_back(i);
  }
  std::sort(matrix.begin(), matrix.end(), [this](uint32_t a, uint32_t b) {
    if (rows_[a].match_count != rows_[b].match_count) {
      return rows_[a].match_count > rows_[b].match_count;
    }
    return rows_[a].id < rows_[b].id;
  });
  if (matrix.size() > matrix_limit) matrix.resize(matrix_limit);
  for (uint32_t a : matrix) {
    report.matrix_ids.push_back(rows_[a].id);
    std::vector<uint64_t> counts;
    for (uint32_t b : matrix) counts.push_back(both(a, b));
    report.co_match.push_back(std::move(counts));
  }

  for (const auto& [key, count] : pairs_) {
    const uint32_t a = static_cast<uint32_t>(key >> 32);
    const uint32_t b = static_cast<uint32_t>(key & 0xffffffffu);
    const uint64_t either = rows_[a].match_count + rows_[b].match_count - count;
    PersonaPair pair;
    pair.a = std::min(rows_[a].id, rows_[b].id);
    pair.b = std::max(rows_[a].id, rows_[b].id);
    pair.both = count;
    pair.jaccard = either == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(either);
    report.most_alike.push_back(std::move(pair));
  }
  std::sort(report.most_alike.begin(), report.most_alike.end(),
            [](const PersonaPair& x, const PersonaPair& y) {
              if (x.jaccard != y.jaccard) return x.jaccard > y.jaccard;
              if (x.both != y.both) return x.both > y.both;
              return std::tie(x.a, x.b) < std::tie(y.a, y.b);
            });
  if (report.most_alike.size() > most_alike) report.most_alike.resize(most_alike);
  report.labels = labels_.Build(label_values);
  report.labels_untracked = labels_.dropped_keys();
  return report;
}

std::string ReportToJson(const Report& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("records").Uint(report.records).Key("scored").Uint(report.scored);
  json.Key("rejected").Uint(report.rejected).Key("unmatched").Uint(report.unmatched);
  json.Key("unmatched_share").Number(report.Share(report.unmatched));
  json.Key("catalog_versions").BeginArray();
  for (const std::string& v : report.catalog_versions) json.String(v);
  json.EndArray();
  json.Key("personas").BeginArray();
  for (const PersonaSummaryRow& row : report.personas) {
    json.BeginObject().Key("id").String(row.id).Key("display_name").String(row.display_name);
    json.Key("top_count").Uint(row.top_count).Key("top_share").Number(report.Share(row.top_count));
    json.Key("match_count").Uint(row.match_count);
    json.Key("match_share").Number(report.Share(row.match_count));
    json.Key("mean_score")
        .Number(row.match_count == 0 ? 0.0 : row.score_sum / static_cast<double>(row.match_count));
    json.Key("score_histogram").BeginArray();
    for (uint64_t count : row.histogram) json.Uint(count);
    json.EndArray().EndObject();
  }
  json.EndArray();
  json.Key("co_match").BeginObject().Key("personas").BeginArray();
  for (const std::string& id : report.matrix_ids) json.String(id);
  json.EndArray().Key("counts").BeginArray();
  for (const auto& row : report.co_match) {
    json.BeginArray();
    for (uint64_t count : row) json.Uint(count);
    json.EndArray();
  }
  json.EndArray().EndObject();
  json.Key("most_alike").BeginArray();
  for (const PersonaPair& pair : report.most_alike) {
    json.BeginObject().Key("a").String(pair.a).Key("b").String(pair.b);
    json.Key("both").Uint(pair.both).Key("jaccard").Number(pair.jaccard).EndObject();
  }
  json.EndArray();
  json.Key("labels").BeginArray();
  for (const LabelDistribution& label : report.labels) {
    json.BeginObject().Key("key").String(label.key);
    if (!label.title.empty()) json.Key("title").String(label.title);
    json.Key("per_item").Bool(label.per_item);
    json.Key("customers").Uint(label.customers).Key("share").Number(report.Share(label.customers));
    const uint64_t without = report.scored - label.customers;
    json.Key("without").Uint(without).Key("without_share").Number(report.Share(without));
    json.Key("values").BeginArray();
    for (const LabelValueCount& value : label.values) {
      json.BeginObject().Key("value").String(value.value).Key("count").Uint(value.count);
      json.Key("share").Number(report.Share(value.count)).EndObject();
    }
    json.EndArray();
    json.Key("other").BeginObject().Key("count").Uint(label.other_count);
    json.Key("share").Number(report.Share(label.other_count));
    json.Key("values").Uint(label.other_values).Key("capped").Bool(label.capped).EndObject();
    json.EndObject();
  }
  json.EndArray();
  json.Key("labels_untracked").Uint(report.labels_untracked);
  json.EndObject();
  std::string text = json.Take();
  text.push_back('\n');
  return text;
}

std::string LabelsToText(const Report& report) {
  std::string out;
  const auto row = [&out, &report](const std::string& name, uint64_t count) {
    absl::StrAppendFormat(&out, "  %-30s %12s %6.1f%%\n", name, GroupThousands(count),
                          report.Share(count) * 100.0);
  };
  for (const LabelDistribution& label : report.labels) {
    const bool named = !label.title.empty();
    if (!named && label.customers == 0) continue;
    absl::StrAppend(&out, named ? absl::StrCat(label.title, " (", label.key, ")") : label.key);
    if (label.customers == 0) {
      absl::StrAppend(&out, ": no scored customer carries it\n");
      continue;
    }
    absl::StrAppend(&out, ": ", GroupThousands(label.customers), " of ",
                    GroupThousands(report.scored), " scored customers",
                    label.per_item ? " (one in several counts in each)" : "", "\n");
    for (const LabelValueCount& value : label.values) {
      row(value.value.empty() ? "(empty)" : value.value, value.count);
    }
    if (label.other_count > 0) {
      row(OtherValuesName(label), label.other_count);
    }
    row("without the label", report.scored - label.customers);
  }
  if (report.labels_untracked > 0) {
    absl::StrAppend(&out, GroupThousands(report.labels_untracked),
                    " labels of keys past the first ", LabelTally::kMaxKeys, " are not counted\n");
  }
  return out;
}

}  // namespace persona
