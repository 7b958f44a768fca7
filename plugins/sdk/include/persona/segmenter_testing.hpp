// Header-only helpers for unit-testing a segmenter through its C ABI, without a server:
//
//   JsonValue     JSON text -> the PersonaValue tree create()/compile() receive
//   CustomerBuilder  a PersonaCustomer normalised the way the server sends it
//   TestHost      drives create/compile/score/release/destroy like the server and records
//                 every label and detail the plugin reports
//
//   #include <persona/segmenter_testing.hpp>
//   persona::sdk::testing::TestHost host(persona_segmenter_plugin());
//   ASSERT_EQ(host.Create(R"({})"), "");
//   ASSERT_EQ(host.Compile(R"({"company_size": {"min": 50}})"), "");
//   persona::sdk::testing::CustomerBuilder customer;
//   customer.Attribute("company_size", "250");
//   auto result = host.Score(customer.Build());
//   EXPECT_EQ(result.scores[0].affinity, 1.0);
//
// Link the plugin's sources into the test executable and call persona_segmenter_plugin()
// directly (declared below). Test code only: everything here allocates freely.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <persona/segmenter.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" const PersonaSegmenterPlugin* persona_segmenter_plugin(void);

namespace persona {
namespace sdk {
namespace testing {

// A PersonaValue tree parsed from JSON text, owning every node. Object members keep the
// order of the text. Throws std::invalid_argument for malformed JSON.
class JsonValue {
 public:
  explicit JsonValue(std::string_view json) : text_(json) {
    SkipSpace();
    root_ = ParseValue(0);
    SkipSpace();
    if (pos_ != text_.size()) Error("trailing characters");
  }
  JsonValue(const JsonValue&) = delete;
  JsonValue& operator=(const JsonValue&) = delete;

  const PersonaValue& root() const { return root_; }

 private:
  [[noreturn]] void Error(const std::string& what) const {
    throw std::invalid_argument("JSON at offset " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  PersonaString Keep(std::string text) {
    strings_.push_back(std::move(text));
    return PersonaString{strings_.back().data(), strings_.back().size()};
  }

  PersonaValue ParseValue(int depth) {
    if (depth > 64) Error("nested too deeply");
    if (pos_ >= text_.size()) Error("unexpected end");
    PersonaValue value{};
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      std::vector<PersonaMember> members;
      SkipSpace();
      if (!Consume("}")) {
        for (;;) {
          SkipSpace();
          if (pos_ >= text_.size() || text_[pos_] != '"') Error("expected a key");
          PersonaMember member{};
          member.key = Keep(ParseString());
          for (const PersonaMember& m : members) {
            if (View(m.key) == View(member.key)) Error("duplicate key " + std::string(View(m.key)));
          }
          SkipSpace();
          if (!Consume(":")) Error("expected ':'");
          SkipSpace();
          member.value = ParseValue(depth + 1);
          members.push_back(member);
          SkipSpace();
          if (Consume("}")) break;
          if (!Consume(",")) Error("expected ',' or '}'");
        }
      }
      value.kind = PERSONA_VALUE_OBJECT;
      objects_.push_back(std::move(members));  // moving keeps the buffer: pointers stay valid
      value.members = objects_.back().data();
      value.member_count = objects_.back().size();
    } else if (c == '[') {
      ++pos_;
      std::vector<PersonaValue> items;
      SkipSpace();
      if (!Consume("]")) {
        for (;;) {
          SkipSpace();
          items.push_back(ParseValue(depth + 1));
          SkipSpace();
          if (Consume("]")) break;
          if (!Consume(",")) Error("expected ',' or ']'");
        }
      }
      value.kind = PERSONA_VALUE_LIST;
      lists_.push_back(std::move(items));
      value.items = lists_.back().data();
      value.item_count = lists_.back().size();
    } else if (c == '"') {
      value.kind = PERSONA_VALUE_STRING;
      value.string = Keep(ParseString());
    } else if (Consume("true")) {
      value.kind = PERSONA_VALUE_BOOL;
      value.boolean = 1;
    } else if (Consume("false")) {
      value.kind = PERSONA_VALUE_BOOL;
    } else if (Consume("null")) {
      value.kind = PERSONA_VALUE_NULL;
    } else {
      value.kind = PERSONA_VALUE_NUMBER;
      value.number = ParseNumber();
    }
    return value;
  }

  double ParseNumber() {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    double number = 0.0;
    if (pos_ == start || !persona::sdk::ParseNumber(text_.substr(start, pos_ - start), &number)) {
      pos_ = start;
      Error("expected a value");
    }
    return number;
  }

  std::string ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) Error("unterminated escape");
      c = text_[pos_++];
      switch (c) {
        case '"':
        case '\\':
        case '/':
          out.push_back(c);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          AppendUtf8(ParseHex4(), &out);
          break;
        default:
          Error("unknown escape");
      }
    }
    if (pos_ >= text_.size()) Error("unterminated string");
    ++pos_;  // closing quote
    return out;
  }

