#include "tools/plugin_check/customer_derivation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace persona {
namespace plugin_check {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using persona::v1::Customer;

// The server accepts at most 128 attributes, 64-byte keys and tags.
constexpr size_t kMaxKeys = 100;
constexpr size_t kMaxKeyBytes = 64;
constexpr size_t kMaxWords = 24;
constexpr size_t kMaxNumbers = 40;
// Attribute text a careless plugin might choke on, or take for a number.
constexpr std::string_view kMalformed[] = {"", "unknown", "nan", "-5", "1e400", " 250 ", "12 000"};
// Words in a description that name nothing a plugin could read.
constexpr std::string_view kStopWords[] = {
    "a",   "all",  "an",  "and",  "any", "as",  "at",   "attr", "attribute", "attributes", "be",
    "by",  "each", "for", "from", "if",  "in",  "is",   "it",   "its",       "like",       "no",
    "not", "of",   "on",  "one",  "or",  "per", "that", "the",  "then",      "to",         "with"};
constexpr double kRoundNumbers[] = {0,   0.5, 1,    2,    5,   10,  25,  50, 100,
                                    250, 500, 1000, 2500, 1e4, 1e5, 1e6, 1e9};

// Insertion-ordered, without repeats.
class OrderedSet {
 public:
  void Add(const std::string& item) {
    if (std::find(items_.begin(), items_.end(), item) == items_.end()) items_.push_back(item);
  }
  const std::vector<std::string>& items() const { return items_; }

 private:
  std::vector<std::string> items_;
};

bool IsIdentifier(std::string_view text) {
  if (text.size() < 2 || text.size() > kMaxKeyBytes || !absl::ascii_isalpha(text[0])) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.15g", value);
  return buffer;
}

// What the documentation and the params name, sorted by how likely each is a key the plugin
// reads from the customer.
struct Names {
  OrderedSet after_attribute;  // "attribute industry", attributes["company_size"]
  OrderedSet params;           // param keys, and identifier-like string values
  OrderedSet snake_case;       // other_identifiers_like_this in the descriptions
  OrderedSet other;            // every other word in the descriptions
  OrderedSet words;            // values a name-matching plugin might compare with
  std::vector<double> numbers;
};

void ReadDescription(const std::string& text, Names* names) {
  std::string previous;
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isalnum(text[i]) && text[i] != '_') {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() &&
           (absl::ascii_isalnum(text[end]) || text[end] == '_' ||
            (text[end] == '.' && end + 1 < text.size() && absl::ascii_isdigit(text[end + 1])))) {
      ++end;
    }
    const std::string token = text.substr(i, end - i);
    i = end;
    if (absl::ascii_isdigit(token[0])) {
      names->numbers.push_back(std::strtod(token.c_str(), nullptr));
    } else if (IsIdentifier(token)) {
      const std::string lower = absl::AsciiStrToLower(previous);
      const std::string lower_token = absl::AsciiStrToLower(token);
      if (lower == "attribute" || lower == "attributes" || lower == "attr") {
        names->after_attribute.Add(token);
      } else if (absl::StrContains(token, '_')) {
        names->snake_case.Add(token);
      } else if (std::find(std::begin(kStopWords), std::end(kStopWords), lower_token) ==
                 std::end(kStopWords)) {
        names->other.Add(token);
        if (token.size() >= 3) names->words.Add(token);
      }
    }
    previous = token;
  }
}

void ReadParams(const Value& value, Names* names) {
  switch (value.kind_case()) {
    case Value::kStructValue: {
      std::vector<std::string> keys;
      for (const auto& [key, unused] : value.struct_value().fields()) keys.push_back(key);
      std::sort(keys.begin(), keys.end());  // a protobuf map's order is not stable
      for (const std::string& key : keys) {
        if (IsIdentifier(key)) names->params.Add(key);
        ReadParams(value.struct_value().fields().at(key), names);
      }
      break;
    }
    case Value::kListValue:
      for (const Value& item : value.list_value().values()) ReadParams(item, names);
      break;
    case Value::kStringValue:
      if (!value.string_value().empty() && value.string_value().size() <= kMaxKeyBytes) {
        names->words.Add(value.string_value());
      }
      if (IsIdentifier(value.string_value())) names->params.Add(value.string_value());
      break;
    case Value::kNumberValue:
      names->numbers.push_back(value.number_value());
      break;
    default:
      break;
  }
}

