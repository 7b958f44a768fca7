#include "tools/plugin_check/customer_generator.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include "client/synthetic/customer_generator.h"
#include "client/synthetic/rng.h"
#include "client/synthetic/vocabulary.h"

namespace persona {
namespace plugin_check {
namespace {

using persona::synthetic::Rng;
using persona::v1::Customer;

using synthetic::kBrands;

template <size_t N>
std::string Pick(Rng& rng, const std::string_view (&list)[N]) {
  return std::string(list[rng.Index(N)]);
}

std::string Id(size_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "check-%06zu", index);
  return buffer;
}

std::string Capitalised(std::string_view text) {
  std::string out(text);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ' || c == '-';
  }
  return out;
}

void AddExtraAttributes(const GeneratorOptions& options, bool always, Rng& rng, Customer* c) {
  for (const AttributeSpec& spec : options.extra_attributes) {
    if (spec.values.empty() || (!always && !rng.Chance(0.7))) continue;
    (*c->mutable_attributes())[spec.key] = spec.values[rng.Index(spec.values.size())];
  }
}

Customer Maximal(const GeneratorOptions& options, Rng& rng) {
  Customer c;
  c.set_customer_id(Id(1));
  auto* d = c.mutable_demographics();
  d->set_age(130);
  d->set_gender(persona::v1::GENDER_OTHER);
  d->mutable_location()->set_country("ZZ");
  d->mutable_location()->set_urbanicity(persona::v1::URBANICITY_RURAL);
  d->set_education(persona::v1::EDUCATION_DOCTORATE);
  d->set_annual_income(1e12);
  d->set_household_size(50);
  auto* rfm = c.mutable_behavior()->mutable_rfm();
  rfm->set_days_since_last_order(0);
  rfm->set_order_count(10000000);
  rfm->set_total_spend(1e12);
  auto* p = c.mutable_psychographics();
  for (std::string_view tag : synthetic::kInterests)
    (*p->mutable_interests())[std::string(tag)] = 1;
  for (std::string_view tag : synthetic::kValues) p->add_values(std::string(tag));
  for (std::string_view tag : synthetic::kLifestyles) p->add_lifestyle(std::string(tag));
  for (std::string_view tag : synthetic::kChannels) p->add_preferred_channels(std::string(tag));
  for (std::string_view tag : synthetic::kShopChannels) {
    c.mutable_behavior()->add_channels(std::string(tag));
  }
  for (std::string_view tag : kBrands) c.mutable_behavior()->add_preferred_brands(std::string(tag));
  auto* t = p->mutable_personality();
  t->set_openness(1);
  t->set_conscientiousness(1);
  t->set_extraversion(1);
  t->set_agreeableness(1);
  t->set_neuroticism(1);
  auto* satisfaction = c.mutable_behavior()->mutable_satisfaction();
  satisfaction->set_nps(10);
  satisfaction->set_csat(5);
  auto* digital = c.mutable_digital();
  digital->set_primary_device(persona::v1::DEVICE_TABLET);
  for (std::string_view name : synthetic::kContactOptIns) {
    digital->add_contact_opt_ins(std::string(name));
  }
  for (std::string_view name : synthetic::kPlatforms) {
    auto* platform = digital->add_platforms();
    platform->set_name(std::string(name));
    platform->set_sessions_30d(100000);
    platform->mutable_last_seen()->set_seconds(options.as_of_unix_seconds);
  }
  for (std::string_view type : synthetic::kLifeEvents) {
    auto* life_event = c.add_life_events();
    life_event->set_type(std::string(type));
    life_event->mutable_time()->set_seconds(options.as_of_unix_seconds);
  }
  // The rarest birthday, with the year unknown.
  auto* birth = d->mutable_birth_date();
  birth->set_month(2);
  birth->set_day(29);
  c.mutable_signup_time()->set_seconds(options.as_of_unix_seconds);
  AddExtraAttributes(options, /*always=*/true, rng, &c);
  return c;
}

// What the client's generator leaves out and a plugin must still handle.
void Roughen(const GeneratorOptions& options, size_t index, Rng& rng, Customer* c) {
  auto* d = c->mutable_demographics();
  if (d->has_age() && rng.Chance(0.04)) d->set_age(rng.Chance(0.5) ? 0 : 130);
  if (d->has_annual_income() && rng.Chance(0.03)) d->set_annual_income(0);
  if (!d->occupation().empty() && rng.Chance(0.3)) d->set_occupation(Capitalised(d->occupation()));
  if (d->has_location() && rng.Chance(0.2)) {
    std::string country = d->location().country();
    for (char& ch : country) ch = static_cast<char>(ch | 0x20);  // "ID" -> "id"
    d->mutable_location()->set_country(country);
    d->mutable_location()->set_city(Capitalised(d->location().city()) + "  ");
  }
  auto* interests = c->mutable_psychographics()->mutable_interests();
  if (!interests->empty() && rng.Chance(0.15)) {
    // One tag in capitals: the server lowercases tags, so the plugin must not see the case.
    // The smallest tag: a protobuf map's iteration order differs from one map to the next.
    auto first = interests->begin();
    for (auto it = interests->begin(); it != interests->end(); ++it) {
      if (it->first < first->first) first = it;
    }
    std::string upper = first->first;
    for (char& ch : upper) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    const double strength = rng.Chance(0.5) ? 0.0 : 1.0;
    interests->erase(first);
    (*interests)[upper] = strength;
  }
  if (rng.Chance(0.5)) {
    const int64_t brands = rng.Int(1, 3);
    for (int64_t i = 0; i < brands; ++i) {
      c->mutable_behavior()->add_preferred_brands(
          std::string(kBrands[rng.Index(std::size(kBrands))]));
    }
  }
  // Orders, not sorted (the server sorts them), inside the three years before as_of.
  const int64_t order_count = rng.Chance(0.3) ? 0 : rng.Int(1, 40);
  for (int64_t i = 0; i < order_count; ++i) {
    auto* order = c->mutable_behavior()->add_orders();
    order->set_order_id("o-" + std::to_string(index) + "-" + std::to_string(i));
    order->mutable_time()->set_seconds(options.as_of_unix_seconds - rng.Int(0, 3 * 365 * 86400));
    order->set_amount(rng.Chance(0.02) ? 0.0 : synthetic::Round(rng.Uniform(1, 2000), 2));
  }
  AddExtraAttributes(options, /*always=*/false, rng, c);
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

// The customer model's lists a CSV row cannot hold, from their own stream so what Roughen
// draws stays as it was: order lines (category, brand, quantity, price), the order's channel,
// discount and voucher; events with device and properties; life events; when each platform
// was last seen; some birthdays on 29 February and some locations without a time zone.
// Everything lies at or before as_of, in no particular order (the server sorts).
void AddListsAndDates(const GeneratorOptions& options, Rng& rng, Customer* c) {
  const int64_t as_of = options.as_of_unix_seconds;
  const auto tag = [&rng](std::string text) {
    // Tags are compared trimmed and lowercased: some arrive otherwise.
    return rng.Chance(0.1) ? Capitalised(text) + " " : text;
  };
  for (persona::v1::Order& order : *c->mutable_behavior()->mutable_orders()) {
    const int64_t lines = rng.Chance(0.15) ? 0 : rng.Int(1, 4);
    for (int64_t i = 0; i < lines; ++i) {
      auto* item = order.add_items();
      if (!rng.Chance(0.1)) item->set_sku("sku-" + std::to_string(rng.Int(1, 500)));
      if (!rng.Chance(0.05)) item->set_category(tag(Pick(rng, synthetic::kCategories)));
      if (!rng.Chance(0.2)) item->set_brand(tag(Pick(rng, kBrands)));
      if (!rng.Chance(0.1)) item->set_quantity(static_cast<int32_t>(rng.Int(1, 5)));
      if (!rng.Chance(0.1)) item->set_unit_price(synthetic::Round(rng.Uniform(0, 300), 2));
    }
    if (!rng.Chance(0.1)) order.set_channel(tag(Pick(rng, synthetic::kShopChannels)));
    if (rng.Chance(0.4)) {
      order.set_discount_amount(synthetic::Round(order.amount() * rng.Uniform(0, 0.5), 2));
    }
    if (rng.Chance(0.2)) order.set_voucher_code(Pick(rng, synthetic::kVoucherCodes));
  }
  // Events in the 90 days before as_of.
  const int64_t events = rng.Chance(0.3) ? 0 : rng.Int(1, 40);
  for (int64_t i = 0; i < events; ++i) {
    auto* event = c->mutable_behavior()->add_events();
    const std::string type = Pick(rng, synthetic::kEventTypes);
    event->set_type(tag(type));
    event->mutable_time()->set_seconds(as_of - rng.Int(0, 90 * 86400));
    constexpr std::string_view kEventChannels[] = {"web", "app", "email"};
    if (!rng.Chance(0.2)) event->set_channel(Pick(rng, kEventChannels));
    event->set_device(static_cast<persona::v1::Device>(rng.Int(0, 3)));
    auto& properties = *event->mutable_properties();
    if (type == "page_view" || type == "add_to_cart" || type == "wishlist") {
      properties["category"] = tag(Pick(rng, synthetic::kCategories));
    } else if (type == "search") {
      properties["query"] = Pick(rng, synthetic::kCategories) + " deals";
    } else if (type == "review") {
      properties["rating"] = std::to_string(rng.Int(1, 5));
    } else if (type.rfind("email_", 0) == 0) {
      properties["campaign"] = Pick(rng, synthetic::kVoucherCodes);
    }
  }
  if (rng.Chance(0.4)) {
    const int64_t life_events = rng.Int(1, 2);
    for (int64_t i = 0; i < life_events; ++i) {
      auto* life_event = c->add_life_events();
      life_event->set_type(tag(Pick(rng, synthetic::kLifeEvents)));
      life_event->mutable_time()->set_seconds(as_of - rng.Int(0, 2 * 365 * 86400));
    }
  }
  if (c->has_digital()) {
    for (persona::v1::Platform& platform : *c->mutable_digital()->mutable_platforms()) {
      if (rng.Chance(0.5))
        platform.mutable_last_seen()->set_seconds(as_of - rng.Int(0, 60 * 86400));
    }
  }
  auto* d = c->mutable_demographics();
  if (d->has_birth_date() && rng.Chance(0.05)) {
    // Born on 29 February: in a leap year (the latest one not after the drawn year), or with
    // the year unknown.
    auto* birth = d->mutable_birth_date();
    int64_t year = birth->year();
    while (year >= 1900 && !IsLeapYear(year)) --year;
    birth->set_year(year >= 1900 && rng.Chance(0.7) ? static_cast<int32_t>(year) : 0);
    birth->set_month(2);
    birth->set_day(29);
  }
  if (d->has_location() && rng.Chance(0.05)) d->mutable_location()->clear_time_zone();
}

}  // namespace

std::vector<Customer> GenerateCustomers(const GeneratorOptions& options) {
  // Its dates (birth, signup) lie before as_of, as the server demands.
  synthetic::CustomerGenerator generator(options.seed, options.as_of_unix_seconds);
  // The additions draw from their own streams, so the client's customers stay the client's.
  Rng rng(options.seed ^ 0x706c7567696e63ULL);
  Rng lists_rng(options.seed ^ 0x6c69737473ULL);
  std::vector<Customer> customers;
  customers.reserve(options.count);
  for (size_t i = 0; i < options.count; ++i) {
    if (i == 0) {
      customers.emplace_back().set_customer_id(Id(0));
    } else if (i == 1) {
      customers.push_back(Maximal(options, rng));
    } else {
      Customer& c = customers.emplace_back();
      generator.Next(&c);
      c.set_customer_id(Id(i));
      Roughen(options, i, rng, &c);
      AddListsAndDates(options, lists_rng, &c);
    }
  }
  return customers;
}

}  // namespace plugin_check
}  // namespace persona
