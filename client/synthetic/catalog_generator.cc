#include "client/synthetic/catalog_generator.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "client/synthetic/rng.h"
#include "client/synthetic/vocabulary.h"
#include "client/text/json_writer.h"

namespace persona {
namespace synthetic {
namespace {

// Shifts and re-weights a default persona's numbers; the exact default for the first five.
class Variation {
 public:
  Variation(Rng* rng, bool vary) : rng_(*rng), vary_(vary) {}

  bool vary() const { return vary_; }
  Rng& rng() { return rng_; }

  double Weight(double w) { return vary_ ? Round(w * rng_.Uniform(0.7, 1.3), 2) : w; }
  double Importance(double v) {
    return vary_ ? Round(std::clamp(v + rng_.Uniform(-0.2, 0.2), 0.3, 1.0), 2) : v;
  }
  double Trait(double v) {
    return vary_ ? Round(std::clamp(v + rng_.Uniform(-0.1, 0.1), 0.0, 1.0), 2) : v;
  }
  std::pair<int64_t, int64_t> Ages(int64_t lo, int64_t hi) {
    if (!vary_) return {lo, hi};
    lo = std::clamp<int64_t>(lo + rng_.Int(-5, 5), 16, 80);
    hi = std::clamp<int64_t>(hi + rng_.Int(-5, 5), lo + 3, 95);
    return {lo, hi};
  }
  double Money(double v) { return vary_ ? Round(v * rng_.Uniform(0.7, 1.3) / 1000, 0) * 1000 : v; }

  // The template's tags, and for a variation maybe one more (never a duplicate).
  template <size_t N>
  std::vector<std::string_view> Tags(std::initializer_list<std::string_view> base,
                                     const std::string_view (&pool)[N]) {
    std::vector<std::string_view> tags(base);
    if (vary_ && rng_.Chance(0.5)) AddDistinct(&tags, pool[rng_.Index(N)]);
    return tags;
  }

  static void AddDistinct(std::vector<std::string_view>* tags, std::string_view tag) {
    if (std::find(tags->begin(), tags->end(), tag) == tags->end()) tags->push_back(tag);
  }