// Each number found, its neighbours, half and double, then round numbers.
std::vector<std::string> NumberSpread(const std::vector<double>& found) {
  OrderedSet spread;
  for (double n : found) {
    if (!std::isfinite(n)) continue;
    for (double v : {n, n - 1, n + 1, n / 2, n * 2}) {
      if (v >= 0 && v <= 1e15) spread.Add(FormatNumber(v));
    }
  }
  for (double v : kRoundNumbers) spread.Add(FormatNumber(v));
  std::vector<std::string> out = spread.items();
  if (out.size() > kMaxNumbers) out.resize(kMaxNumbers);
  return out;
}

struct NumberField {
  std::string_view name;
  double lo, hi;
  bool integer;
  std::function<void(Customer*, double)> set;
};

const std::vector<NumberField>& NumberFields() {
  static const auto* fields = new std::vector<NumberField>{
      {"age", 0, 130, true,
       [](Customer* c, double v) { c->mutable_demographics()->set_age(static_cast<uint32_t>(v)); }},
      {"annual_income", 0, 1e12, false,
       [](Customer* c, double v) { c->mutable_demographics()->set_annual_income(v); }},
      {"household_size", 1, 50, true,
       [](Customer* c, double v) {
         c->mutable_demographics()->set_household_size(static_cast<uint32_t>(v));
       }},
      {"days_since_last_order", 0, 36500, true,
       [](Customer* c, double v) {
         c->mutable_behavior()->mutable_rfm()->set_days_since_last_order(static_cast<uint32_t>(v));
       }},
      {"order_count", 0, 1e7, true,
       [](Customer* c, double v) {
         c->mutable_behavior()->mutable_rfm()->set_order_count(static_cast<uint32_t>(v));
       }},
      {"total_spend", 0, 1e12, false,
       [](Customer* c, double v) { c->mutable_behavior()->mutable_rfm()->set_total_spend(v); }},
      {"openness", 0, 1, false,
       [](Customer* c, double v) {
         c->mutable_psychographics()->mutable_personality()->set_openness(v);
       }},
      {"conscientiousness", 0, 1, false,
       [](Customer* c, double v) {
         c->mutable_psychographics()->mutable_personality()->set_conscientiousness(v);
       }},
      {"extraversion", 0, 1, false,
       [](Customer* c, double v) {
         c->mutable_psychographics()->mutable_personality()->set_extraversion(v);
       }},
      {"agreeableness", 0, 1, false,
       [](Customer* c, double v) {
         c->mutable_psychographics()->mutable_personality()->set_agreeableness(v);
       }},
      {"neuroticism", 0, 1, false,
       [](Customer* c, double v) {
         c->mutable_psychographics()->mutable_personality()->set_neuroticism(v);
       }},
  };
  return *fields;
}

struct WordField {
  std::string_view name;
  std::function<void(Customer*, const std::string&)> set;
};

// Adds `tag` unless the list already holds it in some case (the server refuses duplicates).
template <typename List>
void AddTag(List* list, const std::string& tag) {
  for (const std::string& t : *list) {
    if (absl::EqualsIgnoreCase(t, tag)) return;
  }
  list->Add(std::string(tag));
}

const std::vector<WordField>& WordFields() {
  static const auto* fields = new std::vector<WordField>{
      {"occupation",
       [](Customer* c, const std::string& w) { c->mutable_demographics()->set_occupation(w); }},
      {"region",
       [](Customer* c, const std::string& w) {
         c->mutable_demographics()->mutable_location()->set_region(w);
       }},
      {"city",
       [](Customer* c, const std::string& w) {
         c->mutable_demographics()->mutable_location()->set_city(w);
       }},
      {"country",
       [](Customer* c, const std::string& w) {
         if (w.size() == 2 && absl::ascii_isalpha(w[0]) && absl::ascii_isalpha(w[1])) {
           c->mutable_demographics()->mutable_location()->set_country(absl::AsciiStrToUpper(w));
         }
       }},
      {"interests",
       [](Customer* c, const std::string& w) {
         auto* interests = c->mutable_psychographics()->mutable_interests();
         for (auto it = interests->begin(); it != interests->end();) {
           it = absl::EqualsIgnoreCase(it->first, w) ? interests->erase(it) : std::next(it);
         }
         (*interests)[w] = 0.9;
       }},
      {"values",
       [](Customer* c, const std::string& w) {
         AddTag(c->mutable_psychographics()->mutable_values(), w);
       }},
      {"lifestyle",
       [](Customer* c, const std::string& w) {
         AddTag(c->mutable_psychographics()->mutable_lifestyle(), w);
       }},
      {"preferred_channels",
       [](Customer* c, const std::string& w) {
         AddTag(c->mutable_psychographics()->mutable_preferred_channels(), w);
       }},
      {"channels",
       [](Customer* c, const std::string& w) {
         AddTag(c->mutable_behavior()->mutable_channels(), w);
       }},
      {"preferred_brands",
       [](Customer* c, const std::string& w) {
         AddTag(c->mutable_behavior()->mutable_preferred_brands(), w);
       }},
  };
  return *fields;
}

