// A compiled behavioral criterion: what the customer does (what they buy, where, at which
// price, what they did lately, how they rate us), as flat data that Score grades without
// allocating. Built by ParseCriterion (behavioral_params.h); the formulas are in README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace behavioral {

// Windows are whole local calendar days, 1..kMaxWindowDays (100 years and a bit).
inline constexpr int kMaxWindowDays = 36600;
inline constexpr int kDefaultShareWindowDays = 365;
inline constexpr double kDefaultMinShare = 0.3;
inline constexpr int kDefaultEventWithinDays = 30;
inline constexpr double kDefaultBasketToleranceRatio = 0.5;
inline constexpr int kDefaultLabelWindowDays = 365;

// What a share field counts: money or orders.
enum class ShareBy : uint8_t { kSpend, kOrders };

// `categories`, `brands` (over order items) and `channels` (over orders).
struct ShareField {
  bool enabled = false;
  std::vector<std::string> tags;  // normalised, sorted by bytes, unique, non-empty
  double min_share = kDefaultMinShare;
  int window_days = kDefaultShareWindowDays;
  ShareBy by = ShareBy::kSpend;
  double weight = 1.0;
};

// `discount_share`: the share of orders with a discount or a voucher, in [min, max].
struct DiscountField {
  bool enabled = false;
  double min = 0.0;  // 0 when not given: never crossed
  double max = 1.0;  // 1 when not given: never crossed
  int window_days = kDefaultShareWindowDays;
  double weight = 1.0;
};

// `basket_value`: the mean order amount in [min, max], with a tolerance outside.
struct BasketField {
  bool enabled = false;
  bool has_min = false;
  bool has_max = false;
  double min = 0.0;
  double max = 0.0;
  bool has_tolerance = false;  // else kDefaultBasketToleranceRatio of the bound crossed
  double tolerance = 0.0;      // money, both sides
  int window_days = 0;         // 0: every order
  double weight = 1.0;
};

// One `events` entry: at least min_count events of `type` (whose properties match `where`)
// in the last within_days local days.
struct EventRule {
  std::string type;  // normalised like a tag
  // (property key as written, value normalised like a tag), sorted by key, unique keys.
  std::vector<std::pair<std::string, std::string>> where;
  double min_count = 1.0;
  int within_days = kDefaultEventWithinDays;
};

struct EventsField {
  bool enabled = false;
  std::vector<EventRule> rules;  // non-empty
  double weight = 1.0;
};

// NPS bands of the 0..10 score, as bits of NpsField::bands.
enum NpsBand : uint8_t {
  kDetractor = 1,  // 0..6
  kPassive = 2,    // 7..8
  kPromoter = 4,   // 9..10
};

struct NpsField {
  bool enabled = false;
  uint8_t bands = 0;  // NpsBand bits, at least one
  double weight = 1.0;
};

// Every field is optional; at least one is enabled.
struct BehavioralCriterion {
  ShareField categories;
  ShareField brands;
  ShareField channels;
  DiscountField discount_share;
  BasketField basket_value;
  EventsField events;
  NpsField nps;
};

// Pure formulas, exposed so the tests can pin them without building customers.

// share >= min_share -> 1, else share / min_share (linear from 0).
double ShareAffinity(double share, double min_share);

// 1 within [min, max]; below min: share / min; above max: (1 - share) / (1 - max).
double BandAffinity(double share, double min, double max);

// 1 within the range; outside, 1 - distance / tolerance, floored at 0 (tolerance 0: 0).
double BasketAffinity(const BasketField& field, double mean_amount);

// min(count / min_count, 1).
double EventAffinity(double count, double min_count);

// The band a 0..10 score falls in.
NpsBand BandOf(double nps);

// 1 in a listed band, else 1 - 0.25 per point to the nearest listed band, floored at 0.
double NpsAffinity(uint8_t bands, double nps);

// "detractor", "passive", "promoter".
std::string_view NpsBandName(NpsBand band);

}  // namespace behavioral
}  // namespace persona
