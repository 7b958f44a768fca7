#include "behavioral_segmenter.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace persona {
namespace behavioral {
namespace {

// "Today" for one score call: the as_of instant and the customer's UTC offset, so every window
// counts the customer's local calendar days.
struct Clock {
  int64_t as_of;
  int32_t offset;

  bool Within(int64_t unix_seconds, int64_t days) const noexcept {
    return sdk::WithinLastLocalDays(unix_seconds, as_of, offset, days);
  }
  // Orders and events arrive oldest first: walking back from the newest, the first one
  // before the window ends the walk.
  bool Before(int64_t unix_seconds, int64_t days) const noexcept {
    return sdk::LocalDaysAgo(unix_seconds, as_of, offset) >= days;
  }
};

// Calls fn(order index) for every order in the last `days` local days (days <= 0: every
// order), newest first.
template <typename Fn>
void ForEachOrderWithin(const PersonaCustomer& customer, const Clock& clock, int days,
                        Fn&& fn) noexcept {
  if (customer.orders == nullptr) return;
  for (size_t i = customer.order_count; i-- > 0;) {
    const int64_t time = customer.orders[i].time_unix_seconds;
    if (days > 0) {
      if (clock.Before(time, days)) break;
      if (!clock.Within(time, days)) continue;  // a later local date than as_of
    }
    fn(i);
  }
}

bool Listed(const std::vector<std::string>& tags, std::string_view tag) noexcept {
  const auto it = std::lower_bound(
      tags.begin(), tags.end(), tag,
      [](const std::string& listed, std::string_view t) { return std::string_view(listed) < t; });
  return it != tags.end() && *it == tag;
}

// ---------------------------------------------------------------------------------------
// Measuring: the numbers one field of one criterion is graded on.
// ---------------------------------------------------------------------------------------

enum class ShareSource : uint8_t { kItemCategory, kItemBrand, kOrderChannel };

struct ShareTally {
  double listed_spend = 0.0;
  double total_spend = 0.0;
  size_t listed_orders = 0;
  size_t total_orders = 0;  // orders in the window carrying the data the field reads

