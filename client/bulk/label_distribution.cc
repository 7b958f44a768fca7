#include "client/bulk/label_distribution.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/bulk/progress_bar.h"

namespace persona {

const std::vector<NamedLabel>& NamedLabels() {
  static const std::vector<NamedLabel>* named = new std::vector<NamedLabel>{
      {"digital.best_channel", "Best channel", false},
      {"triggers.season", "Active seasons", true},
      {"behavioral.top_category", "Top categories", false},
  };
  return *named;
}

std::string OtherValuesName(const LabelDistribution& label) {
  if (label.other_values == 0) return "other values";
  return absl::StrCat(GroupThousands(label.other_values), label.capped ? "+" : "",
                      label.other_values == 1 && !label.capped ? " other value" : " other values");
}

LabelTally::LabelTally() {
  for (const NamedLabel& named : NamedLabels()) {
    keys_[std::string(named.key)].per_item = named.per_item;
  }
}

LabelTally::KeyTally* LabelTally::Find(const std::string& key) {
  if (auto it = keys_.find(key); it != keys_.end()) return &it->second;
  if (keys_.size() >= kMaxKeys) return nullptr;
  return &keys_[key];
}

void LabelTally::Count(KeyTally& tally, absl::string_view value) {
  if (auto it = tally.counts.find(value); it != tally.counts.end()) {
    ++it->second;
  } else if (tally.counts.size() < kMaxValuesPerKey) {
    tally.counts.emplace(std::string(value), 1);
  } else {
    ++tally.overflow_count;
  }
}

void LabelTally::Add(const google::protobuf::RepeatedPtrField<persona::v1::Label>& labels) {
  seen_keys_.clear();
  seen_values_.clear();
  // A customer counts once per key and once per (key, value): pairs are stored as the key
  // followed by the value in seen_values_.
  const auto seen = [](const std::vector<absl::string_view>& list, absl::string_view a) {
    return std::find(list.begin(), list.end(), a) != list.end();
  };
  const auto seen_pair = [this](absl::string_view key, absl::string_view value) {
    for (size_t i = 0; i + 1 < seen_values_.size(); i += 2) {
      if (seen_values_[i] == key && seen_values_[i + 1] == value) return true;
    }
    return false;
  };
  for (const persona::v1::Label& label : labels) {
    KeyTally* tally = Find(label.key());
    if (tally == nullptr) {
      ++dropped_keys_;
      continue;
    }
    if (!seen(seen_keys_, label.key())) {
      seen_keys_.push_back(label.key());
      ++tally->customers;
    }
    const auto count_once = [&](absl::string_view value) {
      if (seen_pair(label.key(), value)) return;
      seen_values_.push_back(label.key());
      seen_values_.push_back(value);
      Count(*tally, value);
    };
    if (!tally->per_item) {
      count_once(label.value());
      continue;
    }
    bool any = false;
    for (absl::string_view item : absl::StrSplit(label.value(), ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (item.empty()) continue;
      any = true;
      count_once(item);
    }
    if (!any) count_once("");  // an empty list is still a value the customer carries
  }
}

std::vector<LabelDistribution> LabelTally::Build(size_t top) const {
  const auto distribution = [top](const std::string& key, const KeyTally& tally) {
    LabelDistribution out;
    out.key = key;
    out.per_item = tally.per_item;
    out.customers = tally.customers;
    for (const auto& [value, count] : tally.counts) out.values.push_back({value, count});
    std::sort(out.values.begin(), out.values.end(),
              [](const LabelValueCount& a, const LabelValueCount& b) {
                if (a.count != b.count) return a.count > b.count;
                return a.value < b.value;
              });
    out.other_count = tally.overflow_count;
    if (out.values.size() > top) {
      for (size_t i = top; i < out.values.size(); ++i) out.other_count += out.values[i].count;
      out.other_values = out.values.size() - top;
      out.values.resize(top);
    }
    out.capped = tally.overflow_count > 0;
    return out;
  };

  std::vector<LabelDistribution> result;
  for (const NamedLabel& named : NamedLabels()) {
    const std::string key(named.key);
    result.push_back(distribution(key, keys_.at(key)));
    result.back().title = std::string(named.title);
  }
  std::vector<const std::string*> others;
  for (const auto& [key, tally] : keys_) {
    const bool is_named = std::any_of(NamedLabels().begin(), NamedLabels().end(),
                                      [&key = key](const NamedLabel& n) { return n.key == key; });
    if (!is_named) others.push_back(&key);
  }
  std::sort(others.begin(), others.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  for (const std::string* key : others) result.push_back(distribution(*key, keys_.at(*key)));
  return result;
}

}  // namespace persona
