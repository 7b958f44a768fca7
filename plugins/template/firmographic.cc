// firmographic — a B2B segmenter, and the template to start your own from.
//
// Grades the company behind a customer against a persona's firmographic criterion: company
// size (employees), industry, annual revenue and where the account is in its buying
// process. The data comes from the customer's free-form `attributes` map, which the server
// passes through untouched (values are strings):
//
//   "attributes": {"company_size": "250", "industry": "Software",
//                  "annual_revenue": "12000000", "buying_stage": "evaluation"}
//
// The shape is the one every segmenter has (see the SDK README for the full contract):
//   Create(config)   once per catalog load        may throw ParamError; allocate freely
//   Compile(params)  once per persona criterion   may throw ParamError; allocate freely
//   Score(...)       once per customer, hot path  noexcept, no allocation, no locks
//
// To make your own: copy this folder and follow "Making it yours" in its README (every place
// to rename, tests and examples included), keeping the rules the comments point out.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using persona::sdk::AffinityAccumulator;
using persona::sdk::EqualsIgnoreCase;
using persona::sdk::FindAttribute;
using persona::sdk::ParamError;
using persona::sdk::ScoreContext;
using persona::sdk::Value;

// The attribute keys this plugin reads. They are part of the plugin's documented contract:
// the teams sending customers must use exactly these.
constexpr std::string_view kSizeAttribute = "company_size";
constexpr std::string_view kIndustryAttribute = "industry";
constexpr std::string_view kRevenueAttribute = "annual_revenue";
constexpr std::string_view kStageAttribute = "buying_stage";

constexpr const char* kStages[] = {"awareness", "consideration", "evaluation", "decision",
                                   "customer"};

constexpr double kMaxWeight = 1e6;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A number range on one attribute. Inside [min, max] the affinity is 1; outside it falls
// linearly to 0 over tolerance_ratio × the bound crossed (50 employees short of a 200
// minimum with ratio 0.5 gives 1 - 50/100 = 0.5).
struct RangeField {
  bool active = false;
  bool has_min = false;
  bool has_max = false;
  double min = 0.0;
  double max = kInfinity;
  double tolerance_ratio = 0.0;
  double weight = 1.0;

  double Affinity(double value) const {
    if (value >= min && value <= max) return 1.0;
    const double bound = value < min ? min : max;
    const double tolerance = tolerance_ratio * bound;
    if (!(tolerance > 0.0)) return 0.0;
    return std::max(0.0, 1.0 - std::abs(value - bound) / tolerance);
  }
};

// A set of accepted names on one attribute, compared case-insensitively.
struct NameSetField {
  bool active = false;
  std::vector<std::string> any_of;  // lowercased at compile time
  double weight = 1.0;

  bool Contains(std::string_view name) const {
    name = persona::sdk::TrimAsciiWhitespace(name);
    return std::any_of(any_of.begin(), any_of.end(), [&](const std::string& accepted) {
      return EqualsIgnoreCase(name, accepted);
    });
  }
};

double ParseWeight(const Value& object) {
  if (auto weight = object.Find("weight")) {
    const double w = weight->NumberIn(0, kMaxWeight);
    if (w <= 0.0) weight->Fail("must be > 0");
    return w;
  }
  return 1.0;
}

RangeField ParseRange(const Value& value, double default_tolerance_ratio) {
  value.RequireObject();
  value.RejectUnknownKeys({"min", "max", "tolerance_ratio", "weight"});
  RangeField field;
  field.active = true;
  field.tolerance_ratio = default_tolerance_ratio;
  const auto min = value.Find("min");
  const auto max = value.Find("max");
  if (!min && !max) value.Fail("must give min, max or both");
  field.has_min = min.has_value();
  field.has_max = max.has_value();
  if (min) field.min = min->NumberIn(0, 1e15);
  if (max) field.max = max->NumberIn(0, 1e15);
  if (field.min > field.max) value.Get("max").Fail("must be >= min");
  if (auto ratio = value.Find("tolerance_ratio")) field.tolerance_ratio = ratio->NumberIn(0, 10);
  field.weight = ParseWeight(value);
  return field;
}

