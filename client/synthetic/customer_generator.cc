#include "client/synthetic/customer_generator.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "client/synthetic/vocabulary.h"

namespace persona {
namespace synthetic {
namespace {

using persona::v1::Customer;

// What a kind of customer tends to look like. Ranges are (mean, spread) or [lo, hi].
struct Archetype {
  double age_mean, age_spread;
  double female_share;
  double income_mean, income_spread;
  double married_share;
  int household_lo, household_hi;
  double urban_share, rural_share;  // the rest is suburban
  int days_lo, days_hi;             // days since the last order
  int orders_lo, orders_hi;
  double spend_per_order_lo, spend_per_order_hi;
  std::initializer_list<std::string_view> interests, values, lifestyle, channels;
  double openness, conscientiousness, extraversion;  // trait means
};

const Archetype kArchetypes[] = {
    // Budget buyer (hemat-fred).
    {34,
     6,
     0.45,
     28000,
     7000,
     0.6,
     2,
     5,
     0.4,
     0.2,
     15,
     90,
     2,
     4,
     30,
     90,
     {"discounts", "coupons", "price-comparison"},
     {"frugality", "value-for-money", "family"},
     {"homebody", "working-professional"},
     {"email", "whatsapp", "sms"},
     0.4,
     0.7,
     0.4},
    // Young working mother.
    {32,
     4,
     0.95,
     45000,
     12000,
     0.9,
     3,
     5,
     0.5,
     0.15,
     5,
     45,
     3,
     8,
     40,
     120,
     {"kids", "home", "convenience"},
     {"family", "convenience"},
     {"busy-parent", "working-professional"},
     {"app", "email"},
     0.5,
     0.75,
     0.5},
    // Loyal champion.
    {42,
     10,
     0.5,
     70000,
     20000,
     0.6,
     1,
     4,
     0.5,
     0.2,
     1,
     14,
     8,
     20,
     90,
     250,
     {"new-arrivals", "membership-rewards"},
     {"brand-loyalty", "quality"},
     {"working-professional"},
     {"email", "app"},
     0.55,
     0.8,
     0.5},
    // High-value customer at risk.
    {50,
     9,
     0.5,
     95000,
     25000,
     0.7,
     1,
     4,
     0.5,
     0.15,
     120,
     400,
     5,
     15,
     150,
     400,
     {"premium", "exclusive-offers"},
     {"quality", "premium"},
     {"traveler"},
     {"phone", "email"},
     0.5,
     0.65,
     0.45},
    // Urban trendsetter.
    {23,
     3,
     0.55,
     32000,
     9000,
     0.15,
     1,
     3,
     0.9,
     0.02,
     1,
     30,
     1,
     3,
     25,
     80,
     {"fashion", "trending", "social-media"},
     {"status", "innovation"},
     {"urban", "nightlife", "festival-goer"},
     {"instagram", "tiktok", "app"},
     0.8,
     0.4,
     0.8},
};
constexpr int kRandomArchetype = 5;

constexpr double kMissing = 0.08;  // share of customers without a given field group

template <size_t N>
std::string_view Pick(Rng& rng, const std::string_view (&list)[N]) {
  return list[rng.Index(N)];
}

// 1..max distinct tags: `core` ones first (each kept with probability `keep`), then random
// ones from `pool`.
template <size_t N>
std::vector<std::string_view> Tags(Rng& rng, std::initializer_list<std::string_view> core,
                                   double keep, const std::string_view (&pool)[N], int extra) {
  std::vector<std::string_view> out;
  const auto add = [&out](std::string_view tag) {
    for (std::string_view t : out) {
      if (t == tag) return;
    }
    out.push_back(tag);
  };
  for (std::string_view tag : core) {
    if (rng.Chance(keep)) add(tag);
  }
  const int random = static_cast<int>(rng.Int(out.empty() ? 1 : 0, extra));
  for (int i = 0; i < random; ++i) add(Pick(rng, pool));
  return out;
}

// Sub-messages are created only when something goes into them: an empty one would read
// back differently from CSV, where it cannot be told apart from "not given".
void Demographics(Rng& rng, const Archetype& a, bool random, Customer* c) {
  const auto d = [c] { return c->mutable_demographics(); };
  if (!rng.Chance(kMissing)) {
    d()->set_age(static_cast<uint32_t>(
        random ? rng.Int(18, 85) : Round(rng.Around(a.age_mean, a.age_spread, 16, 95), 0)));
  }
  if (!rng.Chance(kMissing)) {
    const double r = rng.Uniform();
    const double female = random ? 0.5 : a.female_share;
    d()->set_gender(r < female                         ? persona::v1::GENDER_FEMALE
                    : r < female + (1 - female) * 0.97 ? persona::v1::GENDER_MALE
                                                       : persona::v1::GENDER_NON_BINARY);
  }
  if (!rng.Chance(kMissing)) {
    const Place& place = kPlaces[rng.Index(std::size(kPlaces))];
    auto* l = d()->mutable_location();
    l->set_country(std::string(place.country));
    l->set_region(std::string(place.region));
    l->set_city(std::string(place.city));
    l->set_time_zone(std::string(place.time_zone));
    const double r = rng.Uniform();
    const double urban = random ? 0.4 : a.urban_share;
    const double rural = random ? 0.2 : a.rural_share;
    l->set_urbanicity(r < urban           ? persona::v1::URBANICITY_URBAN
                      : r < urban + rural ? persona::v1::URBANICITY_RURAL
                                          : persona::v1::URBANICITY_SUBURBAN);
  }
  if (!rng.Chance(kMissing)) {
    d()->set_education(static_cast<persona::v1::Education>(rng.Int(1, 6)));
  }
  if (!rng.Chance(kMissing)) {
    d()->set_annual_income(
        random ? Round(rng.Uniform(8000, 180000), 0)
               : Round(rng.Around(a.income_mean, a.income_spread, 5000, 400000), 0));
  }
  if (!rng.Chance(kMissing)) d()->set_occupation(std::string(Pick(rng, kOccupations)));
  if (!rng.Chance(kMissing)) {
    const double married = random ? 0.5 : a.married_share;
    d()->set_marital_status(rng.Chance(married) ? persona::v1::MARITAL_STATUS_MARRIED
                                                : static_cast<persona::v1::MaritalStatus>(
                                                      rng.Chance(0.7) ? 1 : rng.Int(3, 5)));
  }
  if (!rng.Chance(kMissing)) {
    d()->set_household_size(
        static_cast<uint32_t>(random ? rng.Int(1, 6) : rng.Int(a.household_lo, a.household_hi)));
  }
}

void Behavior(Rng& rng, const Archetype& a, bool random, Customer* c) {
  const auto b = [c] { return c->mutable_behavior(); };
  if (!rng.Chance(kMissing)) {
    auto* rfm = b()->mutable_rfm();
    const int orders =
        static_cast<int>(random ? rng.Int(0, 25) : rng.Int(a.orders_lo, a.orders_hi));
    rfm->set_days_since_last_order(
        static_cast<uint32_t>(random ? rng.Int(0, 500) : rng.Int(a.days_lo, a.days_hi)));
    rfm->set_order_count(static_cast<uint32_t>(orders));
    const double per_order =
        random ? rng.Uniform(10, 300) : rng.Uniform(a.spend_per_order_lo, a.spend_per_order_hi);
    rfm->set_total_spend(Round(orders * per_order, 2));
  }
  if (!rng.Chance(kMissing)) {
    const int n = static_cast<int>(rng.Int(1, 2));
    std::vector<std::string_view> channels;
    for (int i = 0; i < n; ++i) {
      const std::string_view ch = Pick(rng, kShopChannels);
      if (channels.empty() || channels.front() != ch) channels.push_back(ch);
    }
    for (std::string_view ch : channels) b()->add_channels(std::string(ch));
  }
}

void Psychographics(Rng& rng, const Archetype& a, bool random, Customer* c) {
  const auto p = [c] { return c->mutable_psychographics(); };
  if (!rng.Chance(kMissing)) {
    for (std::string_view tag :
         Tags(rng, random ? std::initializer_list<std::string_view>{} : a.interests, 0.85,
              kInterests, 3)) {
      const bool core =
          !random && std::find(a.interests.begin(), a.interests.end(), tag) != a.interests.end();
      (*p()->mutable_interests())[std::string(tag)] =
          Round(core ? rng.Uniform(0.6, 1.0) : rng.Uniform(0.1, 0.7), 2);
    }
  }
  const auto list = [&](std::initializer_list<std::string_view> core, const auto& pool, auto out) {
    if (rng.Chance(kMissing)) return;
    for (std::string_view tag :
         Tags(rng, random ? std::initializer_list<std::string_view>{} : core, 0.8, pool, 2)) {
      out()->Add(std::string(tag));
    }
  };
  list(a.values, kValues, [&] { return p()->mutable_values(); });
  list(a.lifestyle, kLifestyles, [&] { return p()->mutable_lifestyle(); });
  if (!rng.Chance(kMissing)) {
    auto* t = p()->mutable_personality();
    const auto trait = [&](double mean) {
      return Round(random ? rng.Uniform() : rng.Around(mean, 0.12, 0, 1), 2);
    };
    t->set_openness(trait(a.openness));
    t->set_conscientiousness(trait(a.conscientiousness));
    t->set_extraversion(trait(a.extraversion));
    t->set_agreeableness(trait(0.55));
    t->set_neuroticism(trait(0.4));
  }
  list(a.channels, kChannels, [&] { return p()->mutable_preferred_channels(); });
}

// The proleptic Gregorian year (UTC) of an instant (days_from_civil's inverse, H. Hinnant).
int64_t YearOf(int64_t unix_seconds) {
  const int64_t days =
      unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

// Every date lies before `before`: birth dates in an earlier year, signups in the ten years
// before it.
void CustomerModelV2(Rng& rng, int64_t before, Customer* c) {
  const int64_t last_year = YearOf(before) - 1;  // every day of it is before `before`
  if (!rng.Chance(kMissing)) {
    auto* birth = c->mutable_demographics()->mutable_birth_date();
    const auto& d = c->demographics();
    // Consistent with the age when there is one; some give only the day (year unknown).
    const bool year_known = !rng.Chance(0.1);
    // 1950..2005 when `before` is the default 2025-01-01.
    const int64_t year = !year_known   ? 0
                         : d.has_age() ? last_year - d.age()
                                       : rng.Int(1950, 2005) + (last_year - 2024);
    // The server takes years 1900 .. as_of's; before that, only the day is known.
    birth->set_year(year >= 1900 ? static_cast<int32_t>(year) : 0);
    birth->set_month(static_cast<int32_t>(rng.Int(1, 12)));
    birth->set_day(static_cast<int32_t>(rng.Int(1, 28)));
  }
  if (!rng.Chance(kMissing)) {
    c->mutable_signup_time()->set_seconds(rng.Int(before - 10 * 365 * 86400LL, before - 1));
  }
  if (rng.Chance(0.6)) {
    c->mutable_behavior()->mutable_satisfaction()->set_nps(static_cast<int32_t>(rng.Int(0, 10)));
  }
  if (rng.Chance(0.5)) {
    c->mutable_behavior()->mutable_satisfaction()->set_csat(static_cast<int32_t>(rng.Int(1, 5)));
  }
  if (!rng.Chance(kMissing)) {
    const double r = rng.Uniform();
    c->mutable_digital()->set_primary_device(r < 0.6   ? persona::v1::DEVICE_MOBILE
                                             : r < 0.9 ? persona::v1::DEVICE_DESKTOP
                                                       : persona::v1::DEVICE_TABLET);
  }
  if (!rng.Chance(kMissing)) {
    for (std::string_view channel : kContactOptIns) {
      if (rng.Chance(0.5)) c->mutable_digital()->add_contact_opt_ins(std::string(channel));
    }
  }
  if (!rng.Chance(kMissing)) {
    for (std::string_view name : kPlatforms) {
      if (!rng.Chance(0.35)) continue;
      auto* platform = c->mutable_digital()->add_platforms();
      platform->set_name(std::string(name));
      if (!rng.Chance(0.2)) platform->set_sessions_30d(static_cast<int32_t>(rng.Int(0, 60)));
    }
  }
}

}  // namespace

void CustomerGenerator::Next(Customer* customer) {
  customer->Clear();
  char id[32];
  std::snprintf(id, sizeof(id), "cust-%08llu", static_cast<unsigned long long>(++index_));
  customer->set_customer_id(id);
  // 16% each for the five kinds, 20% random.
  const int kind = rng_.Chance(0.2) ? kRandomArchetype : static_cast<int>(rng_.Int(0, 4));
  const bool random = kind == kRandomArchetype;
  const Archetype& a = kArchetypes[random ? 0 : kind];
  Demographics(rng_, a, random, customer);
  Behavior(rng_, a, random, customer);
  Psychographics(rng_, a, random, customer);
  CustomerModelV2(v2_rng_, dates_before_, customer);
}

}  // namespace synthetic
}  // namespace persona
