// Test helpers for the psychographic segmenter: catalog-style JSON turned into the
// PersonaValue tree the host would pass, customers built the way the host normalises them,
// and a sink that records labels and details.
#pragma once

#include <algorithm>
#include <array>
#include <cstdlib>
#include <deque>
#include <optional>
#include <persona/segmenter.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psychographic_segmenter.h"

namespace persona {
namespace psychographic {
namespace testing {

// Owns a PersonaValue tree parsed from JSON text. Not copyable or movable: nodes point into
// its storage. Malformed JSON is a bug in the test and throws std::runtime_error.
class JsonTree {
 public:
  explicit JsonTree(std::string_view text) : text_(text) {
    SkipSpace();
    root_ = ParseValue();
    SkipSpace();
    if (pos_ != text_.size()) Error("trailing characters");
  }
  JsonTree(const JsonTree&) = delete;
  JsonTree& operator=(const JsonTree&) = delete;

  const PersonaValue* root() const { return &root_; }

 private:
  [[noreturn]] void Error(const std::string& what) const {
    throw std::runtime_error("test JSON: " + what + " at offset " + std::to_string(pos_) + " in " +
                             std::string(text_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void Expect(char c) {
    if (Peek() != c) Error(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  PersonaString ParseString() {
    Expect('"');
    std::string out;
    while (Peek() != '"') {
      if (pos_ >= text_.size()) Error("unterminated string");
      char c = text_[pos_++];
      if (c == '\\') {
        const char e = text_[pos_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case '"':
            c = '"';
            break;
          case '\\':
            c = '\\';
            break;
          case '/':
            c = '/';
            break;
          default:
            Error("unsupported escape");
        }
      }
      out.push_back(c);
    }
    ++pos_;
    strings_.push_back(std::move(out));
    const std::string& kept = strings_.back();
    return PersonaString{kept.data(), kept.size()};
  }

  PersonaValue ParseValue() {
    PersonaValue v{};
    SkipSpace();
    const char c = Peek();
    if (c == '{') {
      ++pos_;
      std::vector<PersonaMember> members;
      SkipSpace();
      if (Peek() != '}') {
        for (;;) {
          SkipSpace();
          PersonaMember m{};
          m.key = ParseString();
          SkipSpace();
          Expect(':');
          m.value = ParseValue();
          members.push_back(m);
          SkipSpace();
          if (Peek() == ',') {
            ++pos_;
            continue;
          }
          break;
        }
      }
      Expect('}');
      v.kind = PERSONA_VALUE_OBJECT;
      member_arrays_.push_back(std::move(members));
      v.members = member_arrays_.back().data();
      v.member_count = member_arrays_.back().size();
    } else if (c == '[') {
      ++pos_;
      std::vector<PersonaValue> items;
      SkipSpace();
      if (Peek() != ']') {
        for (;;) {
          items.push_back(ParseValue());
          SkipSpace();
          if (Peek() == ',') {
            ++pos_;
            continue;
          }
          break;
        }
      }
      Expect(']');
      v.kind = PERSONA_VALUE_LIST;
      item_arrays_.push_back(std::move(items));
      v.items = item_arrays_.back().data();
      v.item_count = item_arrays_.back().size();
    } else if (c == '"') {
      v.kind = PERSONA_VALUE_STRING;
      v.string = ParseString();
    } else if (Consume("true")) {
      v.kind = PERSONA_VALUE_BOOL;
      v.boolean = 1;
    } else if (Consume("false")) {
      v.kind = PERSONA_VALUE_BOOL;
    } else if (Consume("null")) {
      v.kind = PERSONA_VALUE_NULL;
    } else {
      const std::string rest(text_.substr(pos_));
      char* end = nullptr;
      const double number = std::strtod(rest.c_str(), &end);
      if (end == rest.c_str()) Error("expected a value");
      pos_ += static_cast<size_t>(end - rest.c_str());
      v.kind = PERSONA_VALUE_NUMBER;
      v.number = number;
    }
    return v;
  }

  std::string_view text_;
  size_t pos_ = 0;
  PersonaValue root_{};
  // deques: appending never moves earlier elements, so pointers into them stay valid.
  std::deque<std::string> strings_;
  std::deque<std::vector<PersonaValue>> item_arrays_;
  std::deque<std::vector<PersonaMember>> member_arrays_;
};

// Builds a PersonaCustomer the way the host hands it over: tags normalised, sorted by bytes,
// unique. Tests give tags in any order; Build() sorts them. The builder owns the storage and
// must outlive the customer it returns.
class CustomerBuilder {
 public:
  CustomerBuilder& Interest(std::string tag, double strength) {
    interests_.emplace_back(std::move(tag), strength);
    return *this;
  }
  CustomerBuilder& Values(std::vector<std::string> tags) {
    values_ = std::move(tags);
    return *this;
  }
  CustomerBuilder& Lifestyle(std::vector<std::string> tags) {
    lifestyle_ = std::move(tags);
    return *this;
  }
  CustomerBuilder& Channels(std::vector<std::string> tags) {
    channels_ = std::move(tags);
    return *this;
  }
  CustomerBuilder& Personality(Trait trait, double value) {
    traits_[trait] = value;
    return *this;
  }

  const PersonaCustomer& Build() {
    std::sort(interests_.begin(), interests_.end());
    for (auto* list : {&values_, &lifestyle_, &channels_}) std::sort(list->begin(), list->end());
    interest_views_.clear();
    for (const auto& [tag, strength] : interests_) {
      interest_views_.push_back(PersonaTagStrength{sdk::Borrow(tag), strength});
    }
    customer_ = PersonaCustomer{};
    customer_.struct_size = sizeof(PersonaCustomer);
    customer_.customer_id = sdk::Borrow("c-1");
    customer_.interests = interest_views_.empty() ? nullptr : interest_views_.data();
    customer_.interest_count = interest_views_.size();
    customer_.values = List(values_, value_views_);
    customer_.lifestyle = List(lifestyle_, lifestyle_views_);
    customer_.preferred_channels = List(channels_, channel_views_);
    PersonaOptionalNumber* slots[kTraitCount] = {&customer_.openness, &customer_.conscientiousness,
                                                 &customer_.extraversion, &customer_.agreeableness,
                                                 &customer_.neuroticism};
    for (int t = 0; t < kTraitCount; ++t) {
      if (traits_[t]) *slots[t] = PersonaOptionalNumber{*traits_[t], 1};
    }
    return customer_;
  }

 private:
  static PersonaStringList List(const std::vector<std::string>& tags,
                                std::vector<PersonaString>& views) {
    views.clear();
    for (const std::string& tag : tags) views.push_back(sdk::Borrow(tag));
    return PersonaStringList{views.empty() ? nullptr : views.data(), views.size()};
  }

  std::vector<std::pair<std::string, double>> interests_;
  std::vector<std::string> values_, lifestyle_, channels_;
  std::array<std::optional<double>, kTraitCount> traits_;
  std::vector<PersonaTagStrength> interest_views_;
  std::vector<PersonaString> value_views_, lifestyle_views_, channel_views_;
  PersonaCustomer customer_{};
};

struct RecordedDetail {
  size_t criterion_index;
  std::string field;
  double affinity;
  bool missing;
  std::string reason;
};

// A PersonaScoreSink that keeps what the plugin reported.
class RecordingSink {
 public:
  explicit RecordingSink(bool explain) {
    sink_.struct_size = sizeof(PersonaScoreSink);
    sink_.host_context = this;
    sink_.explain = explain ? 1 : 0;
    sink_.add_label = &AddLabel;
    sink_.add_detail = &AddDetail;
    request_.struct_size = sizeof(PersonaScoreRequest);
    request_.as_of_unix_seconds = 1'800'000'000;
    request_.sink = &sink_;
  }
  RecordingSink(const RecordingSink&) = delete;
  RecordingSink& operator=(const RecordingSink&) = delete;

  const PersonaScoreRequest* request() const { return &request_; }
  sdk::ScoreContext context() const { return sdk::ScoreContext(&request_); }

  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<RecordedDetail> details;

  const RecordedDetail* FindDetail(size_t index, std::string_view field) const {
    for (const RecordedDetail& d : details) {
      if (d.criterion_index == index && d.field == field) return &d;
    }
    return nullptr;
  }

 private:
  static void AddLabel(void* self, PersonaString key, PersonaString value) {
    static_cast<RecordingSink*>(self)->labels.emplace_back(std::string(sdk::View(key)),
                                                           std::string(sdk::View(value)));
  }
  static void AddDetail(void* self, size_t index, PersonaString field, double affinity,
                        int32_t missing, PersonaString reason) {
    static_cast<RecordingSink*>(self)->details.push_back(
        RecordedDetail{index, std::string(sdk::View(field)), affinity, missing != 0,
                       std::string(sdk::View(reason))});
  }

  PersonaScoreSink sink_{};
  PersonaScoreRequest request_{};
};

inline std::unique_ptr<PsychographicSegmenter> MakeSegmenter(std::string_view config_json = "{}") {
  JsonTree config(config_json);
  return PsychographicSegmenter::Create(sdk::Value(config.root(), "config"));
}

inline std::unique_ptr<PsychographicCriterion> CompileParams(const PsychographicSegmenter& seg,
                                                             std::string_view params_json) {
  JsonTree params(params_json);
  return seg.Compile(sdk::Value(params.root(), "params"));
}

// The ParamError message Compile gives for `params_json`, or "" when it compiles.
inline std::string CompileError(std::string_view params_json, std::string_view config_json = "{}") {
  try {
    CompileParams(*MakeSegmenter(config_json), params_json);
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "";
}

inline std::string CreateError(std::string_view config_json) {
  try {
    MakeSegmenter(config_json);
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "";
}

// Scores one criterion for one customer and returns the score; `sink` collects the rest.
inline PersonaCriterionScore ScoreOne(const PsychographicSegmenter& seg,
                                      const PsychographicCriterion& criterion,
                                      const PersonaCustomer& customer, RecordingSink& sink) {
  const PsychographicCriterion* criteria[] = {&criterion};
  PersonaCriterionScore score{-1.0, -1.0};
  seg.Score(customer, criteria, 1, sink.context(), &score);
  return score;
}

}  // namespace testing
}  // namespace psychographic
}  // namespace persona