// A list of names, or {"any_of": [...], "weight": w}. `allowed` (if not empty) turns a typo
// into a load error instead of a criterion that silently never matches.
NameSetField ParseNameSet(const Value& value, const std::vector<std::string_view>& allowed) {
  NameSetField field;
  field.active = true;
  std::vector<std::string> names;
  if (value.IsObject()) {
    value.RejectUnknownKeys({"any_of", "weight"});
    names = value.Get("any_of").StringList();
    field.weight = ParseWeight(value);
  } else {
    names = value.StringList();
  }
  if (names.empty()) value.Fail("must name at least one value");
  for (std::string& name : names) {
    name = persona::sdk::NormalizeTag(name);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      value.Fail("unknown value \"" + name + "\" (allowed: " + list + ")");
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  field.any_of = std::move(names);
  return field;
}

// "small" under 100 employees, "mid_market" under 1000, else "enterprise".
const char* SizeBand(double employees) {
  if (employees < 100) return "small";
  if (employees < 1000) return "mid_market";
  return "enterprise";
}

class FirmographicSegmenter {
 public:
  // The compiled form of one criterion: everything Score needs, already validated and
  // normalised, so the hot path only compares numbers and bytes.
  struct Criterion {
    RangeField company_size;
    NameSetField industries;
    RangeField annual_revenue;
    NameSetField buying_stages;
  };

  // Optional (ABI 1.1): what the params mean, and an example persona-plugin-check compiles
  // when run without --params. Keep it in step with Compile().
  static constexpr char kParamsDoc[] = R"json({
    "params": {
      "company_size": "employees: {min, max (0..1e15), tolerance_ratio (0..10), weight (> 0)}; attribute company_size",
      "industries": "list of industry names, or {any_of: [...], weight}; attribute industry, case-insensitive",
      "annual_revenue": "revenue range like company_size, in the attribute's currency; attribute annual_revenue",
      "buying_stages": "list of awareness|consideration|evaluation|decision|customer, or {any_of, weight}; attribute buying_stage"},
    "config": {
      "size_tolerance_ratio": "default company_size tolerance_ratio (0..10, default 0.25)",
      "revenue_tolerance_ratio": "default annual_revenue tolerance_ratio (0..10, default 0.25)"},
    "example": {"company_size": {"min": 100, "max": 999},
                "industries": ["software", "fintech"],
                "buying_stages": ["evaluation", "decision"]}})json";

  // Once per catalog load with the segmenter's `config` object. Unknown keys are errors: a
  // typo must fail the catalog load, not silently keep a default.
  static std::unique_ptr<FirmographicSegmenter> Create(const Value& config) {
    config.RejectUnknownKeys({"size_tolerance_ratio", "revenue_tolerance_ratio"});
    auto segmenter = std::make_unique<FirmographicSegmenter>();
    if (auto v = config.Find("size_tolerance_ratio")) {
      segmenter->size_tolerance_ratio_ = v->NumberIn(0, 10);
    }
    if (auto v = config.Find("revenue_tolerance_ratio")) {
      segmenter->revenue_tolerance_ratio_ = v->NumberIn(0, 10);
    }
    return segmenter;
  }

  // Once per persona criterion. Errors name the path ("params.company_size.min: must be
  // between 0 and 1e+15, got -3"); the server prefixes the persona and criterion.
  std::unique_ptr<Criterion> Compile(const Value& params) const {
    params.RejectUnknownKeys({"company_size", "industries", "annual_revenue", "buying_stages"});
    auto criterion = std::make_unique<Criterion>();
    if (auto v = params.Find("company_size")) {
      criterion->company_size = ParseRange(*v, size_tolerance_ratio_);
    }
    if (auto v = params.Find("industries")) criterion->industries = ParseNameSet(*v, {});
    if (auto v = params.Find("annual_revenue")) {
      criterion->annual_revenue = ParseRange(*v, revenue_tolerance_ratio_);
    }
    if (auto v = params.Find("buying_stages")) {
      criterion->buying_stages =
          ParseNameSet(*v, std::vector<std::string_view>(std::begin(kStages), std::end(kStages)));
    }
    if (!criterion->company_size.active && !criterion->industries.active &&
        !criterion->annual_revenue.active && !criterion->buying_stages.active) {
      params.Fail(
          "must give at least one of company_size, industries, annual_revenue, "
          "buying_stages");
    }
    return criterion;
  }

  // The hot path: one call per customer grades every criterion of every persona that uses
  // this segmenter. Rules: const (many threads call it at once), noexcept, no allocation (no
  // std::string, no vector growth, no new), no locks. Explanation text is built only when
  // the caller asked for it, in a stack buffer.
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const ScoreContext& context, PersonaCriterionScore* scores) const noexcept {
    // Read and parse each attribute once per customer, not once per criterion.
    const Attribute size = ReadNumber(customer, kSizeAttribute);
    const Attribute revenue = ReadNumber(customer, kRevenueAttribute);
    const std::optional<std::string_view> industry = FindAttribute(customer, kIndustryAttribute);
    const std::optional<std::string_view> stage = FindAttribute(customer, kStageAttribute);

    // Labels: what this segmenter concludes about the customer, on every call (even with no
    // criteria), independent of explain. Shown as "firmographic.size_band: mid_market".
    if (size.state == Attribute::kNumber) context.AddLabel("size_band", SizeBand(size.value));

    for (size_t i = 0; i < count; ++i) {
      const Criterion& c = *criteria[i];
      AffinityAccumulator accumulator;
      if (c.company_size.active) {
        GradeRange(i, "company_size", kSizeAttribute, "employees", c.company_size, size, context,
                   &accumulator);
      }
      if (c.industries.active) {
        GradeName(i, "industries", kIndustryAttribute, c.industries, industry, context,
                  &accumulator);
      }
      if (c.annual_revenue.active) {
        GradeRange(i, "annual_revenue", kRevenueAttribute, "revenue", c.annual_revenue, revenue,
                   context, &accumulator);
      }
      if (c.buying_stages.active) {
        GradeName(i, "buying_stages", kStageAttribute, c.buying_stages, stage, context,
                  &accumulator);
      }
      // coverage = the weight share of fields the customer had data for; the server blends
      // the criterion's missing_affinity in for the rest. Missing is never zero.
      scores[i] = accumulator.Result();
    }
  }

 private:
  // A numeric attribute as found on the customer.
  struct Attribute {
    enum State { kAbsent, kNumber, kMalformed } state = kAbsent;
    double value = 0.0;
    std::string_view text;
  };

  static Attribute ReadNumber(const PersonaCustomer& customer, std::string_view key) {
    Attribute attribute;
    const std::optional<std::string_view> text = FindAttribute(customer, key);
    if (!text || text->empty()) return attribute;
    attribute.text = *text;
    double value = 0.0;
    // A value that is not a non-negative number is treated as missing data, never as zero:
    // the customer did not tell us, so we must not pretend they did.
    if (persona::sdk::ParseNumber(*text, &value) && value >= 0.0) {
      attribute.state = Attribute::kNumber;
      attribute.value = value;
    } else {
      attribute.state = Attribute::kMalformed;
    }
    return attribute;
  }

  static void GradeRange(size_t index, std::string_view field, std::string_view attribute_key,
                         const char* unit, const RangeField& range, const Attribute& attribute,
                         const ScoreContext& context, AffinityAccumulator* accumulator) {
    if (attribute.state != Attribute::kNumber) {
      accumulator->AddMissing(range.weight);
      if (context.explain()) {
        char reason[160];
        if (attribute.state == Attribute::kAbsent) {
          std::snprintf(reason, sizeof(reason), "no %.*s attribute",
                        static_cast<int>(attribute_key.size()), attribute_key.data());
        } else {
          std::snprintf(reason, sizeof(reason), "\"%.*s\" is not a number >= 0",
                        static_cast<int>(std::min<size_t>(attribute.text.size(), 40)),
                        attribute.text.data());
        }
        context.AddDetail(index, field, 0.0, /*missing=*/true, reason);
      }
      return;
    }
    const double affinity = range.Affinity(attribute.value);
    accumulator->AddPresent(range.weight, affinity);
    if (context.explain()) {
      char reason[160];
      if (range.has_min && range.has_max) {
        std::snprintf(reason, sizeof(reason), "%s %g, wanted %g..%g -> %.3g", unit, attribute.value,
                      range.min, range.max, affinity);
      } else if (range.has_min) {
        std::snprintf(reason, sizeof(reason), "%s %g, wanted >= %g -> %.3g", unit, attribute.value,
                      range.min, affinity);
      } else {
        std::snprintf(reason, sizeof(reason), "%s %g, wanted <= %g -> %.3g", unit, attribute.value,
                      range.max, affinity);
      }
      context.AddDetail(index, field, affinity, /*missing=*/false, reason);
    }
  }

  static void GradeName(size_t index, std::string_view field, std::string_view attribute_key,
                        const NameSetField& names, const std::optional<std::string_view>& value,
                        const ScoreContext& context, AffinityAccumulator* accumulator) {
    if (!value || persona::sdk::TrimAsciiWhitespace(*value).empty()) {
      accumulator->AddMissing(names.weight);
      if (context.explain()) {
        char reason[96];
        std::snprintf(reason, sizeof(reason), "no %.*s attribute",
                      static_cast<int>(attribute_key.size()), attribute_key.data());
        context.AddDetail(index, field, 0.0, /*missing=*/true, reason);
      }
      return;
    }
    const bool listed = names.Contains(*value);
    accumulator->AddPresent(names.weight, listed ? 1.0 : 0.0);
    if (context.explain()) {
      char reason[160];
      std::snprintf(reason, sizeof(reason), "%.*s %s",
                    static_cast<int>(std::min<size_t>(value->size(), 60)), value->data(),
                    listed ? "is listed" : "is not listed");
      context.AddDetail(index, field, listed ? 1.0 : 0.0, /*missing=*/false, reason);
    }
  }

  double size_tolerance_ratio_ = 0.25;
  double revenue_tolerance_ratio_ = 0.25;
};

}  // namespace

// The library's one exported symbol: name (the default segmenter name in catalogs), the
// plugin's own version, and the one-line description ListSegmenters shows.
PERSONA_SEGMENTER_PLUGIN(FirmographicSegmenter, "firmographic", "1.0.0",
                         "B2B firmographics: company size, industry, annual revenue and buying "
                         "stage, from customer attributes.")
