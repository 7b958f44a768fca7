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

// What variations may add to the default personas' category and season lists (the seasons
// are the ones the generated catalog's triggers config declares).
constexpr std::string_view kPersonaCategories[] = {"baby",   "kids",    "fashion",     "beauty",
                                                   "home",   "grocery", "electronics", "sports",
                                                   "health", "toys"};
constexpr std::string_view kPersonaSeasons[] = {"harbolnas", "twin_date_sale", "ramadan", "lebaran",
                                                "payday",    "back_to_school", "year_end"};

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

// behavioral "categories"/"brands"/"channels": {"any_of", "min_share", "window_days", "by"}.
void ShareOf(JsonWriter& json, std::string_view key, Variation& v,
             const std::vector<std::string_view>& any_of, double min_share, int64_t window_days,
             std::string_view by, double weight = 1.0) {
  json.Key(key).BeginObject().Key("any_of");
  StringArray(json, any_of);
  json.Key("min_share")
      .Number(v.vary() ? Round(v.rng().Uniform(0.8, 1.2) * min_share, 2) : min_share);
  json.Key("window_days").Int(window_days);
  if (!by.empty()) json.Key("by").String(by);
  if (weight != 1.0) json.Key("weight").Number(weight);
  json.EndObject();
}

// behavioral "events": one entry.
void EventCount(JsonWriter& json, std::string_view type, std::string_view category,
                int64_t min_count, int64_t within_days) {
  json.Key("events").BeginArray().BeginObject().Key("type").String(type);
  if (!category.empty())
    json.Key("where").BeginObject().Key("category").String(category).EndObject();
  json.Key("min_count").Int(min_count).Key("within_days").Int(within_days);
  json.EndObject().EndArray();
}