// "rfm_days_since_last_order" and "days_since_last_order" name the same field.
std::string_view FieldName(std::string_view token) {
  if (token.substr(0, 4) == "rfm_") token.remove_prefix(4);
  return token;
}

}  // namespace

DerivedCustomers DeriveCustomers(const ParamsDoc& doc, const std::vector<Struct>& samples,
                                 const std::vector<const Customer*>& bases) {
  // The params being checked first: their words and numbers are what the plugin compares
  // customer data with.
  Names names;
  for (const Struct& params : samples) {
    Value value;
    *value.mutable_struct_value() = params;
    ReadParams(value, &names);
  }
  if (doc.example) {
    Value example;
    *example.mutable_struct_value() = *doc.example;
    ReadParams(example, &names);
  }
  for (const std::string& key : doc.params) names.params.Add(key);
  for (const std::string& text : doc.descriptions) ReadDescription(text, &names);

  DerivedCustomers out;
  OrderedSet keys;
  for (const OrderedSet* set :
       {&names.after_attribute, &names.params, &names.snake_case, &names.other}) {
    for (const std::string& key : set->items()) {
      const std::string lower = absl::AsciiStrToLower(key);
      if (lower != "attribute" && lower != "attributes") keys.Add(key);
    }
  }
  out.attributes = keys.items();
  if (out.attributes.size() > kMaxKeys) out.attributes.resize(kMaxKeys);
  std::vector<const NumberField*> number_fields;
  std::vector<const WordField*> word_fields;
  for (const std::string& key : keys.items()) {
    const std::string_view name = FieldName(key);
    for (const NumberField& f : NumberFields()) {
      if (f.name == name &&
          std::find(number_fields.begin(), number_fields.end(), &f) == number_fields.end()) {
        number_fields.push_back(&f);
        out.fields.emplace_back(f.name);
      }
    }
    for (const WordField& f : WordFields()) {
      if (f.name == name &&
          std::find(word_fields.begin(), word_fields.end(), &f) == word_fields.end()) {
        word_fields.push_back(&f);
        out.fields.emplace_back(f.name);
      }
    }
  }
  if ((out.attributes.empty() && out.fields.empty()) || bases.empty()) return out;

  std::vector<std::string> words = names.words.items();
  if (words.size() > kMaxWords) words.resize(kMaxWords);
  const std::vector<std::string> numbers = NumberSpread(names.numbers);
  OrderedSet values;
  for (const std::string& w : words) values.Add(w);
  for (size_t i = 0; i < words.size() && i < 4; ++i) {
    std::string capitalised = words[i];
    capitalised[0] = absl::ascii_toupper(capitalised[0]);
    values.Add(capitalised);  // a plugin comparing names must ignore case
  }
  for (const std::string& n : numbers) values.Add(n);
  for (std::string_view m : kMalformed) values.Add(std::string(m));
  out.values = values.items();

  const size_t count = out.values.size();
  for (size_t j = 0; j < count; ++j) {
    Customer& c = out.customers.emplace_back(*bases[j % bases.size()]);
    char id[32];
    std::snprintf(id, sizeof(id), "derived-%04zu", j);
    c.set_customer_id(id);
    c.clear_attributes();
    for (size_t k = 0; k < out.attributes.size(); ++k) {
      (*c.mutable_attributes())[out.attributes[k]] = out.values[(j + k) % count];
    }
    const double number = std::strtod(numbers[j % numbers.size()].c_str(), nullptr);
    for (const NumberField* f : number_fields) {
      const double v = std::clamp(number, f->lo, f->hi);
      f->set(&c, f->integer ? std::floor(v) : v);
    }
    if (!words.empty()) {
      for (const WordField* f : word_fields) f->set(&c, words[j % words.size()]);
    }
  }
  return out;
}

}  // namespace plugin_check
}  // namespace persona
