// Test helpers for the RFM segmenter: a small JSON parser that builds the host's
// PersonaValue trees (so params and config read like the catalog), a customer builder and
// a sink that records labels and details.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace rfm {
namespace testing {

inline constexpr int64_t kDay = 86400;
// 2026-03-01T12:00:00Z
inline constexpr int64_t kAsOf = 1772366400;

// Owns a PersonaValue tree parsed from JSON text. Throws std::runtime_error on bad JSON.
class JsonTree {
 public:
  explicit JsonTree(std::string_view json) : text_(json) {
    root_ = ParseValue();
    SkipSpace();
    if (pos_ != text_.size()) Error("trailing text");
  }
  JsonTree(const JsonTree&) = delete;
  JsonTree& operator=(const JsonTree&) = delete;

  const PersonaValue* root() const { return &root_; }

 private:
  [[noreturn]] void Error(const std::string& what) {
    throw std::runtime_error("test JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view w) {
    SkipSpace();
    if (text_.substr(pos_, w.size()) == w) {
      pos_ += w.size();
      return true;
    }
    return false;
  }
  PersonaString ParseString() {
    if (!Consume('"')) Error("expected string");
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) Error("bad escape");
        const char e = text_[pos_++];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
      }
      out += c;
    }
    if (pos_ >= text_.size()) Error("unterminated string");
    ++pos_;
    strings_.push_back(std::move(out));
    return PersonaString{strings_.back().data(), strings_.back().size()};
  }
  PersonaValue ParseValue() {
    PersonaValue v{};
    SkipSpace();
    if (pos_ >= text_.size()) Error("unexpected end");
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      std::vector<PersonaMember> members;
      if (!Consume('}')) {
        do {
          PersonaMember m{};
          m.key = ParseString();
          if (!Consume(':')) Error("expected ':'");
          m.value = ParseValue();
          members.push_back(m);
        } while (Consume(','));
        if (!Consume('}')) Error("expected '}'");
      }
      objects_.push_back(std::move(members));
      v.kind = PERSONA_VALUE_OBJECT;
      v.members = objects_.back().data();
      v.member_count = objects_.back().size();
    } else if (c == '[') {
      ++pos_;
      std::vector<PersonaValue> items;
      if (!Consume(']')) {
        do {
          items.push_back(ParseValue());
        } while (Consume(','));
        if (!Consume(']')) Error("expected ']'");
      }
      lists_.push_back(std::move(items));
      v.kind = PERSONA_VALUE_LIST;
      v.items = lists_.back().data();
      v.item_count = lists_.back().size();
    } else if (c == '"') {
      v.kind = PERSONA_VALUE_STRING;
      v.string = ParseString();
    } else if (ConsumeWord("true")) {
      v.kind = PERSONA_VALUE_BOOL;
      v.boolean = 1;
    } else if (ConsumeWord("false")) {
      v.kind = PERSONA_VALUE_BOOL;
    } else if (ConsumeWord("null")) {
      v.kind = PERSONA_VALUE_NULL;
    } else {
      const std::string rest(text_.substr(pos_, 64));
      char* end = nullptr;
      v.number = std::strtod(rest.c_str(), &end);
      if (end == rest.c_str()) Error("expected a value");
      pos_ += static_cast<size_t>(end - rest.c_str());
      v.kind = PERSONA_VALUE_NUMBER;
    }
    return v;
  }

  std::string_view text_;
  size_t pos_ = 0;
  // Deques never move their elements, and moving a vector keeps its buffer, so pointers
  // into these stay valid for the tree's lifetime.
  std::deque<std::string> strings_;
  std::deque<std::vector<PersonaValue>> lists_;
  std::deque<std::vector<PersonaMember>> objects_;
  PersonaValue root_{};
};

// Builds a PersonaCustomer; keeps the order array alive.
class TestCustomer {
 public:
  TestCustomer() { customer_.struct_size = sizeof(PersonaCustomer); }

  // An order `days_ago` days (plus `extra_seconds`) before kAsOf.
  TestCustomer& OrderDaysAgo(double days_ago, double amount, int64_t extra_seconds = 0) {
    return OrderAt(kAsOf - static_cast<int64_t>(days_ago * kDay) - extra_seconds, amount);
  }
  TestCustomer& OrderAt(int64_t time, double amount) {
    ids_.push_back("o" + std::to_string(ids_.size()));
    orders_.push_back(PersonaOrder{PersonaString{nullptr, 0}, time, amount});
    return *this;
  }
  TestCustomer& Summary(std::optional<double> days, std::optional<double> count,
                        std::optional<double> spend) {
    customer_.rfm_days_since_last_order = Optional(days);
    customer_.rfm_order_count = Optional(count);
    customer_.rfm_total_spend = Optional(spend);
    return *this;
  }

  const PersonaCustomer& get() {
    // Host order: ascending time. Ids are attached last so their pointers are stable.
    std::vector<std::pair<int64_t, size_t>> by_time;
    for (size_t i = 0; i < orders_.size(); ++i)
      by_time.emplace_back(orders_[i].time_unix_seconds, i);
    std::stable_sort(by_time.begin(), by_time.end());
    sorted_.clear();
    for (const auto& [t, i] : by_time) {
      PersonaOrder o = orders_[i];
      o.order_id = PersonaString{ids_[i].data(), ids_[i].size()};
      sorted_.push_back(o);
    }
    customer_.orders = sorted_.empty() ? nullptr : sorted_.data();
    customer_.order_count = sorted_.size();
    return customer_;
  }

 private:
  static PersonaOptionalNumber Optional(std::optional<double> v) {
    return v ? PersonaOptionalNumber{*v, 1} : PersonaOptionalNumber{0.0, 0};
  }

  PersonaCustomer customer_{};
  std::vector<PersonaOrder> orders_;
  std::vector<PersonaOrder> sorted_;
  std::deque<std::string> ids_;
};

// Records what a score call reports.
struct Capture {
  struct Detail {
    size_t index;
    std::string field;
    double affinity;
    bool missing;
    std::string reason;
  };

  Capture(int64_t as_of, bool explain) {
    sink.struct_size = sizeof(sink);
    sink.host_context = this;
    sink.explain = explain ? 1 : 0;
    sink.add_label = &AddLabel;
    sink.add_detail = &AddDetail;
    request.struct_size = sizeof(request);
    request.as_of_unix_seconds = as_of;
    request.sink = &sink;
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  std::optional<std::string> Label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  std::vector<Detail> DetailsFor(size_t index) const {
    std::vector<Detail> out;
    for (const Detail& d : details) {
      if (d.index == index) out.push_back(d);
    }
    return out;
  }

  static void AddLabel(void* ctx, PersonaString key, PersonaString value) {
    static_cast<Capture*>(ctx)->labels.emplace_back(std::string(key.data, key.size),
                                                    std::string(value.data, value.size));
  }
  static void AddDetail(void* ctx, size_t index, PersonaString field, double affinity,
                        int32_t missing, PersonaString reason) {
    static_cast<Capture*>(ctx)->details.push_back(Detail{index, std::string(field.data, field.size),
                                                         affinity, missing != 0,
                                                         std::string(reason.data, reason.size)});
  }

  PersonaScoreSink sink{};
  PersonaScoreRequest request{};
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<Detail> details;
};

}  // namespace testing
}  // namespace rfm
}  // namespace persona