void StringList(JsonWriter& json, std::string_view key,
                const std::vector<std::string_view>& values) {
  json.Key(key);
  StringArray(json, values);
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

  BeginCriterion(json, "behavioral", v.Weight(0.3));
  json.Key("params").BeginObject();
  json.Key("discount_share")
      .BeginObject()
      .Key("min")
      .Number(v.vary() ? Round(v.rng().Uniform(0.5, 0.7), 2) : 0.6);
  json.Key("window_days").Int(365).Key("weight").Number(2).EndObject();
  json.Key("basket_value")
      .BeginObject()
      .Key("max")
      .Number(v.vary() ? Round(v.rng().Uniform(60, 100), 0) : 80);
  json.EndObject().EndObject().EndObject();

  BeginCriterion(json, "triggers", v.Weight(0.1));
  json.Key("params").BeginObject();
  StringList(json, "seasons", v.Tags({"payday", "harbolnas", "twin_date_sale"}, kPersonaSeasons));
  json.EndObject().EndObject();

  BeginCriterion(json, "digital", v.Weight(0.1));
  json.Key("params").BeginObject();
  StringList(json, "reachable_on", v.Tags({"whatsapp", "sms"}, kContactOptIns));
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

  BeginCriterion(json, "behavioral", v.Weight(0.3));
  json.Key("params").BeginObject();
  ShareOf(json, "categories", v, v.Tags({"baby", "kids"}, kPersonaCategories), 0.4, 180, "spend",
          2);
  ShareOf(json, "channels", v, {"app"}, 0.6, 180, "orders");
  EventCount(json, "page_view", "baby", v.vary() ? v.rng().Int(2, 4) : 3, 14);
  json.EndObject().EndObject();

  BeginCriterion(json, "digital", v.Weight(0.1));
  json.Key("params").BeginObject();
  StringList(json, "primary_device", {"mobile"});
  StringList(json, "reachable_on", v.Tags({"whatsapp", "push", "email"}, kContactOptIns));
  json.EndObject().EndObject();

  BeginCriterion(json, "triggers", v.Weight(0.1));
  json.Key("params").BeginObject().Key("life_events").BeginObject().Key("any_of");
  StringArray(json, {"new_baby", "pregnancy"});
  json.Key("within_days").Int(365).EndObject().EndObject().EndObject();
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

  BeginCriterion(json, "behavioral", v.Weight(0.15));
  json.Key("params").BeginObject();
  StringList(json, "nps", {"promoter"});
  json.EndObject().EndObject();

  BeginCriterion(json, "digital", v.Weight(0.05));
  json.Key("params").BeginObject();
  StringList(json, "reachable_on", v.Tags({"email", "whatsapp", "push"}, kContactOptIns));
  json.EndObject().EndObject();

  BeginCriterion(json, "triggers", v.Weight(0.05));
  json.Key("params").BeginObject().Key("signup_anniversary").BeginObject();
  json.Key("within_days").Int(v.vary() ? v.rng().Int(14, 45) : 30).EndObject();
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

  BeginCriterion(json, "behavioral", v.Weight(0.3));
  json.Key("params").BeginObject();
  EventCount(json, "support_ticket", "", v.vary() ? v.rng().Int(1, 3) : 2, 60);
  StringList(json, "nps", {"detractor"});
  json.EndObject().EndObject();

  BeginCriterion(json, "digital", v.Weight(0.05));
  json.Key("params").BeginObject();
  StringList(json, "reachable_on", v.Tags({"email", "phone", "whatsapp"}, kContactOptIns));
  json.EndObject().EndObject();

  BeginCriterion(json, "triggers", v.Weight(0.05));
  json.Key("params").BeginObject().Key("birthday").BeginObject();
  json.Key("within_days").Int(30).EndObject().EndObject().EndObject();
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

  BeginCriterion(json, "digital", v.Weight(0.25));
  json.Key("params").BeginObject();
  json.Key("platforms").BeginObject().Key("any_of");
  StringArray(json, v.Tags({"tiktok", "instagram", "tiktok-shop"}, kPlatforms));
  json.Key("min_sessions_30d").Int(v.vary() ? v.rng().Int(4, 12) : 8).EndObject();
  json.Key("mobile_share").BeginObject().Key("min").Number(0.7);
  json.Key("within_days").Int(30).EndObject();
  json.EndObject().EndObject();

  BeginCriterion(json, "behavioral", v.Weight(0.15));
  json.Key("params").BeginObject();
  ShareOf(json, "categories", v, v.Tags({"fashion", "beauty"}, kPersonaCategories), 0.5, 180, "");
  json.EndObject().EndObject();

  BeginCriterion(json, "triggers", v.Weight(0.05));
  json.Key("params").BeginObject();
  StringList(json, "seasons", v.Tags({"harbolnas", "twin_date_sale", "payday"}, kPersonaSeasons));
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
      "    {\"name\": \"psychographic\", \"plugin\": \"libsegmenter_psychographic.so\"},\n"
      "    {\"name\": \"behavioral\", \"plugin\": \"libsegmenter_behavioral.so\"},\n"
      "    {\"name\": \"digital\", \"plugin\": \"libsegmenter_digital.so\",\n"
      "     \"config\": {\"channel_preference\": [\"whatsapp\", \"push\", \"email\", \"sms\"]}},\n"
      "    {\"name\": \"triggers\", \"plugin\": \"libsegmenter_triggers.so\",\n"
      "     \"config\": {\"default_time_zone\": \"+07:00\", \"calendars\": {\n"
      "       \"harbolnas\": {\"yearly\": [\"11.11\", \"12.12\"], \"days_before\": 2},\n"
      "       \"twin_date_sale\": {\"yearly\": [\"9.9\", \"10.10\"], \"days_before\": 1},\n"
      "       \"ramadan\": {\"dates\": [\"2026-02-18\", \"2027-02-08\"], \"days_after\": 29},\n"
      "       \"lebaran\": {\"dates\": [\"2026-03-20\", \"2027-03-10\"], \"days_before\": 14,\n"
      "                   \"days_after\": 7},\n"
      "       \"payday\": {\"monthly\": {\"from_day\": 25, \"to_day\": 2}, \"days_before\": 3},\n"
      "       \"back_to_school\": {\"yearly_range\": {\"from\": \"7.1\", \"to\": \"7.31\"}},\n"
      "       \"year_end\": {\"yearly_range\": {\"from\": \"12.20\", \"to\": \"1.1\"}}}}}\n"
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
