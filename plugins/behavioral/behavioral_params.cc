#include "behavioral_params.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace behavioral {
namespace {

using sdk::Value;

std::string Num(double v) { return Value::FormatNumber(v); }

int ParseWindowDays(const Value& v) {
  const double days = v.Number();
  if (!std::isfinite(days) || days != std::floor(days)) {
    v.Fail("must be a whole number of days, got " + Num(days));
  }
  if (days < 1 || days > kMaxWindowDays) {
    v.Fail("must be between 1 and " + std::to_string(kMaxWindowDays) + ", got " + Num(days));
  }
  return static_cast<int>(days);
}

double ParseWeight(const Value& v) {
  const double weight = v.Number();
  if (!(weight > 0.0) || !std::isfinite(weight)) {
    v.Fail("must be greater than 0, got " + Num(weight));
  }
  return weight;
}

double ParseMoney(const Value& v) {
  const double amount = v.Number();
  if (!std::isfinite(amount) || amount < 0.0) v.Fail("must be >= 0, got " + Num(amount));
  return amount;
}

// A list of tags (or one tag), normalised, sorted by bytes; duplicates after normalising
// are an error because they are almost always a typo for another tag.
std::vector<std::string> ParseTags(const Value& list) {
  std::vector<Value> items;
  if (list.IsString()) {
    items.push_back(list);
  } else if (list.IsList()) {
    items = list.List();
  } else {
    list.Fail("must be a list of tags");
  }
  if (items.empty()) list.Fail("must name at least one tag");
  std::vector<std::string> tags;
  for (const Value& item : items) {
    std::string tag = sdk::NormalizeTag(item.String());
    if (tag.empty()) item.Fail("must not be empty");
    if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
      item.Fail("duplicate tag \"" + tag + "\"");
    }
    tags.push_back(std::move(tag));
  }
  std::sort(tags.begin(), tags.end());
  return tags;
}

