#include "demographic_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>

namespace persona {
namespace demographic {
namespace {

using Field = DemographicSegmenter::Field;
using FieldMatcher = DemographicSegmenter::FieldMatcher;
using Kind = FieldMatcher::Kind;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Keeps the sum of weight * affinity far from overflow whatever a catalog says; no real persona
// needs a field to outweigh another by more than a million to one.
constexpr double kMaxWeight = 1e6;

constexpr std::string_view kFieldNames[] = {
    "age",       "gender",        "country",    "region",         "city",           "urbanicity",
    "education", "annual_income", "occupation", "marital_status", "household_size",
};
static_assert(std::size(kFieldNames) == DemographicSegmenter::kFieldCount, "one name per Field");

// The API's enumerations, as the host spells them. Education is ordered lowest to highest.
constexpr std::string_view kGenders[] = {"female", "male", "non_binary", "other"};
constexpr std::string_view kUrbanicities[] = {"urban", "suburban", "rural"};
constexpr std::string_view kMaritalStatuses[] = {"single", "married", "domestic_partnership",
                                                 "divorced", "widowed"};
constexpr std::string_view kEducationLevels[] = {"primary",  "secondary", "vocational",
                                                 "bachelor", "master",    "doctorate"};

enum class FieldType { kNumber, kEnum, kText, kEducation };

FieldType TypeOf(Field field) {
  switch (field) {
    case Field::kAge:
    case Field::kAnnualIncome:
    case Field::kHouseholdSize:
      return FieldType::kNumber;
    case Field::kGender:
    case Field::kUrbanicity:
    case Field::kMaritalStatus:
      return FieldType::kEnum;
    case Field::kEducation:
      return FieldType::kEducation;
    case Field::kCountry:
    case Field::kRegion:
    case Field::kCity:
    case Field::kOccupation:
      return FieldType::kText;
  }
  return FieldType::kText;
}

struct Enumeration {
  const std::string_view* names = nullptr;
  size_t count = 0;
};

Enumeration EnumerationOf(Field field) {
  switch (field) {
    case Field::kGender:
      return {kGenders, std::size(kGenders)};
    case Field::kUrbanicity:
      return {kUrbanicities, std::size(kUrbanicities)};
    case Field::kMaritalStatus:
      return {kMaritalStatuses, std::size(kMaritalStatuses)};
    case Field::kEducation:
      return {kEducationLevels, std::size(kEducationLevels)};
    default:
      return {};
  }
}

// Position of `name` in the enumeration, or -1. Case-insensitive so that a hand-written catalog
// may say "Female"; the host already sends lowercase.
int IndexOf(Enumeration e, std::string_view name) noexcept {
  for (size_t i = 0; i < e.count; ++i) {
    if (sdk::EqualsIgnoreCase(e.names[i], name)) return static_cast<int>(i);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Compile-time helpers (may allocate and throw).
// ---------------------------------------------------------------------------------------------

std::string AllFieldNames() {
  std::string out;
  for (std::string_view name : kFieldNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// Explanations show numbers in full ("1250000", not "1.25e+06") because they are read by
// people comparing them with the catalog.
std::string Display(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

std::string JoinNames(Enumeration e) {
  std::string out;
  for (size_t i = 0; i < e.count; ++i) {
    if (i > 0) out += ", ";
    out += e.names[i];
  }
  return out;
}

double ParseWeight(const sdk::Value& object) {
  const std::optional<sdk::Value> weight = object.Find("weight");
  if (!weight) return 1.0;
  const double v = weight->Number();
  if (!(v > 0.0)) weight->Fail("must be > 0, got " + sdk::Value::FormatNumber(v));
  if (v > kMaxWeight) {
    weight->Fail("must be at most " + Display(kMaxWeight) + ", got " + sdk::Value::FormatNumber(v));
  }
  return v;
}

// A range bound in the field's own domain (the same limits the host enforces on customers).
double ParseBound(Field field, const sdk::Value& v) {
  switch (field) {
    case Field::kAge:
      return v.NumberIn(0, 130);
    case Field::kHouseholdSize:
      return v.NumberIn(1, 50);
    default: {
      const double x = v.Number();
      if (x < 0) v.Fail("must be >= 0, got " + sdk::Value::FormatNumber(x));
      return x;
    }
  }
}

double ParseTolerance(Field field, const sdk::Value& v) {
  switch (field) {
    case Field::kAge:
      return v.NumberIn(0, 130);
    case Field::kHouseholdSize:
      return v.NumberIn(0, 50);
    default: {
      const double x = v.Number();
      if (x < 0) v.Fail("must be >= 0, got " + sdk::Value::FormatNumber(x));
      return x;
    }
  }
}

// Accepts "name", ["a", "b"] or {"any_of": [...], "weight": w}. Returns the items (each with
// its own path for error messages) and stores the weight.
std::vector<sdk::Value> SetItems(const sdk::Value& value, double* weight) {
  std::optional<sdk::Value> list;
  if (value.IsObject()) {
    value.RejectUnknownKeys({"any_of", "weight"});
    list = value.Get("any_of");
    *weight = ParseWeight(value);
  } else if (value.IsList() || value.IsString()) {
    list = value;
  } else {
    value.Fail("must be a list of values or an object {\"any_of\": [...], \"weight\": w}");
  }
  std::vector<sdk::Value> items;
  if (list->IsString()) {
    items.push_back(*list);
  } else {
    items = list->List();
  }
  if (items.empty()) list->Fail("must list at least one value");
  return items;
}

void CompileEnumSet(Field field, const std::vector<sdk::Value>& items, FieldMatcher* m) {
  const Enumeration e = EnumerationOf(field);
  m->kind = Kind::kEnumSet;
  for (const sdk::Value& item : items) {
    const std::string name = sdk::NormalizeTag(item.NonEmptyString());
    const int index = IndexOf(e, name);
    if (index < 0) {
      item.Fail("unknown " + std::string(DemographicSegmenter::FieldName(field)) + " \"" + name +
                "\" (allowed: " + JoinNames(e) + ")");
    }
    m->accepted |= 1u << index;
  }
  // Rendered in enumeration order so the same set always reads the same.
  m->display = "{";
  for (size_t i = 0; i < e.count; ++i) {
    if ((m->accepted >> i) & 1u) {
      if (m->display.size() > 1) m->display += ", ";
      m->display += e.names[i];
    }
  }
  m->display += "}";
}

void CompileTextSet(const std::vector<sdk::Value>& items, FieldMatcher* m) {
  m->kind = Kind::kTextSet;
  for (const sdk::Value& item : items) m->texts.push_back(sdk::NormalizeTag(item.NonEmptyString()));
  std::sort(m->texts.begin(), m->texts.end());
  m->texts.erase(std::unique(m->texts.begin(), m->texts.end()), m->texts.end());

  // A city list can run to hundreds of names; an explanation shows the first few.
  constexpr size_t kShown = 8;
  m->display = "{";
  for (size_t i = 0; i < m->texts.size() && i < kShown; ++i) {
    if (i > 0) m->display += ", ";
    m->display += m->texts[i];
  }
  if (m->texts.size() > kShown) {
    m->display += ", ... +" + std::to_string(m->texts.size() - kShown) + " more";
  }
  m->display += "}";
}

int ParseLevel(const sdk::Value& v) {
  const std::string name = sdk::NormalizeTag(v.NonEmptyString());
  const int index = IndexOf(EnumerationOf(Field::kEducation), name);
  if (index < 0) {
    v.Fail("unknown education level \"" + name +
           "\" (allowed, lowest to highest: " + JoinNames(EnumerationOf(Field::kEducation)) + ")");
  }
  return index;
}

void CompileLevelRange(const sdk::Value& value, FieldMatcher* m) {
  m->kind = Kind::kLevelRange;
  const std::optional<sdk::Value> min = value.Find("min");
  const std::optional<sdk::Value> max = value.Find("max");
  m->min_level = min ? ParseLevel(*min) : 0;
  m->max_level = max ? ParseLevel(*max) : static_cast<int>(std::size(kEducationLevels)) - 1;
  if (m->min_level > m->max_level) {
    value.Fail("min (" + std::string(kEducationLevels[m->min_level]) + ") must not be above max (" +
               std::string(kEducationLevels[m->max_level]) + ")");
  }
  m->tolerance_levels = 1;
  if (const std::optional<sdk::Value> t = value.Find("tolerance_levels")) {
    const double levels = t->NumberIn(0, 5);
    if (levels != std::floor(levels)) {
      t->Fail("must be a whole number of levels, got " + sdk::Value::FormatNumber(levels));
    }
    m->tolerance_levels = static_cast<int>(levels);
  }
  const std::string lo(kEducationLevels[m->min_level]);
  const std::string hi(kEducationLevels[m->max_level]);
  if (min && max) {
    m->display = "in [" + lo + ", " + hi + "]";
  } else {
    m->display = min ? ">= " + lo : "<= " + hi;
  }
}

// ---------------------------------------------------------------------------------------------
// Hot-path helpers: no allocation, no exceptions.
// ---------------------------------------------------------------------------------------------

// 1 at distance 0, falling linearly to 0 at `tolerance`; tolerance 0 is a hard edge.
double Decay(double distance, double tolerance) noexcept {
  if (distance <= 0.0) return 1.0;
  if (!(tolerance > 0.0) || distance >= tolerance) return 0.0;
  return 1.0 - distance / tolerance;
}

// Three-way comparison of an already-lowercased string with the ASCII-lowercased form of `s`,
// byte-wise unsigned: the order std::sort gave `FieldMatcher::texts`.
int CompareLowered(std::string_view lowered, std::string_view s) noexcept {
  const size_t n = std::min(lowered.size(), s.size());
  for (size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(lowered[i]);
    const auto b = static_cast<unsigned char>(sdk::AsciiLower(s[i]));
    if (a != b) return a < b ? -1 : 1;
  }
  if (lowered.size() == s.size()) return 0;
  return lowered.size() < s.size() ? -1 : 1;
}

// Whether the sorted ids contain `id`. Most sets name a few values; a city list may run to
// hundreds, where binary search wins.
bool ContainsId(const uint32_t* sorted, size_t count, uint32_t id) noexcept {
  if (count <= 8) {
    bool found = false;
    for (size_t i = 0; i < count; ++i) found |= sorted[i] == id;
    return found;
  }
  return std::binary_search(sorted, sorted + count, id);
}

// What the customer said about one field, resolved once per score call.
struct Observation {
  bool present = false;
  double number = 0.0;    // number fields
  int index = -1;         // enum fields: position in the enumeration, -1 if unrecognised
  std::string_view text;  // enum and free-text fields: trimmed, in the caller's case
  // Free-text fields: the TextDictionary id of the lowercased text; kNoText when no
  // criterion names it (so no set contains it).
  uint32_t text_id = DemographicSegmenter::TextDictionary::kNoText;
};

using Observations = Observation[DemographicSegmenter::kFieldCount];

void ObserveNumber(PersonaOptionalNumber n, Observation* o) noexcept {
  // The host validates numbers; a non-finite one would poison the sum, so it counts as absent.
  o->present = n.present != 0 && std::isfinite(n.value);
  o->number = n.value;
}

void ObserveText(PersonaString s, Field field, Observation* o) noexcept {
  o->text = sdk::TrimAsciiWhitespace(sdk::View(s));
  o->present = !o->text.empty();
  const Enumeration e = EnumerationOf(field);
  if (o->present && e.count > 0) o->index = IndexOf(e, o->text);
}

void Observe(const PersonaCustomer& c, const DemographicSegmenter::TextDictionary& dictionary,
             Observations& out) noexcept {
  auto at = [&out](Field f) { return &out[static_cast<size_t>(f)]; };
  ObserveNumber(c.age, at(Field::kAge));
  ObserveText(c.gender, Field::kGender, at(Field::kGender));
  ObserveText(c.country, Field::kCountry, at(Field::kCountry));
  ObserveText(c.region, Field::kRegion, at(Field::kRegion));
  ObserveText(c.city, Field::kCity, at(Field::kCity));
  ObserveText(c.urbanicity, Field::kUrbanicity, at(Field::kUrbanicity));
  ObserveText(c.education, Field::kEducation, at(Field::kEducation));
  ObserveNumber(c.annual_income, at(Field::kAnnualIncome));
  ObserveText(c.occupation, Field::kOccupation, at(Field::kOccupation));
  ObserveText(c.marital_status, Field::kMaritalStatus, at(Field::kMaritalStatus));
  ObserveNumber(c.household_size, at(Field::kHouseholdSize));
  for (const Field f : {Field::kCountry, Field::kRegion, Field::kCity, Field::kOccupation}) {
    Observation* o = at(f);
    if (o->present) o->text_id = dictionary.FindIgnoreCase(o->text);
  }
}

struct Grade {
  double affinity;
  bool missing;
};

// Decay(min - x, tolerance_below) below the range, Decay(x - max, tolerance_above) above
// it, 1 inside, written as selects rather than branches: whether a customer is inside a
// persona's range is data, so a branch on it mispredicts often. The same operations on the
// same operands as those Decay calls, so the same doubles.
double GradeNumber(const DemographicSegmenter::HotMatcher& m, double x) noexcept {
  const bool below = x < m.min;
  const bool above = x > m.max;
  const double distance = below ? m.min - x : (above ? x - m.max : 0.0);
  const double tolerance = below ? m.tolerance_below : m.tolerance_above;
  const double decayed = 1.0 - distance / tolerance;
  const double graded = (!(tolerance > 0.0) || distance >= tolerance) ? 0.0 : decayed;
  return distance <= 0.0 ? 1.0 : graded;
}

inline __attribute__((always_inline)) Grade GradeField(const DemographicSegmenter::HotMatcher& m,
                                                       const Observation& o,
                                                       const uint32_t* text_ids) noexcept {
  if (!o.present) return {0.0, true};
  switch (m.kind) {
    case Kind::kNumberRange:
      return {GradeNumber(m, o.number), false};
    case Kind::kEnumSet:
      // A value this plugin does not know (a newer host's enumeration) cannot be graded: it is
      // missing data, not a mismatch.
      if (o.index < 0) return {0.0, true};
      return {((m.accepted >> o.index) & 1u) != 0 ? 1.0 : 0.0, false};
    case Kind::kTextSet:
      return {ContainsId(text_ids + m.text_begin, m.text_count, o.text_id) ? 1.0 : 0.0, false};
    case Kind::kLevelRange: {
      if (o.index < 0) return {0.0, true};
      const int below = m.min_level - o.index;
      const int above = o.index - m.max_level;
      const int distance = below > 0 ? below : (above > 0 ? above : 0);
      return {Decay(distance, m.tolerance_levels + 1.0), false};
    }
  }
  return {0.0, true};
}

// Formats one explanation into a stack buffer and hands it to the host, which copies it.
void Explain(size_t index, const FieldMatcher& m, const Observation& o, const Grade& g,
             const sdk::ScoreContext& context) noexcept {
  // Long free text is cut in the explanation only; grading saw all of it.
  const int text_len = static_cast<int>(std::min<size_t>(o.text.size(), 96));
  const char* text = o.text.data();
  const char* display = m.display.c_str();
  char reason[320];
  int n = 0;
  if (!o.present) {
    n = std::snprintf(reason, sizeof(reason), "not given");
  } else if (g.missing) {
    n = std::snprintf(reason, sizeof(reason), "unrecognised value \"%.*s\"", text_len, text);
  } else {
    switch (m.kind) {
      case Kind::kNumberRange:
        if (o.number < m.min) {
          n = std::snprintf(reason, sizeof(reason),
                            "%.10g below min %.10g by %.10g (tolerance %.10g)", o.number, m.min,
                            m.min - o.number, m.tolerance_below);
        } else if (o.number > m.max) {
          n = std::snprintf(reason, sizeof(reason),
                            "%.10g above max %.10g by %.10g (tolerance %.10g)", o.number, m.max,
                            o.number - m.max, m.tolerance_above);
        } else {
          n = std::snprintf(reason, sizeof(reason), "%.10g %s", o.number, display);
        }
        break;
      case Kind::kEnumSet:
      case Kind::kTextSet:
        n = std::snprintf(reason, sizeof(reason), "%.*s %s %s", text_len, text,
                          g.affinity > 0.0 ? "in" : "not in", display);
        break;
      case Kind::kLevelRange: {
        const char* level = kEducationLevels[o.index].data();
        if (o.index < m.min_level || o.index > m.max_level) {
          const bool below = o.index < m.min_level;
          const int distance = below ? m.min_level - o.index : o.index - m.max_level;
          n = std::snprintf(reason, sizeof(reason), "%s %s %s by %d level%s (tolerance_levels %d)",
                            level, below ? "below min" : "above max",
                            kEducationLevels[below ? m.min_level : m.max_level].data(), distance,
                            distance == 1 ? "" : "s", m.tolerance_levels);
        } else {
          n = std::snprintf(reason, sizeof(reason), "%s %s", level, display);
        }
        break;
      }
    }
  }
  const size_t length = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof(reason) - 1);
  context.AddDetail(index, DemographicSegmenter::FieldName(m.field), g.affinity, g.missing,
                    std::string_view(reason, length));
}

}  // namespace

uint32_t DemographicSegmenter::TextDictionary::Intern(const std::string& lowered) {
  const auto it = std::lower_bound(texts_.begin(), texts_.end(), lowered);
  const size_t at = static_cast<size_t>(it - texts_.begin());
  if (it != texts_.end() && *it == lowered) return ids_[at];
  const auto id = static_cast<uint32_t>(texts_.size());
  texts_.insert(it, lowered);
  ids_.insert(ids_.begin() + static_cast<std::ptrdiff_t>(at), id);
  return id;
}

uint32_t DemographicSegmenter::TextDictionary::FindIgnoreCase(
    std::string_view text) const noexcept {
  // The entries are lowercase and sorted by bytes: the order CompareLowered compares in.
  const auto it = std::lower_bound(
      texts_.begin(), texts_.end(), text,
      [](const std::string& e, std::string_view k) { return CompareLowered(e, k) < 0; });
  if (it == texts_.end() || CompareLowered(*it, text) != 0) return kNoText;
  return ids_[static_cast<size_t>(it - texts_.begin())];
}

std::string_view DemographicSegmenter::FieldName(Field field) {
  return kFieldNames[static_cast<size_t>(field)];
}

std::string_view DemographicSegmenter::AgeBand(double age) {
  if (age < 18) return "0-17";
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 65) return "55-64";
  return "65+";
}

std::unique_ptr<DemographicSegmenter> DemographicSegmenter::Create(const sdk::Value& config) {
  Config c;
  // The ABI promises an object, empty when the catalog gives no config; null is as good.
  if (!config.IsNull()) {
    config.RejectUnknownKeys(
        {"age_tolerance", "household_size_tolerance", "income_tolerance_ratio"});
    if (const auto v = config.Find("age_tolerance")) c.age_tolerance = v->NumberIn(0, 130);
    if (const auto v = config.Find("household_size_tolerance")) {
      c.household_size_tolerance = v->NumberIn(0, 50);
    }
    if (const auto v = config.Find("income_tolerance_ratio")) {
      c.income_tolerance_ratio = v->NumberIn(0, 1);
    }
  }
  return std::make_unique<DemographicSegmenter>(c);
}

DemographicSegmenter::FieldMatcher DemographicSegmenter::CompileField(
    Field field, const sdk::Value& value) const {
  FieldMatcher m;
  m.field = field;
  switch (TypeOf(field)) {
    case FieldType::kNumber: {
      if (!value.IsObject()) {
        value.Fail("must be an object {\"min\": a, \"max\": b, \"tolerance\": t, \"weight\": w}");
      }
      value.RejectUnknownKeys({"min", "max", "tolerance", "weight"});
      const std::optional<sdk::Value> min = value.Find("min");
      const std::optional<sdk::Value> max = value.Find("max");
      if (!min && !max) value.Fail("needs min or max (or both)");
      m.kind = Kind::kNumberRange;
      m.min = min ? ParseBound(field, *min) : -kInf;
      m.max = max ? ParseBound(field, *max) : kInf;
      if (m.min > m.max) {
        value.Fail("min (" + sdk::Value::FormatNumber(m.min) + ") must not exceed max (" +
                   sdk::Value::FormatNumber(m.max) + ")");
      }
      if (const std::optional<sdk::Value> t = value.Find("tolerance")) {
        m.tolerance_below = m.tolerance_above = ParseTolerance(field, *t);
      } else if (field == Field::kAge) {
        m.tolerance_below = m.tolerance_above = config_.age_tolerance;
      } else if (field == Field::kHouseholdSize) {
        m.tolerance_below = m.tolerance_above = config_.household_size_tolerance;
      } else {
        // Income is judged relative to the bound crossed: 20% under a 50000 floor is 10000,
        // 20% over a 40000 cap is 8000. An absent bound is never crossed.
        m.tolerance_below = min ? config_.income_tolerance_ratio * m.min : 0.0;
        m.tolerance_above = max ? config_.income_tolerance_ratio * m.max : 0.0;
      }
      m.weight = ParseWeight(value);
      if (min && max) {
        m.display = "in [" + Display(m.min) + ", " + Display(m.max) + "]";
      } else {
        m.display = min ? ">= " + Display(m.min) : "<= " + Display(m.max);
      }
      break;
    }
    case FieldType::kEnum:
      CompileEnumSet(field, SetItems(value, &m.weight), &m);
      break;
    case FieldType::kText:
      CompileTextSet(SetItems(value, &m.weight), &m);
      break;
    case FieldType::kEducation: {
      if (value.IsObject()) {
        value.RejectUnknownKeys({"any_of", "min", "max", "tolerance_levels", "weight"});
        const bool has_set = value.Find("any_of").has_value();
        const bool has_range = value.Find("min") || value.Find("max");
        if (has_set && (has_range || value.Find("tolerance_levels"))) {
          value.Fail("use either any_of or min/max/tolerance_levels, not both");
        }
        if (!has_set) {
          if (!has_range) value.Fail("needs any_of, or min or max (or both)");
          CompileLevelRange(value, &m);
          m.weight = ParseWeight(value);
          break;
        }
      }
      CompileEnumSet(field, SetItems(value, &m.weight), &m);
      break;
    }
  }
  return m;
}

std::unique_ptr<DemographicSegmenter::Criterion> DemographicSegmenter::Compile(
    const sdk::Value& params) const {
  // Same rule and wording as sdk::Value::RejectUnknownKeys, but driven by kFieldNames so the
  // accepted keys and the compiled fields cannot drift apart.
  params.ForEachMember([](std::string_view key, const sdk::Value& value) {
    if (std::find(std::begin(kFieldNames), std::end(kFieldNames), key) == std::end(kFieldNames)) {
      value.Fail("unknown parameter (known: " + AllFieldNames() + ")");
    }
  });
  auto criterion = std::make_unique<Criterion>();
  for (size_t i = 0; i < kFieldCount; ++i) {
    const Field field = static_cast<Field>(i);
    if (const std::optional<sdk::Value> value = params.Find(FieldName(field))) {
      criterion->matchers.push_back(CompileField(field, *value));
    }
  }
  if (criterion->matchers.empty()) params.Fail("needs at least one of " + AllFieldNames());
  // Interned only once the whole criterion is valid, so refused params add nothing.
  for (FieldMatcher& m : criterion->matchers) {
    if (m.kind != Kind::kTextSet) continue;
    for (const std::string& text : m.texts) m.text_ids.push_back(dictionary_->Intern(text));
    std::sort(m.text_ids.begin(), m.text_ids.end());
  }
  criterion->hot_begin = static_cast<uint32_t>(hot_matchers_->size());
  for (const FieldMatcher& m : criterion->matchers) {
    HotMatcher hot{};
    hot.field = m.field;
    hot.kind = m.kind;
    hot.min_level = static_cast<int8_t>(m.min_level);
    hot.max_level = static_cast<int8_t>(m.max_level);
    hot.tolerance_levels = static_cast<int8_t>(m.tolerance_levels);
    hot.accepted = m.accepted;
    hot.text_begin = static_cast<uint32_t>(hot_text_ids_->size());
    hot.text_count = static_cast<uint32_t>(m.text_ids.size());
    hot_text_ids_->insert(hot_text_ids_->end(), m.text_ids.begin(), m.text_ids.end());
    hot.weight = m.weight;
    hot.min = m.min;
    hot.max = m.max;
    hot.tolerance_below = m.tolerance_below;
    hot.tolerance_above = m.tolerance_above;
    hot_matchers_->push_back(hot);
  }
  return criterion;
}

void DemographicSegmenter::Score(const PersonaCustomer& customer, const Criterion* const* criteria,
                                 size_t count, const sdk::ScoreContext& context,
                                 PersonaCriterionScore* scores) const noexcept {
  // Resolve the customer once (trim, enum lookups) rather than once per criterion.
  Observations observed;
  Observe(customer, *dictionary_, observed);

  const Observation& age = observed[static_cast<size_t>(Field::kAge)];
  if (age.present) context.AddLabel("age_band", AgeBand(age.number));

  const HotMatcher* const hot = hot_matchers_->data();
  const uint32_t* const text_ids = hot_text_ids_->data();
  if (!context.explain()) {
    // The hot loop reads each criterion's first line (hot_begin, the matcher count) and then
    // the arena; criteria are separate heap objects, so fetch them a few steps ahead.
    constexpr size_t kPrefetchAhead = 8;
    for (size_t i = 0; i < count; ++i) {
      if (i + kPrefetchAhead < count) __builtin_prefetch(criteria[i + kPrefetchAhead]);
      const Criterion& criterion = *criteria[i];
      const HotMatcher* m = hot + criterion.hot_begin;
      const HotMatcher* const end = m + criterion.matchers.size();
      sdk::AffinityAccumulator accumulator;
      for (; m != end; ++m) {
        const Grade g = GradeField(*m, observed[static_cast<size_t>(m->field)], text_ids);
        if (g.missing) {
          accumulator.AddMissing(m->weight);
        } else {
          accumulator.AddPresent(m->weight, g.affinity);
        }
      }
      scores[i] = accumulator.Result();
    }
    return;
  }
  // Explaining: the same grading, plus each FieldMatcher's display text.
  for (size_t i = 0; i < count; ++i) {
    sdk::AffinityAccumulator accumulator;
    const Criterion& criterion = *criteria[i];
    for (size_t j = 0; j < criterion.matchers.size(); ++j) {
      const FieldMatcher& m = criterion.matchers[j];
      const Observation& o = observed[static_cast<size_t>(m.field)];
      const Grade g = GradeField(hot[criterion.hot_begin + j], o, text_ids);
      if (g.missing) {
        accumulator.AddMissing(m.weight);
      } else {
        accumulator.AddPresent(m.weight, g.affinity);
      }
      Explain(i, m, o, g, context);
    }
    scores[i] = accumulator.Result();
  }
}

}  // namespace demographic
}  // namespace persona