  uint32_t ParseHex4() {
    if (pos_ + 4 > text_.size()) Error("short \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        Error("bad \\u escape");
      }
    }
    if (code >= 0xD800 && code <= 0xDBFF && Consume("\\u")) {  // surrogate pair
      const uint32_t low = ParseHex4();
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    return code;
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::deque<std::string> strings_;
  std::deque<std::vector<PersonaValue>> lists_;
  std::deque<std::vector<PersonaMember>> objects_;
  PersonaValue root_{};
};

// Builds a PersonaCustomer the way the server hands it to score(): tag lists trimmed,
// lowercased, sorted and unique; orders sorted by time; attributes sorted by key. Fields
// not set are absent. Build() may be called again after more setters.
class CustomerBuilder {
 public:
  CustomerBuilder& Id(std::string id) { return Set(&id_, std::move(id)); }
  CustomerBuilder& Age(double age) { return SetNumber(&view_.age, age); }
  CustomerBuilder& Gender(std::string v) { return Set(&gender_, std::move(v)); }
  CustomerBuilder& Country(std::string v) { return Set(&country_, std::move(v)); }
  CustomerBuilder& Region(std::string v) { return Set(&region_, std::move(v)); }
  CustomerBuilder& City(std::string v) { return Set(&city_, std::move(v)); }
  CustomerBuilder& Urbanicity(std::string v) { return Set(&urbanicity_, std::move(v)); }
  CustomerBuilder& Education(std::string v) { return Set(&education_, std::move(v)); }
  CustomerBuilder& AnnualIncome(double v) { return SetNumber(&view_.annual_income, v); }
  CustomerBuilder& Occupation(std::string v) { return Set(&occupation_, std::move(v)); }
  CustomerBuilder& MaritalStatus(std::string v) { return Set(&marital_status_, std::move(v)); }
  CustomerBuilder& HouseholdSize(double v) { return SetNumber(&view_.household_size, v); }
  CustomerBuilder& Order(std::string id, int64_t time_unix_seconds, double amount) {
    orders_.push_back({std::move(id), time_unix_seconds, amount});
    return *this;
  }
  CustomerBuilder& Rfm(double days_since_last_order, double order_count, double total_spend) {
    SetNumber(&view_.rfm_days_since_last_order, days_since_last_order);
    SetNumber(&view_.rfm_order_count, order_count);
    return SetNumber(&view_.rfm_total_spend, total_spend);
  }
  CustomerBuilder& Interest(std::string tag, double strength) {
    interests_.emplace_back(std::move(tag), strength);
    return *this;
  }
  CustomerBuilder& Brands(std::vector<std::string> v) { return SetList(&brands_, std::move(v)); }
  CustomerBuilder& Channels(std::vector<std::string> v) {
    return SetList(&channels_, std::move(v));
  }
  CustomerBuilder& Values(std::vector<std::string> v) { return SetList(&values_, std::move(v)); }
  CustomerBuilder& Lifestyle(std::vector<std::string> v) {
    return SetList(&lifestyle_, std::move(v));
  }
  CustomerBuilder& PreferredChannels(std::vector<std::string> v) {
    return SetList(&preferred_channels_, std::move(v));
  }
  CustomerBuilder& Openness(double v) { return SetNumber(&view_.openness, v); }
  CustomerBuilder& Conscientiousness(double v) { return SetNumber(&view_.conscientiousness, v); }
  CustomerBuilder& Extraversion(double v) { return SetNumber(&view_.extraversion, v); }
  CustomerBuilder& Agreeableness(double v) { return SetNumber(&view_.agreeableness, v); }
  CustomerBuilder& Neuroticism(double v) { return SetNumber(&view_.neuroticism, v); }
  // A later value for the same key replaces the earlier one.
  CustomerBuilder& Attribute(std::string key, std::string value) {
    for (auto& kv : attributes_) {
      if (kv.first == key) {
        kv.second = std::move(value);
        return *this;
      }
    }
    attributes_.emplace_back(std::move(key), std::move(value));
    return *this;
  }