ShareField ParseShare(const Value& v) {
  ShareField field;
  field.enabled = true;
  if (v.IsString() || v.IsList()) {
    field.tags = ParseTags(v);
    return field;
  }
  if (!v.IsObject()) {
    v.Fail(
        "must be a list of tags or an object {\"any_of\": [...], \"min_share\": 0..1, "
        "\"window_days\": d, \"by\": \"spend\"|\"orders\", \"weight\": w}");
  }
  v.RejectUnknownKeys({"any_of", "min_share", "window_days", "by", "weight"});
  field.tags = ParseTags(v.Get("any_of"));
  if (const std::optional<Value> m = v.Find("min_share")) field.min_share = m->NumberIn(0, 1);
  if (const std::optional<Value> d = v.Find("window_days")) field.window_days = ParseWindowDays(*d);
  if (const std::optional<Value> by = v.Find("by")) {
    const std::string_view name = by->String();
    if (name == "spend") {
      field.by = ShareBy::kSpend;
    } else if (name == "orders") {
      field.by = ShareBy::kOrders;
    } else {
      by->Fail("must be \"spend\" or \"orders\", got \"" + std::string(name) + "\"");
    }
  }
  if (const std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

DiscountField ParseDiscount(const Value& v) {
  if (!v.IsObject()) {
    v.Fail("must be an object {\"min\": 0..1, \"max\": 0..1, \"window_days\": d, \"weight\": w}");
  }
  v.RejectUnknownKeys({"min", "max", "window_days", "weight"});
  DiscountField field;
  field.enabled = true;
  const std::optional<Value> min = v.Find("min");
  const std::optional<Value> max = v.Find("max");
  // Neither bound would match everyone: most likely a mistake, never a useful rule.
  if (!min && !max) v.Fail("must give min and/or max (shares 0..1)");
  if (min) field.min = min->NumberIn(0, 1);
  if (max) field.max = max->NumberIn(0, 1);
  if (field.min > field.max) {
    v.Fail("min " + Num(field.min) + " is greater than max " + Num(field.max));
  }
  if (const std::optional<Value> d = v.Find("window_days")) field.window_days = ParseWindowDays(*d);
  if (const std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

BasketField ParseBasket(const Value& v) {
  if (!v.IsObject()) {
    v.Fail(
        "must be an object {\"min\": amount, \"max\": amount, \"tolerance\": amount, "
        "\"window_days\": d, \"weight\": w}");
  }
  v.RejectUnknownKeys({"min", "max", "tolerance", "window_days", "weight"});
  BasketField field;
  field.enabled = true;
  const std::optional<Value> min = v.Find("min");
  const std::optional<Value> max = v.Find("max");
  if (!min && !max) v.Fail("must give min and/or max (order amounts)");
  if (min) {
    field.has_min = true;
    field.min = ParseMoney(*min);
  }
  if (max) {
    field.has_max = true;
    field.max = ParseMoney(*max);
  }
  if (min && max && field.min > field.max) {
    v.Fail("min " + Num(field.min) + " is greater than max " + Num(field.max));
  }
  if (const std::optional<Value> t = v.Find("tolerance")) {
    field.has_tolerance = true;
    field.tolerance = ParseMoney(*t);
  }
  if (const std::optional<Value> d = v.Find("window_days")) field.window_days = ParseWindowDays(*d);
  if (const std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

EventRule ParseEventRule(const Value& v) {
  if (!v.IsObject()) {
    v.Fail(
        "must be an object {\"type\": \"page_view\", \"where\": {...}, \"min_count\": n, "
        "\"within_days\": d}");
  }
  v.RejectUnknownKeys({"type", "where", "min_count", "within_days"});
  EventRule rule;
  const Value type = v.Get("type");
  rule.type = sdk::NormalizeTag(type.String());
  if (rule.type.empty()) type.Fail("must not be empty");
  if (const std::optional<Value> where = v.Find("where")) {
    if (!where->IsObject()) where->Fail("must be an object of property: value");
    where->ForEachMember([&rule](std::string_view key, const Value& value) {
      if (key.empty()) value.Fail("property name must not be empty");
      std::string wanted = sdk::NormalizeTag(value.String());
      if (wanted.empty()) value.Fail("must not be empty");
      rule.where.emplace_back(std::string(key), std::move(wanted));
    });
    std::sort(rule.where.begin(), rule.where.end());
  }
  if (const std::optional<Value> n = v.Find("min_count")) {
    const double count = n->Number();
    if (!std::isfinite(count) || count < 1 || count != std::floor(count)) {
      n->Fail("must be a whole number >= 1, got " + Num(count));
    }
    rule.min_count = count;
  }
  if (const std::optional<Value> d = v.Find("within_days")) rule.within_days = ParseWindowDays(*d);
  return rule;
}

EventsField ParseEvents(const Value& v) {
  EventsField field;
  field.enabled = true;
  std::optional<Value> list = v;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"entries", "weight"});
    list = v.Get("entries");
    if (const std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  }
  if (!list->IsList()) {
    list->Fail("must be a list of event rules or an object {\"entries\": [...], \"weight\": w}");
  }
  const std::vector<Value> entries = list->List();
  if (entries.empty()) list->Fail("must list at least one event rule");
  for (const Value& entry : entries) field.rules.push_back(ParseEventRule(entry));
  return field;
}

constexpr char kValidBands[] = "promoter, passive, detractor";

NpsField ParseNps(const Value& v) {
  NpsField field;
  field.enabled = true;
  std::optional<Value> list = v;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "weight"});
    list = v.Get("any_of");
    if (const std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  }
  std::vector<Value> items;
  if (list->IsString()) {
    items.push_back(*list);
  } else if (list->IsList()) {
    items = list->List();
  } else {
    list->Fail("must be a list of bands or an object {\"any_of\": [...], \"weight\": w} (valid: " +
               std::string(kValidBands) + ")");
  }
  if (items.empty()) {
    list->Fail("must name at least one band (valid: " + std::string(kValidBands) + ")");
  }
  for (const Value& item : items) {
    const std::string name = sdk::NormalizeTag(item.String());
    if (name == "promoter") {
      field.bands |= kPromoter;
    } else if (name == "passive") {
      field.bands |= kPassive;
    } else if (name == "detractor") {
      field.bands |= kDetractor;
    } else {
      item.Fail("unknown band \"" + std::string(item.String()) +
                "\" (valid: " + std::string(kValidBands) + ")");
    }
  }
  return field;
}

}  // namespace

BehavioralConfig ParseConfig(const Value& config) {
  BehavioralConfig out;
  // The ABI promises an object, empty when the catalog has no config; a null is read the same
  // way so a host that passes "no config" literally is not refused.
  if (config.IsNull()) return out;
  config.RejectUnknownKeys({"label_window_days"});
  if (const std::optional<Value> d = config.Find("label_window_days")) {
    out.label_window_days = ParseWindowDays(*d);
  }
  return out;
}

std::unique_ptr<BehavioralCriterion> ParseCriterion(const Value& params) {
  params.RejectUnknownKeys(
      {"categories", "brands", "channels", "discount_share", "basket_value", "events", "nps"});
  auto criterion = std::make_unique<BehavioralCriterion>();
  if (const std::optional<Value> v = params.Find("categories")) {
    criterion->categories = ParseShare(*v);
  }
  if (const std::optional<Value> v = params.Find("brands")) criterion->brands = ParseShare(*v);
  if (const std::optional<Value> v = params.Find("channels")) criterion->channels = ParseShare(*v);
  if (const std::optional<Value> v = params.Find("discount_share")) {
    criterion->discount_share = ParseDiscount(*v);
  }
  if (const std::optional<Value> v = params.Find("basket_value")) {
    criterion->basket_value = ParseBasket(*v);
  }
  if (const std::optional<Value> v = params.Find("events")) criterion->events = ParseEvents(*v);
  if (const std::optional<Value> v = params.Find("nps")) criterion->nps = ParseNps(*v);
  const BehavioralCriterion& c = *criterion;
  if (!c.categories.enabled && !c.brands.enabled && !c.channels.enabled &&
      !c.discount_share.enabled && !c.basket_value.enabled && !c.events.enabled && !c.nps.enabled) {
    params.Fail(
        "must give at least one of categories, brands, channels, discount_share, basket_value, "
        "events, nps");
  }
  return criterion;
}

}  // namespace behavioral
}  // namespace persona
