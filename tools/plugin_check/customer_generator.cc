#include "tools/plugin_check/customer_generator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <utility>

namespace persona {
namespace plugin_check {
namespace {

constexpr const char* kGenders[] = {"female", "male", "non_binary", "other"};
constexpr const char* kCountries[] = {"ID", "id", "US", "De", "NO", "SE", "dk", "BR", "IN", "JP"};
constexpr const char* kRegions[] = {"West Java", "california", "Bavaria", "Oslo", "Skåne"};
constexpr const char* kCities[] = {"Bandung", "JAKARTA", "San Francisco", "München", "Malmö"};
constexpr const char* kUrbanicity[] = {"urban", "suburban", "rural"};
constexpr const char* kEducation[] = {"primary",  "secondary", "vocational",
                                      "bachelor", "master",    "doctorate"};
constexpr const char* kOccupations[] = {
    "Software Engineer",  "nurse", "Warehouse Supervisor", "Teacher", "CTO", "veterinarian",
    "Head of Procurement"};
constexpr const char* kMarital[] = {"single", "married", "domestic_partnership", "divorced",
                                    "widowed"};
constexpr const char* kBrands[] = {"acme", "globex", "initech", "umbrella", "hooli", "stark"};
constexpr const char* kChannels[] = {"web", "app", "store", "email", "sms", "whatsapp", "phone"};
constexpr const char* kInterests[] = {
    "discounts",
    "coupons",
    "price-comparison",
    "fashion",
    "football",
    "kids",
    "home",
    "travel",
    "luxury",
    "tech",
    "sustainability",
    "fitness",
    "cooking",
    "gaming",
    "books",
    "beauty",
    "outdoors",
    "convenience",
    "music",
    "art",
    "a_very_long_interest_tag_name_beyond_small_string_optimisation"};
constexpr const char* kValues[] = {"frugality", "family",    "value-for-money", "status",
                                   "tradition", "adventure", "sustainability",  "convenience"};
constexpr const char* kLifestyle[] = {
    "busy-parent", "working-professional", "homebody", "urban", "student", "retired"};
constexpr const char* kIndustries[] = {"software", "Retail", "manufacturing", "healthcare",
                                       "finance",  "SaaS",   "logistics",     "education",
                                       "Fintech",  "energy"};
constexpr const char* kStages[] = {"awareness", "consideration", "evaluation", "decision",
                                   "customer"};
constexpr const char* kTiers[] = {"bronze", "silver", "gold", "platinum"};
// Attribute values a careless plugin might choke on.
constexpr const char* kMalformedNumbers[] = {"",    "unknown", "-5",   "1e400",
                                             "nan", "12 000",  "0x10", " 250 "};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&items)[N]) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

bool Chance(std::mt19937_64& rng, double p) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

double Uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

int64_t UniformInt(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A unit-interval strength that sometimes sits exactly on a bound.
double Strength(std::mt19937_64& rng) {
  const double r = Uniform(rng, 0.0, 1.0);
  if (r < 0.05) return 0.0;
  if (r < 0.10) return 1.0;
  return Uniform(rng, 0.0, 1.0);
}

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.15g", value);
  return buffer;
}

template <size_t N>
std::vector<std::string> PickTags(std::mt19937_64& rng, const char* const (&pool)[N],
                                  size_t max_count) {
  std::vector<std::string> tags;
  const size_t count = static_cast<size_t>(UniformInt(rng, 0, static_cast<int64_t>(max_count)));
  for (size_t i = 0; i < count; ++i) tags.emplace_back(Pick(rng, pool));
  // Normalised like the server does: sorted by bytes, unique.
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

}  // namespace

PersonaString GeneratedCustomer::Keep(std::string text) {
  if (text.empty()) return PersonaString{nullptr, 0};
  strings_.push_back(std::move(text));
  return PersonaString{strings_.back().data(), strings_.back().size()};
}

// Fills a GeneratedCustomer; a class (friend of it) rather than free functions so the
// customer's storage stays private.
class CustomerFactory {
 public:
  explicit CustomerFactory(const GeneratorOptions& options)
      : options_(options), rng_(options.seed) {}

  std::unique_ptr<GeneratedCustomer> Empty(size_t index) {
    auto customer = std::make_unique<GeneratedCustomer>();
    PersonaCustomer& v = customer->view_;
    v.struct_size = sizeof(PersonaCustomer);
    v.customer_id = customer->Keep(Id(index));
    return customer;
  }