 private:
  Rng& rng_;
  const bool vary_;
};

void StringArray(JsonWriter& json, const std::vector<std::string_view>& values) {
  json.BeginArray();
  for (std::string_view v : values) json.String(v);
  json.EndArray();
}

void AnyOf(JsonWriter& json, std::string_view key, const std::vector<std::string_view>& values) {
  json.Key(key).BeginObject().Key("any_of");
  StringArray(json, values);
  json.Key("match").String("any").EndObject();
}

// interests: the template's tags with their importance, plus up to two extra for a variation.
void Interests(JsonWriter& json, Variation& v,
               std::initializer_list<std::pair<std::string_view, double>> base) {
  std::vector<std::pair<std::string_view, double>> tags;
  for (const auto& [tag, importance] : base) tags.emplace_back(tag, v.Importance(importance));
  if (v.vary()) {
    const int extra = static_cast<int>(v.rng().Int(0, 2));
    for (int i = 0; i < extra; ++i) {
      const std::string_view tag = kInterests[v.rng().Index(std::size(kInterests))];
      const bool seen =
          std::any_of(tags.begin(), tags.end(), [tag](const auto& t) { return t.first == tag; });
      if (!seen) tags.emplace_back(tag, Round(v.rng().Uniform(0.2, 0.6), 2));
    }
  }
  json.Key("interests").BeginObject();
  for (const auto& [tag, importance] : tags) json.Key(tag).Number(importance);
  json.EndObject();
}

// A subset of `base` (never empty) for a variation, sometimes with one more segment.
std::vector<std::string_view> Segments(Variation& v, std::initializer_list<std::string_view> base) {
  std::vector<std::string_view> out(base);
  if (!v.vary()) return out;
  if (out.size() > 1 && v.rng().Chance(0.3)) out.erase(out.begin() + v.rng().Index(out.size()));
  if (v.rng().Chance(0.3)) {
    Variation::AddDistinct(&out, kRfmSegments[v.rng().Index(std::size(kRfmSegments))]);
  }
  return out;
}

void BeginCriterion(JsonWriter& json, std::string_view segmenter, double weight) {
  json.BeginObject().Key("segmenter").String(segmenter).Key("weight").Number(weight);
}

// Sometimes a variation also asks for a country, so catalogs exercise the string sets.
void MaybeCountry(JsonWriter& json, Variation& v) {
  if (!v.vary() || !v.rng().Chance(0.25)) return;
  std::vector<std::string_view> countries;
  const int n = static_cast<int>(v.rng().Int(1, 3));
  for (int i = 0; i < n; ++i) {
    Variation::AddDistinct(&countries, kPlaces[v.rng().Index(std::size(kPlaces))].country);
  }
  json.Key("country").BeginObject().Key("any_of");
  StringArray(json, countries);
  json.Key("weight").Number(0.5).EndObject();
}

void HematFred(JsonWriter& json, Variation& v) {
  BeginCriterion(json, "demographic", v.Weight(0.3));
  const auto [lo, hi] = v.Ages(25, 45);
  json.Key("params").BeginObject();
  json.Key("age").BeginObject().Key("min").Int(lo).Key("max").Int(hi).EndObject();
  json.Key("annual_income").BeginObject().Key("max").Number(v.Money(40000));
  json.Key("weight").Number(2).EndObject();
  MaybeCountry(json, v);
  json.EndObject().EndObject();

  BeginCriterion(json, "rfm", v.Weight(0.3));
  json.Key("params").BeginObject().Key("segments");
  StringArray(json, Segments(v, {"potential_loyalist", "need_attention", "promising"}));
  json.EndObject().EndObject();

  BeginCriterion(json, "psychographic", v.Weight(0.4));
  json.Key("params").BeginObject();
  Interests(json, v, {{"discounts", 1.0}, {"coupons", 0.8}, {"price-comparison", 0.6}});
  AnyOf(json, "values", v.Tags({"frugality", "value-for-money"}, kValues));
  json.EndObject().EndObject();
}

void YoungWorkingMother(JsonWriter& json, Variation& v) {
  BeginCriterion(json, "demographic", v.Weight(0.4));
  const auto [lo, hi] = v.Ages(25, 40);
  json.Key("params").BeginObject();
  json.Key("gender");
  StringArray(json, {"female"});
  json.Key("age").BeginObject().Key("min").Int(lo).Key("max").Int(hi).EndObject();
  json.Key("household_size").BeginObject().Key("min").Int(3).EndObject();
  json.Key("marital_status");
  StringArray(json, {"married", "domestic_partnership"});
  MaybeCountry(json, v);
  json.EndObject().EndObject();

  BeginCriterion(json, "rfm", v.Weight(0.2));
  json.Key("params").BeginObject().Key("f").BeginObject().Key("min").Int(3).EndObject();
  json.EndObject().EndObject();

  BeginCriterion(json, "psychographic", v.Weight(0.4));
  json.Key("params").BeginObject();
  AnyOf(json, "lifestyle", v.Tags({"busy-parent", "working-professional"}, kLifestyles));
  json.Key("values");
  StringArray(json, v.Tags({"family", "convenience"}, kValues));
  Interests(json, v, {{"kids", 1.0}, {"home", 0.5}, {"convenience", 0.8}});
  AnyOf(json, "preferred_channels", v.Tags({"app", "email"}, kChannels));
  json.EndObject().EndObject();
}

void LoyalChampion(JsonWriter& json, Variation& v) {
  BeginCriterion(json, "rfm", v.Weight(0.6));
  json.Key("required").Bool(true).Key("min_affinity").Number(0.5);
  json.Key("params").BeginObject().Key("segments");
  StringArray(json, Segments(v, {"champions", "loyal_customers"}));
  json.EndObject().EndObject();

  BeginCriterion(json, "psychographic", v.Weight(0.3));
  json.Key("params").BeginObject();
  json.Key("values");
  StringArray(json, v.Tags({"brand-loyalty", "quality"}, kValues));
  Interests(json, v, {{"new-arrivals", 1.0}, {"membership-rewards", 0.8}});
  json.Key("personality").BeginObject().Key("conscientiousness").Number(v.Trait(0.7));
  json.EndObject().EndObject().EndObject();

  BeginCriterion(json, "demographic", v.Weight(0.1));
  const auto [lo, hi] = v.Ages(25, 60);
  json.Key("params").BeginObject();
  json.Key("age").BeginObject().Key("min").Int(lo).Key("max").Int(hi).EndObject();
  MaybeCountry(json, v);
  json.EndObject().EndObject();
}

void HighValueAtRisk(JsonWriter& json, Variation& v) {
  BeginCriterion(json, "rfm", v.Weight(0.6));
  json.Key("required").Bool(true).Key("min_affinity").Number(0.75);
  json.Key("params").BeginObject().Key("segments");
  StringArray(json, Segments(v, {"at_risk", "cant_lose_them"}));
  json.Key("m").BeginObject().Key("min").Int(v.vary() ? v.rng().Int(3, 4) : 4).EndObject();
  json.EndObject().EndObject();

  BeginCriterion(json, "demographic", v.Weight(0.15));
  json.Key("params").BeginObject();
  json.Key("annual_income").BeginObject().Key("min").Number(v.Money(60000)).EndObject();
  MaybeCountry(json, v);
  json.EndObject().EndObject();

  BeginCriterion(json, "psychographic", v.Weight(0.25));
  json.Key("params").BeginObject();
  AnyOf(json, "values", v.Tags({"quality", "premium"}, kValues));
  Interests(json, v, {{"premium", 1.0}, {"exclusive-offers", 0.7}});
  AnyOf(json, "preferred_channels", v.Tags({"phone", "email"}, kChannels));
  json.EndObject().EndObject();
}

void UrbanTrendsetter(JsonWriter& json, Variation& v) {
  BeginCriterion(json, "demographic", v.Weight(0.35));
  const auto [lo, hi] = v.Ages(18, 29);
  json.Key("params").BeginObject();
  json.Key("age").BeginObject().Key("min").Int(lo).Key("max").Int(hi).EndObject();
  json.Key("urbanicity");
  StringArray(json, {"urban"});
  MaybeCountry(json, v);
  json.EndObject().EndObject();

  BeginCriterion(json, "rfm", v.Weight(0.15));
  json.Key("params").BeginObject().Key("segments");
  StringArray(json, Segments(v, {"new_customers", "promising", "potential_loyalist"}));
  json.EndObject().EndObject();

  BeginCriterion(json, "psychographic", v.Weight(0.5));
  json.Key("params").BeginObject();
  Interests(json, v, {{"fashion", 1.0}, {"trending", 0.9}, {"social-media", 0.8}});
  AnyOf(json, "lifestyle", v.Tags({"urban", "nightlife", "festival-goer"}, kLifestyles));
  json.Key("personality").BeginObject();
  json.Key("openness").Number(v.Trait(0.8)).Key("extraversion").Number(v.Trait(0.75));
  json.EndObject();
  AnyOf(json, "preferred_channels", v.Tags({"instagram", "tiktok", "app"}, kChannels));
  json.EndObject().EndObject();
}

struct Template {
  std::string_view id;
  std::string_view display_name;
  std::string_view description;
  std::string_view tags[2];
  void (*criteria)(JsonWriter&, Variation&);
};

const Template kTemplates[] = {
    {"hemat-fred",
     "Hemat Fred",
     "The budget-minded buyer.",
     {"price-sensitive", "promotions"},
     &HematFred},
    {"young-working-mother",
     "Young Working Mother",
     "Juggles a job and small children.",
     {"family", "convenience"},
     &YoungWorkingMother},
    {"loyal-champion",
     "Loyal Champion",
     "Buys recently, often and well.",
     {"loyalty", "advocacy"},
     &LoyalChampion},
    {"high-value-at-risk",
     "High-Value Customer at Risk",
     "Used to buy a lot; gone quiet.",
     {"churn-risk", "win-back"},
     &HighValueAtRisk},
    {"urban-trendsetter",
     "Urban Trendsetter",
     "Young city shopper who follows trends.",
     {"trend", "social"},
     &UrbanTrendsetter},
};

std::string PersonaJson(int index, Rng& rng) {
  const Template& t = kTemplates[index % std::size(kTemplates)];
  const bool vary = index >= static_cast<int>(std::size(kTemplates));
  Variation v(&rng, vary);
  std::string id(t.id);
  std::string name(t.display_name);
  if (vary) {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "-%05d", index);
    id += suffix;
    name += " #" + std::to_string(index);
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("id").String(id).Key("display_name").String(name);
  json.Key("description").String(t.description);
  json.Key("tags").BeginArray().String(t.tags[0]).String(t.tags[1]).EndArray();
  json.Key("min_score").Number(vary ? Round(rng.Uniform(0.5, 0.65), 2) : 0.55);
  json.Key("criteria").BeginArray();
  t.criteria(json, v);
  json.EndArray().EndObject();
  return json.Take();
}

}  // namespace

std::string GenerateCatalogJson(int personas, uint64_t seed) {
  Rng rng(seed);
  std::string out = "{\n  \"version\": ";
  AppendJsonString("synthetic-" + std::to_string(personas) + "p-seed" + std::to_string(seed), &out);
  out +=
      ",\n  \"segmenters\": [\n"
      "    {\"name\": \"demographic\", \"plugin\": \"libsegmenter_demographic.so\",\n"
      "     \"config\": {\"age_tolerance\": 5, \"income_tolerance_ratio\": 0.2}},\n"
      "    {\"name\": \"rfm\", \"plugin\": \"libsegmenter_rfm.so\",\n"
      "     \"config\": {\"recency_days\": [14, 30, 90, 180], \"frequency\": [1, 2, 4, 8],\n"
      "                \"monetary\": [50, 150, 400, 1000], \"window_days\": 365}},\n"
      "    {\"name\": \"psychographic\", \"plugin\": \"libsegmenter_psychographic.so\"}\n"
      "  ],\n  \"personas\": [";
  for (int i = 0; i < personas; ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    out += PersonaJson(i, rng);
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace synthetic
}  // namespace persona
