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

// The client's vocabulary has no brands (its customers carry none); a plugin reading
// preferred_brands still needs some.
constexpr std::string_view kBrands[] = {"acme", "globex", "initech", "umbrella", "hooli"};

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
    const auto first = interests->begin();
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

}  // namespace

std::vector<Customer> GenerateCustomers(const GeneratorOptions& options) {
  // Its dates (birth, signup) lie before as_of, as the server demands.
  synthetic::CustomerGenerator generator(options.seed, options.as_of_unix_seconds);
  // The additions draw from their own stream, so the client's customers stay the client's.
  Rng rng(options.seed ^ 0x706c7567696e63ULL);
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
    }
  }
  return customers;
}

}  // namespace plugin_check
}  // namespace persona