  std::unique_ptr<GeneratedCustomer> Maximal(size_t index) {
    auto customer = std::make_unique<GeneratedCustomer>();
    GeneratedCustomer& c = *customer;
    PersonaCustomer& v = c.view_;
    v.struct_size = sizeof(PersonaCustomer);
    v.customer_id = c.Keep(Id(index));
    v.age = {130.0, 1};
    v.gender = c.Keep("other");
    v.country = c.Keep("ZZ");
    v.urbanicity = c.Keep("rural");
    v.education = c.Keep("doctorate");
    v.annual_income = {1e12, 1};
    v.household_size = {50.0, 1};
    v.rfm_days_since_last_order = {0.0, 1};
    v.rfm_order_count = {1e6, 1};
    v.rfm_total_spend = {1e12, 1};
    for (const char* tag : kInterests) Tag(&c, tag, 1.0);
    std::sort(c.interests_.begin(), c.interests_.end(),
              [](const PersonaTagStrength& a, const PersonaTagStrength& b) {
                return std::string_view(a.tag.data, a.tag.size) <
                       std::string_view(b.tag.data, b.tag.size);
              });
    v.openness = v.conscientiousness = v.extraversion = v.agreeableness = v.neuroticism = {1.0, 1};
    std::vector<std::pair<std::string, std::string>> attributes = {{"annual_revenue", "1e15"},
                                                                   {"buying_stage", "customer"},
                                                                   {"company_size", "10000000"},
                                                                   {"industry", "software"}};
    AddExtraAttributes(&attributes, /*always=*/true);
    Finish(&c, std::move(attributes), {}, {}, {}, {}, {});
    return customer;
  }

  std::unique_ptr<GeneratedCustomer> Random(size_t index) {
    auto customer = std::make_unique<GeneratedCustomer>();
    GeneratedCustomer& c = *customer;
    PersonaCustomer& v = c.view_;
    v.struct_size = sizeof(PersonaCustomer);
    v.customer_id = c.Keep(Id(index));

    // Demographics: each field present most of the time, never zero for "absent".
    if (Chance(rng_, 0.9)) {
      const double r = Uniform(rng_, 0, 1);
      v.age = {r < 0.02   ? 0.0
               : r < 0.04 ? 130.0
                          : static_cast<double>(UniformInt(rng_, 16, 90)),
               1};
    }
    if (Chance(rng_, 0.85)) v.gender = c.Keep(Pick(rng_, kGenders));
    if (Chance(rng_, 0.85)) v.country = c.Keep(Pick(rng_, kCountries));
    if (Chance(rng_, 0.6)) v.region = c.Keep(Pick(rng_, kRegions));
    if (Chance(rng_, 0.7)) v.city = c.Keep(Pick(rng_, kCities));
    if (Chance(rng_, 0.8)) v.urbanicity = c.Keep(Pick(rng_, kUrbanicity));
    if (Chance(rng_, 0.7)) v.education = c.Keep(Pick(rng_, kEducation));
    if (Chance(rng_, 0.8)) {
      v.annual_income = {Chance(rng_, 0.03) ? 0.0 : std::round(std::exp(Uniform(rng_, 8.5, 12.5))),
                         1};
    }
    if (Chance(rng_, 0.7)) v.occupation = c.Keep(Pick(rng_, kOccupations));
    if (Chance(rng_, 0.75)) v.marital_status = c.Keep(Pick(rng_, kMarital));
    if (Chance(rng_, 0.7)) v.household_size = {static_cast<double>(UniformInt(rng_, 1, 8)), 1};

    // Behaviour: orders inside the last three years, sorted by time; sometimes none.
    const int64_t order_count = Chance(rng_, 0.3) ? 0 : UniformInt(rng_, 1, 40);
    std::vector<int64_t> times;
    for (int64_t i = 0; i < order_count; ++i) {
      times.push_back(options_.as_of_unix_seconds - UniformInt(rng_, 0, 3 * 365 * 86400));
    }
    std::sort(times.begin(), times.end());
    for (int64_t i = 0; i < order_count; ++i) {
      PersonaOrder order;
      order.order_id = c.Keep("o-" + std::to_string(index) + "-" + std::to_string(i));
      order.time_unix_seconds = times[static_cast<size_t>(i)];
      order.amount = Chance(rng_, 0.02) ? 0.0 : std::round(Uniform(rng_, 1, 2000) * 100) / 100;
      c.orders_.push_back(order);
    }
    if (Chance(rng_, 0.3)) {
      v.rfm_days_since_last_order = {static_cast<double>(UniformInt(rng_, 0, 1000)), 1};
      v.rfm_order_count = {static_cast<double>(UniformInt(rng_, 0, 100)), 1};
      v.rfm_total_spend = {std::round(Uniform(rng_, 0, 50000)), 1};
    }

    // Psychographics.
    for (const std::string& tag : PickTags(rng_, kInterests, 12)) Tag(&c, tag, Strength(rng_));
    if (Chance(rng_, 0.6)) v.openness = {Strength(rng_), 1};
    if (Chance(rng_, 0.6)) v.conscientiousness = {Strength(rng_), 1};
    if (Chance(rng_, 0.6)) v.extraversion = {Strength(rng_), 1};
    if (Chance(rng_, 0.6)) v.agreeableness = {Strength(rng_), 1};
    if (Chance(rng_, 0.6)) v.neuroticism = {Strength(rng_), 1};

    // Free-form attributes: firmographics (what a B2B plugin reads), some noise, and now
    // and then a value that is not what the key promises.
    std::vector<std::pair<std::string, std::string>> attributes;
    if (Chance(rng_, 0.6)) {
      attributes.emplace_back("company_size", Chance(rng_, 0.1)
                                                  ? Pick(rng_, kMalformedNumbers)
                                                  : std::to_string(UniformInt(rng_, 1, 100000)));
    }
    if (Chance(rng_, 0.6)) attributes.emplace_back("industry", Pick(rng_, kIndustries));
    if (Chance(rng_, 0.5)) {
      attributes.emplace_back("annual_revenue",
                              Chance(rng_, 0.1)
                                  ? Pick(rng_, kMalformedNumbers)
                                  : FormatNumber(std::round(std::exp(Uniform(rng_, 10.0, 22.0)))));
    }
    if (Chance(rng_, 0.5)) attributes.emplace_back("buying_stage", Pick(rng_, kStages));
    if (Chance(rng_, 0.3)) attributes.emplace_back("loyalty_tier", Pick(rng_, kTiers));
    AddExtraAttributes(&attributes, /*always=*/false);

    Finish(&c, std::move(attributes), PickTags(rng_, kBrands, 3), PickTags(rng_, kChannels, 4),
           PickTags(rng_, kValues, 4), PickTags(rng_, kLifestyle, 2), PickTags(rng_, kChannels, 3));
    return customer;
  }