  bool missing() const noexcept { return total_orders == 0; }
  // By spend unless asked for orders or the window holds no money to share (every item
  // unpriced, every amount 0): then by orders, so the customer's data still counts.
  bool ByOrders(ShareBy by) const noexcept {
    return by == ShareBy::kOrders || !(total_spend > 0.0);
  }
  double Share(ShareBy by) const noexcept {
    if (ByOrders(by)) {
      return static_cast<double>(listed_orders) / static_cast<double>(total_orders);
    }
    return listed_spend / total_spend;
  }
};

// An item's spend: quantity (1 when not given) x unit price; nullopt without a price.
std::optional<double> ItemSpend(const sdk::OrderItem& item) noexcept {
  const std::optional<double> price = item.unit_price();
  if (!price) return std::nullopt;
  return item.quantity().value_or(1.0) * *price;
}

ShareTally MeasureShare(const PersonaCustomer& customer, const Clock& clock,
                        const ShareField& field, ShareSource source) noexcept {
  ShareTally tally;
  ForEachOrderWithin(customer, clock, field.window_days, [&](size_t i) {
    const std::optional<sdk::OrderDetail> detail = sdk::FindOrderDetail(customer, i);
    if (!detail) return;
    if (source == ShareSource::kOrderChannel) {
      const std::string_view channel = detail->channel();
      if (channel.empty()) return;  // not known where it was ordered
      ++tally.total_orders;
      tally.total_spend += customer.orders[i].amount;
      if (Listed(field.tags, channel)) {
        ++tally.listed_orders;
        tally.listed_spend += customer.orders[i].amount;
      }
      return;
    }
    const sdk::OrderItems items = detail->items();
    if (items.empty()) return;  // not known what was bought
    ++tally.total_orders;
    bool any_listed = false;
    for (const sdk::OrderItem item : items) {
      const std::string_view tag =
          source == ShareSource::kItemCategory ? item.category() : item.brand();
      const bool listed = !tag.empty() && Listed(field.tags, tag);
      any_listed = any_listed || listed;
      if (const std::optional<double> spend = ItemSpend(item)) {
        tally.total_spend += *spend;
        if (listed) tally.listed_spend += *spend;
      }
    }
    if (any_listed) ++tally.listed_orders;
  });
  return tally;
}

struct DiscountTally {
  size_t orders = 0;  // with order details
  size_t discounted = 0;
};

DiscountTally MeasureDiscounts(const PersonaCustomer& customer, const Clock& clock,
                               int days) noexcept {
  DiscountTally tally;
  ForEachOrderWithin(customer, clock, days, [&](size_t i) {
    const std::optional<sdk::OrderDetail> detail = sdk::FindOrderDetail(customer, i);
    if (!detail) return;
    ++tally.orders;
    if (detail->discounted()) ++tally.discounted;
  });
  return tally;
}

struct BasketTally {
  size_t orders = 0;
  double spend = 0.0;
  double mean() const noexcept { return spend / static_cast<double>(orders); }
};

BasketTally MeasureBasket(const PersonaCustomer& customer, const Clock& clock, int days) noexcept {
  BasketTally tally;
  ForEachOrderWithin(customer, clock, days, [&](size_t i) {
    ++tally.orders;
    tally.spend += customer.orders[i].amount;
  });
  return tally;
}

bool EventMatches(const sdk::Event& event, const EventRule& rule) noexcept {
  if (event.type() != rule.type) return false;
  for (const auto& [key, wanted] : rule.where) {
    const std::optional<std::string_view> value = event.FindProperty(key);
    if (!value || !sdk::EqualsIgnoreCase(sdk::TrimAsciiWhitespace(*value), wanted)) return false;
  }
  return true;
}

size_t CountEvents(const sdk::Events& events, const Clock& clock, const EventRule& rule) noexcept {
  size_t count = 0;
  for (size_t i = events.size(); i-- > 0;) {
    const sdk::Event event = events[i];
    if (clock.Before(event.time_unix_seconds(), rule.within_days)) break;
    if (clock.Within(event.time_unix_seconds(), rule.within_days) && EventMatches(event, rule)) {
      ++count;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------
// Explanations: formatted into a stack buffer, only when asked.
// ---------------------------------------------------------------------------------------

class Reason {
 public:
  __attribute__((format(printf, 2, 3))) void Append(const char* format, ...) noexcept {
    if (length_ >= sizeof(text_) - 1) return;
    va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(text_ + length_, sizeof(text_) - length_, format, args);
    va_end(args);
    if (n < 0) return;
    length_ = std::min(length_ + static_cast<size_t>(n), sizeof(text_) - 1);
    if (length_ == sizeof(text_) - 1) std::memcpy(text_ + length_ - 3, "...", 3);
  }
  void AppendTags(const std::vector<std::string>& tags) noexcept {
    for (size_t i = 0; i < tags.size(); ++i) {
      Append("%s%.*s", i == 0 ? "" : ",", static_cast<int>(tags[i].size()), tags[i].data());
    }
  }
  std::string_view view() const noexcept { return std::string_view(text_, length_); }

 private:
  char text_[512];  // not cleared: only [0, length_) is ever read
  size_t length_ = 0;
};

const char* FieldName(ShareSource source) noexcept {
  switch (source) {
    case ShareSource::kItemCategory:
      return "categories";
    case ShareSource::kItemBrand:
      return "brands";
    default:
      return "channels";
  }
}

// ---------------------------------------------------------------------------------------
// Grading: one field at a time, into the criterion's accumulator.
// ---------------------------------------------------------------------------------------

struct Grader {
  const PersonaCustomer& customer;
  const Clock& clock;
  const sdk::Events& events;
  const std::optional<double>& nps;
  const sdk::ScoreContext& context;
  size_t index;
  sdk::AffinityAccumulator accumulator;

  void Share(const ShareField& field, ShareSource source) noexcept {
    if (!field.enabled) return;
    const ShareTally tally = MeasureShare(customer, clock, field, source);
    const char* name = FieldName(source);
    if (tally.missing()) {
      accumulator.AddMissing(field.weight);
      if (context.explain()) {
        Reason reason;
        reason.Append("%s in the last %d days",
                      source == ShareSource::kOrderChannel ? "no orders with a channel"
                                                           : "no orders with items",
                      field.window_days);
        context.AddDetail(index, name, 0.0, true, reason.view());
      }
      return;
    }
    const double share = tally.Share(field.by);
    const double affinity = ShareAffinity(share, field.min_share);
    accumulator.AddPresent(field.weight, affinity);
    if (!context.explain()) return;
    const bool by_orders = tally.ByOrders(field.by);
    Reason reason;
    reason.Append("share of %s in ", by_orders ? "orders" : "spend");
    reason.AppendTags(field.tags);
    reason.Append(" over %d days %.3g %s %.3g", field.window_days, share,
                  share >= field.min_share ? ">=" : "<", field.min_share);
    if (by_orders && field.by == ShareBy::kSpend) reason.Append(" (no spend to share)");
    reason.Append(" -> %.3g", affinity);
    context.AddDetail(index, name, affinity, false, reason.view());
  }

  void Discount(const DiscountField& field) noexcept {
    if (!field.enabled) return;
    const DiscountTally tally = MeasureDiscounts(customer, clock, field.window_days);
    if (tally.orders == 0) {
      accumulator.AddMissing(field.weight);
      if (context.explain()) {
        Reason reason;
        reason.Append("no orders in the last %d days", field.window_days);
        context.AddDetail(index, "discount_share", 0.0, true, reason.view());
      }
      return;
    }
    const double share = static_cast<double>(tally.discounted) / static_cast<double>(tally.orders);
    const double affinity = BandAffinity(share, field.min, field.max);
    accumulator.AddPresent(field.weight, affinity);
    if (!context.explain()) return;
    Reason reason;
    reason.Append("%zu of %zu orders discounted over %d days: share %.3g", tally.discounted,
                  tally.orders, field.window_days, share);
    if (share < field.min) {
      reason.Append(" < min %.3g", field.min);
    } else if (share > field.max) {
      reason.Append(" > max %.3g", field.max);
    } else {
      reason.Append(" in [%.3g, %.3g]", field.min, field.max);
    }
    reason.Append(" -> %.3g", affinity);
    context.AddDetail(index, "discount_share", affinity, false, reason.view());
  }

  void Basket(const BasketField& field) noexcept {
    if (!field.enabled) return;
    const BasketTally tally = MeasureBasket(customer, clock, field.window_days);
    if (tally.orders == 0) {
      accumulator.AddMissing(field.weight);
      if (context.explain()) {
        Reason reason;
        if (field.window_days > 0) {
          reason.Append("no orders in the last %d days", field.window_days);
        } else {
          reason.Append("no orders");
        }
        context.AddDetail(index, "basket_value", 0.0, true, reason.view());
      }
      return;
    }
    const double mean = tally.mean();
    const double affinity = BasketAffinity(field, mean);
    accumulator.AddPresent(field.weight, affinity);
    if (!context.explain()) return;
    Reason reason;
    reason.Append("mean order %.6g over %zu orders", mean, tally.orders);
    if (field.window_days > 0) reason.Append(" in the last %d days", field.window_days);
    const bool below = field.has_min && mean < field.min;
    const bool above = !below && field.has_max && mean > field.max;
    if (below || above) {
      const double bound = below ? field.min : field.max;
      const double tolerance =
          field.has_tolerance ? field.tolerance : kDefaultBasketToleranceRatio * bound;
      reason.Append(", %.6g %s %s %.6g (tolerance %.6g)", below ? bound - mean : mean - bound,
                    below ? "below" : "above", below ? "min" : "max", bound, tolerance);
    } else {
      reason.Append(" in [");
      if (field.has_min) reason.Append("%.6g", field.min);
      reason.Append(", ");
      if (field.has_max) reason.Append("%.6g", field.max);
      reason.Append("]");
    }
    reason.Append(" -> %.3g", affinity);
    context.AddDetail(index, "basket_value", affinity, false, reason.view());
  }

  // Never missing: no events means nothing happened, a real 0.
  void Events(const EventsField& field) noexcept {
    if (!field.enabled) return;
    double sum = 0.0;
    Reason reason;
    for (const EventRule& rule : field.rules) {
      const size_t count = CountEvents(events, clock, rule);
      const double affinity = EventAffinity(static_cast<double>(count), rule.min_count);
      sum += affinity;
      if (!context.explain()) continue;
      if (&rule != &field.rules.front()) reason.Append("; ");
      reason.Append("%.*s", static_cast<int>(rule.type.size()), rule.type.data());
      if (!rule.where.empty()) {
        reason.Append("{");
        for (size_t w = 0; w < rule.where.size(); ++w) {
          const auto& [key, value] = rule.where[w];
          reason.Append("%s%.*s=%.*s", w == 0 ? "" : ",", static_cast<int>(key.size()), key.data(),
                        static_cast<int>(value.size()), value.data());
        }
        reason.Append("}");
      }
      reason.Append(" %zu of %.15g in %d days -> %.3g", count, rule.min_count, rule.within_days,
                    affinity);
    }
    const double affinity = sum / static_cast<double>(field.rules.size());
    accumulator.AddPresent(field.weight, affinity);
    if (!context.explain()) return;
    if (field.rules.size() > 1) reason.Append("; mean -> %.3g", affinity);
    context.AddDetail(index, "events", affinity, false, reason.view());
  }

  void Nps(const NpsField& field) noexcept {
    if (!field.enabled) return;
    if (!nps) {
      accumulator.AddMissing(field.weight);
      if (context.explain()) context.AddDetail(index, "nps", 0.0, true, "customer gave no NPS");
      return;
    }
    const double affinity = NpsAffinity(field.bands, *nps);
    accumulator.AddPresent(field.weight, affinity);
    if (!context.explain()) return;
    const std::string_view band = NpsBandName(BandOf(*nps));
    Reason reason;
    reason.Append("nps %.15g (%.*s), wanted ", *nps, static_cast<int>(band.size()), band.data());
    bool first = true;
    for (const NpsBand listed : {kPromoter, kPassive, kDetractor}) {
      if ((field.bands & listed) == 0) continue;
      const std::string_view name = NpsBandName(listed);
      reason.Append("%s%.*s", first ? "" : ",", static_cast<int>(name.size()), name.data());
      first = false;
    }
    reason.Append(" -> %.3g", affinity);
    context.AddDetail(index, "nps", affinity, false, reason.view());
  }
};

// ---------------------------------------------------------------------------------------
// Labels.
// ---------------------------------------------------------------------------------------

// Calls fn(category, spend) for every priced item with a category in the window's orders.
template <typename Fn>
void ForEachCategorySpend(const PersonaCustomer& customer, const Clock& clock, int days,
                          Fn&& fn) noexcept {
  ForEachOrderWithin(customer, clock, days, [&](size_t i) {
    const std::optional<sdk::OrderDetail> detail = sdk::FindOrderDetail(customer, i);
    if (!detail) return;
    for (const sdk::OrderItem item : detail->items()) {
      const std::optional<double> spend = ItemSpend(item);
      if (spend && !item.category().empty()) fn(item.category(), *spend);
    }
  });
}

// The better of two (category, spend) candidates: more spend, ties to the lower name.
bool Beats(std::string_view category, double spend, std::string_view best,
           double best_spend) noexcept {
  if (best.empty()) return spend > 0.0;
  if (spend != best_spend) return spend > best_spend;
  return category < best;
}

void TopCategory(const PersonaCustomer& customer, const Clock& clock, int days,
                 CustomerLabels* labels) noexcept {
  struct Entry {
    std::string_view category;
    double spend;
  };
  Entry table[kTopCategoryCapacity];
  size_t size = 0;
  bool overflow = false;
  ForEachCategorySpend(customer, clock, days, [&](std::string_view category, double spend) {
    for (size_t e = 0; e < size; ++e) {
      if (table[e].category == category) {
        table[e].spend += spend;
        return;
      }
    }
    if (size == kTopCategoryCapacity) {
      overflow = true;
      return;
    }
    table[size++] = Entry{category, spend};
  });
  std::string_view best;
  double best_spend = 0.0;
  if (!overflow) {
    for (size_t e = 0; e < size; ++e) {
      if (Beats(table[e].category, table[e].spend, best, best_spend)) {
        best = table[e].category;
        best_spend = table[e].spend;
      }
    }
  } else {
    // More categories than the table holds: sum each category over the window on its own.
    // Quadratic in the window's items, but exact and still allocation-free; only customers
    // with very varied baskets pay for it.
    ForEachCategorySpend(customer, clock, days, [&](std::string_view category, double) {
      if (category == best) return;
      double total = 0.0;
      ForEachCategorySpend(customer, clock, days, [&](std::string_view other, double spend) {
        if (other == category) total += spend;
      });
      if (Beats(category, total, best, best_spend)) {
        best = category;
        best_spend = total;
      }
    });
  }
  labels->top_category = best;
  labels->top_category_spend = best_spend;
}

}  // namespace

std::unique_ptr<BehavioralSegmenter> BehavioralSegmenter::Create(const sdk::Value& config) {
  return std::make_unique<BehavioralSegmenter>(ParseConfig(config));
}

std::unique_ptr<BehavioralCriterion> BehavioralSegmenter::Compile(const sdk::Value& params) const {
  return ParseCriterion(params);
}

CustomerLabels BehavioralSegmenter::MeasureLabels(const PersonaCustomer& customer,
                                                  int64_t as_of_unix_seconds) const noexcept {
  const Clock clock{as_of_unix_seconds, sdk::UtcOffsetOr(customer, 0)};
  CustomerLabels labels;
  TopCategory(customer, clock, config_.label_window_days, &labels);
  const DiscountTally discounts = MeasureDiscounts(customer, clock, config_.label_window_days);
  labels.orders = discounts.orders;
  labels.discounted_orders = discounts.discounted;
  return labels;
}

void BehavioralSegmenter::Score(const PersonaCustomer& customer, const Criterion* const* criteria,
                                size_t count, const sdk::ScoreContext& context,
                                PersonaCriterionScore* scores) const noexcept {
  // Labels describe the customer, not a persona: sent even when no criterion uses this
  // segmenter (count == 0).
  const CustomerLabels labels = MeasureLabels(customer, context.as_of_unix_seconds());
  if (!labels.top_category.empty()) context.AddLabel("top_category", labels.top_category);
  if (labels.orders > 0) {
    char share[16];
    const int n = std::snprintf(
        share, sizeof(share), "%.2f",
        static_cast<double>(labels.discounted_orders) / static_cast<double>(labels.orders));
    context.AddLabel("discount_share", std::string_view(share, static_cast<size_t>(n)));
  }

  // Facts every criterion shares, read once.
  const Clock clock{context.as_of_unix_seconds(), sdk::UtcOffsetOr(customer, 0)};
  const sdk::Events events = sdk::EventsOf(customer);
  const std::optional<double> nps = sdk::Nps(customer);
  for (size_t i = 0; i < count; ++i) {
    const BehavioralCriterion& criterion = *criteria[i];
    Grader grader{customer, clock, events, nps, context, i, sdk::AffinityAccumulator()};
    grader.Share(criterion.categories, ShareSource::kItemCategory);
    grader.Share(criterion.brands, ShareSource::kItemBrand);
    grader.Share(criterion.channels, ShareSource::kOrderChannel);
    grader.Discount(criterion.discount_share);
    grader.Basket(criterion.basket_value);
    grader.Events(criterion.events);
    grader.Nps(criterion.nps);
    scores[i] = grader.accumulator.Result();
  }
}

}  // namespace behavioral
}  // namespace persona
