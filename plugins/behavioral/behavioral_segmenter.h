// The behavioral segmenter: grades *what a customer does* — the categories and brands they
// buy, the channels they order through, how often they buy on discount, their basket size,
// what they did lately (events) and how they rate us (NPS) — against persona criteria, and
// labels the customer's top category and discount share. See README.md for the parameters
// and the exact formulas; the tests in tests/unit/behavioral/ pin them.
//
// Depends on the plugin SDK only (plugins/sdk/include), never on service/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <persona/segmenter.hpp>
#include <string_view>

#include "behavioral_criterion.h"
#include "behavioral_params.h"

namespace persona {
namespace behavioral {

// The customer's top category by spend in a window: at most this many distinct categories
// are summed in a stack table; a customer with more is still answered exactly, by a slower
// scan that needs no table (see TopCategory in the .cc).
inline constexpr size_t kTopCategoryCapacity = 64;

// What a label needs, measured once per score call.
struct CustomerLabels {
  std::string_view top_category;  // empty: no priced, categorised item in the window
  double top_category_spend = 0.0;
  size_t orders = 0;  // orders in the window with order details
  size_t discounted_orders = 0;
};

class BehavioralSegmenter {
 public:
  using Criterion = BehavioralCriterion;

  static constexpr char kParamsDoc[] = R"json({
    "params": {
      "categories": "{any_of: [category tags], min_share 0..1 (0.3), window_days 1..36600 (365), by spend|orders, weight > 0}: share of the window's purchases in those categories (order items)",
      "brands": "like categories, over the items' brands",
      "channels": "like categories, over the orders' channels (app, web, marketplace, store); by spend = order amounts",
      "discount_share": "{min 0..1, max 0..1, window_days (365), weight}: share of orders with a discount or voucher",
      "basket_value": "{min, max (money >= 0), tolerance (money; default half the bound crossed), window_days (all orders), weight}: mean order amount",
      "events": "[{type, where: {property: value}, min_count >= 1 (1), within_days (30)}] or {entries: [...], weight}: events in the last days; no events = 0",
      "nps": "[promoter|passive|detractor] or {any_of, weight}: NPS band (9-10, 7-8, 0-6), 0.25 less per point away"},
    "config": {
      "label_window_days": "window of the top_category and discount_share labels, 1..36600 (365)"},
    "example": {
      "categories": {"any_of": ["baby", "kids"], "min_share": 0.3, "window_days": 180},
      "channels": {"any_of": ["app"], "min_share": 0.5, "by": "orders"},
      "discount_share": {"min": 0.5},
      "basket_value": {"min": 20, "max": 80},
      "events": [{"type": "page_view", "where": {"category": "baby"}, "min_count": 3, "within_days": 14}],
      "nps": ["promoter", "passive"]}})json";

  explicit BehavioralSegmenter(const BehavioralConfig& config) : config_(config) {}

  // Load time; throw sdk::ParamError for a bad config or params.
  static std::unique_ptr<BehavioralSegmenter> Create(const sdk::Value& config);
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // The hot path: no allocation, no locks, no exceptions; text only when context.explain().
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  // The label facts of one customer as of `as_of_unix_seconds` (what Score labels).
  CustomerLabels MeasureLabels(const PersonaCustomer& customer,
                               int64_t as_of_unix_seconds) const noexcept;

  const BehavioralConfig& config() const noexcept { return config_; }

 private:
  BehavioralConfig config_;
};

}  // namespace behavioral
}  // namespace persona