 private:
  static std::string Id(size_t index) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "check-%06zu", index);
    return buffer;
  }

  void Tag(GeneratedCustomer* c, const std::string& tag, double strength) {
    c->interests_.push_back(PersonaTagStrength{c->Keep(tag), strength});
  }

  void AddExtraAttributes(std::vector<std::pair<std::string, std::string>>* attributes,
                          bool always) {
    for (const AttributeSpec& spec : options_.extra_attributes) {
      if (spec.values.empty() || (!always && !Chance(rng_, 0.7))) continue;
      const std::string& value = spec.values[static_cast<size_t>(
          UniformInt(rng_, 0, static_cast<int64_t>(spec.values.size()) - 1))];
      // A key given on the command line replaces a generated one.
      attributes->erase(std::remove_if(attributes->begin(), attributes->end(),
                                       [&](const auto& kv) { return kv.first == spec.key; }),
                        attributes->end());
      attributes->emplace_back(spec.key, value);
    }
  }

  static PersonaStringList List(GeneratedCustomer* c, std::vector<PersonaString>* out,
                                const std::vector<std::string>& tags) {
    for (const std::string& tag : tags) out->push_back(c->Keep(tag));
    return PersonaStringList{out->data(), out->size()};
  }

  // Sets every pointer once the vectors stop growing.
  static void Finish(GeneratedCustomer* c,
                     std::vector<std::pair<std::string, std::string>> attributes,
                     const std::vector<std::string>& brands,
                     const std::vector<std::string>& channels,
                     const std::vector<std::string>& values,
                     const std::vector<std::string>& lifestyle,
                     const std::vector<std::string>& preferred_channels) {
    PersonaCustomer& v = c->view_;
    v.orders = c->orders_.data();
    v.order_count = c->orders_.size();
    v.interests = c->interests_.data();
    v.interest_count = c->interests_.size();
    v.preferred_brands = List(c, &c->brands_, brands);
    v.channels = List(c, &c->channels_, channels);
    v.values = List(c, &c->values_, values);
    v.lifestyle = List(c, &c->lifestyle_, lifestyle);
    v.preferred_channels = List(c, &c->preferred_channels_, preferred_channels);
    std::sort(attributes.begin(), attributes.end());
    for (auto& [key, value] : attributes) {
      PersonaKeyValue kv;
      kv.key = c->Keep(key);
      // Keep() maps "" to an absent string, which is what the server sends for an empty value.
      kv.value = c->Keep(value);
      c->attributes_.push_back(kv);
    }
    v.attributes = c->attributes_.data();
    v.attribute_count = c->attributes_.size();
  }

  const GeneratorOptions& options_;
  std::mt19937_64 rng_;
};

std::vector<std::unique_ptr<GeneratedCustomer>> GenerateCustomers(const GeneratorOptions& options) {
  CustomerFactory factory(options);
  std::vector<std::unique_ptr<GeneratedCustomer>> customers;
  customers.reserve(options.count);
  for (size_t i = 0; i < options.count; ++i) {
    if (i == 0) {
      customers.push_back(factory.Empty(i));
    } else if (i == 1) {
      customers.push_back(factory.Maximal(i));
    } else {
      customers.push_back(factory.Random(i));
    }
  }
  return customers;
}

}  // namespace plugin_check
}  // namespace persona