  // The view borrows from this builder: valid until the builder changes or goes away.
  const PersonaCustomer& Build() {
    view_.struct_size = sizeof(PersonaCustomer);
    view_.customer_id = Str(id_);
    view_.gender = Str(gender_);
    view_.country = Str(country_);
    view_.region = Str(region_);
    view_.city = Str(city_);
    view_.urbanicity = Str(urbanicity_);
    view_.education = Str(education_);
    view_.occupation = Str(occupation_);
    view_.marital_status = Str(marital_status_);

    std::stable_sort(orders_.begin(), orders_.end(),
                     [](const OrderData& a, const OrderData& b) { return a.time < b.time; });
    order_views_.clear();
    for (const OrderData& o : orders_) order_views_.push_back({Str(o.id), o.time, o.amount});
    view_.orders = order_views_.data();
    view_.order_count = order_views_.size();

    std::vector<std::pair<std::string, double>> interests;
    for (const auto& [tag, strength] : interests_)
      interests.emplace_back(NormalizeTag(tag), strength);
    std::stable_sort(interests.begin(), interests.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    interest_tags_.clear();
    interest_views_.clear();
    for (const auto& [tag, strength] : interests) {
      if (!interest_tags_.empty() && interest_tags_.back() == tag) continue;  // keep the first
      interest_tags_.push_back(tag);
      interest_views_.push_back({Str(interest_tags_.back()), strength});
    }
    view_.interests = interest_views_.data();
    view_.interest_count = interest_views_.size();

    view_.preferred_brands = brands_.Build();
    view_.channels = channels_.Build();
    view_.values = values_.Build();
    view_.lifestyle = lifestyle_.Build();
    view_.preferred_channels = preferred_channels_.Build();

    std::sort(attributes_.begin(), attributes_.end());
    attribute_views_.clear();
    for (const auto& [key, value] : attributes_) attribute_views_.push_back({Str(key), Str(value)});
    view_.attributes = attribute_views_.data();
    view_.attribute_count = attribute_views_.size();
    return view_;
  }

 private:
  struct OrderData {
    std::string id;
    int64_t time;
    double amount;
  };
  // A normalised tag list and the views into it.
  struct TagList {
    std::vector<std::string> tags;
    std::vector<PersonaString> views;
    PersonaStringList Build() {
      for (std::string& tag : tags) tag = NormalizeTag(tag);
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      views.clear();
      for (const std::string& tag : tags) views.push_back(Str(tag));
      return PersonaStringList{views.data(), views.size()};
    }
  };

  static PersonaString Str(const std::string& s) {
    return s.empty() ? PersonaString{nullptr, 0} : PersonaString{s.data(), s.size()};
  }
  CustomerBuilder& Set(std::string* field, std::string value) {
    *field = std::move(value);
    return *this;
  }
  CustomerBuilder& SetNumber(PersonaOptionalNumber* field, double value) {
    *field = PersonaOptionalNumber{value, 1};
    return *this;
  }
  CustomerBuilder& SetList(TagList* list, std::vector<std::string> tags) {
    list->tags = std::move(tags);
    return *this;
  }

  PersonaCustomer view_{};
  std::string id_, gender_, country_, region_, city_, urbanicity_, education_, occupation_,
      marital_status_;
  std::vector<OrderData> orders_;
  std::vector<PersonaOrder> order_views_;
  std::vector<std::pair<std::string, double>> interests_;
  std::vector<std::string> interest_tags_;
  std::vector<PersonaTagStrength> interest_views_;
  TagList brands_, channels_, values_, lifestyle_, preferred_channels_;
  std::vector<std::pair<std::string, std::string>> attributes_;
  std::vector<PersonaKeyValue> attribute_views_;
};

struct ScoredDetail {
  size_t criterion;
  std::string field;
  double affinity;
  bool missing;
  std::string reason;
};

struct ScoreResult {
  PersonaStatus status = PERSONA_INTERNAL;
  std::string error;
  std::vector<PersonaCriterionScore> scores;
  std::vector<std::pair<std::string, std::string>> labels;  // (key, value) in call order
  std::vector<ScoredDetail> details;

  // The value of label `key` ("" is the segmenter's main label), or "" when not reported.
  std::string Label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return "";
  }
  // The details reported for criterion `index`.
  std::vector<ScoredDetail> DetailsOf(size_t index) const {
    std::vector<ScoredDetail> out;
    for (const ScoredDetail& d : details) {
      if (d.criterion == index) out.push_back(d);
    }
    return out;
  }
};

// Plays the server's part for one plugin instance: create once, compile criteria, score
// customers against all of them in one call, release and destroy at the end.
class TestHost {
 public:
  explicit TestHost(const PersonaSegmenterPlugin* plugin) : plugin_(plugin) {}
  ~TestHost() { Reset(); }
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  // create(config). Returns the plugin's error message, "" on success.
  std::string Create(std::string_view config_json = "{}") {
    Reset();
    JsonValue config(config_json);
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    if (plugin_->create(&config.root(), &instance_, &error) != PERSONA_OK) {
      instance_ = nullptr;
      return buffer[0] != '\0' ? std::string(buffer) : std::string("create failed");
    }
    return "";
  }

  // compile(params) for a new criterion (appended to criteria()). Returns the plugin's error
  // message, "" on success. Create() first.
  std::string Compile(std::string_view params_json) {
    if (instance_ == nullptr) throw std::logic_error("TestHost::Compile before Create");
    JsonValue params(params_json);
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    PersonaCompiledCriterion* compiled = nullptr;
    if (plugin_->compile(instance_, &params.root(), &compiled, &error) != PERSONA_OK) {
      return buffer[0] != '\0' ? std::string(buffer) : std::string("compile failed");
    }
    criteria_.push_back(compiled);
    return "";
  }

  size_t criterion_count() const { return criteria_.size(); }

  // One score() call over every compiled criterion, as the server makes per customer.
  ScoreResult Score(const PersonaCustomer& customer, bool explain = true,
                    int64_t as_of_unix_seconds = 0) const {
    if (instance_ == nullptr) throw std::logic_error("TestHost::Score before Create");
    ScoreResult result;
    result.scores.assign(criteria_.size(), PersonaCriterionScore{-1.0, -1.0});
    PersonaScoreSink sink{sizeof(PersonaScoreSink), &result, explain ? 1 : 0, &OnLabel, &OnDetail};
    PersonaScoreRequest request{sizeof(PersonaScoreRequest), as_of_unix_seconds, &sink};
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    PersonaCriterionScore none[1];
    const PersonaCompiledCriterion* const* criteria =
        criteria_.empty() ? kNoCriteria : criteria_.data();
    result.status = plugin_->score(instance_, &customer, criteria, criteria_.size(), &request,
                                   criteria_.empty() ? none : result.scores.data(), &error);
    result.error = buffer;
    return result;
  }

 private:
  static constexpr const PersonaCompiledCriterion* kNoCriteria[1] = {nullptr};

  static void OnLabel(void* context, PersonaString key, PersonaString value) {
    static_cast<ScoreResult*>(context)->labels.emplace_back(std::string(View(key)),
                                                            std::string(View(value)));
  }
  static void OnDetail(void* context, size_t criterion, PersonaString field, double affinity,
                       int32_t missing, PersonaString reason) {
    static_cast<ScoreResult*>(context)->details.push_back(
        {criterion, std::string(View(field)), affinity, missing != 0, std::string(View(reason))});
  }

  void Reset() {
    if (instance_ == nullptr) return;
    for (PersonaCompiledCriterion* c : criteria_) plugin_->release_criterion(instance_, c);
    criteria_.clear();
    plugin_->destroy(instance_);
    instance_ = nullptr;
  }

  const PersonaSegmenterPlugin* plugin_;
  PersonaSegmenterInstance* instance_ = nullptr;
  std::vector<PersonaCompiledCriterion*> criteria_;
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
