// Config and params validation: what compiles, and every refusal's exact message (field
// path and reason).
#include <gtest/gtest.h>

#include "test_support.h"

namespace persona {
namespace behavioral {
namespace {

using testing::CompileError;
using testing::CreateError;

TEST(BehavioralConfigTest, AcceptsEmptyNullAndLabelWindow) {
  EXPECT_EQ(CreateError("{}"), "");
  EXPECT_EQ(CreateError("null"), "");
  EXPECT_EQ(CreateError(R"({"label_window_days": 90})"), "");
}

TEST(BehavioralConfigTest, RefusesUnknownKeysAndBadWindows) {
  EXPECT_EQ(CreateError(R"({"window": 90})"),
            "config.window: unknown parameter (known: label_window_days)");
  EXPECT_EQ(CreateError(R"({"label_window_days": 0})"),
            "config.label_window_days: must be between 1 and 36600, got 0");
  EXPECT_EQ(CreateError(R"({"label_window_days": 1.5})"),
            "config.label_window_days: must be a whole number of days, got 1.5");
  EXPECT_EQ(CreateError(R"({"label_window_days": "90"})"),
            "config.label_window_days: must be a number");
  EXPECT_EQ(CreateError("[]"), "config: must be an object");
}

TEST(BehavioralParamsTest, ValidParamsCompile) {
  for (const char* params : {
           R"({"categories": ["baby", "kids"]})",
           R"({"categories": "baby"})",
           R"({"categories": {"any_of": ["baby"], "min_share": 0, "window_days": 1}})",
           R"({"brands": {"any_of": ["Pigeon"], "min_share": 1, "by": "orders", "weight": 2}})",
           R"({"channels": {"any_of": ["app", "web"], "window_days": 36600, "by": "spend"}})",
           R"({"discount_share": {"min": 0.5}})",
           R"({"discount_share": {"max": 0.1, "window_days": 90, "weight": 0.5}})",
           R"({"discount_share": {"min": 0.4, "max": 0.4}})",
           R"({"basket_value": {"min": 20, "max": 80, "tolerance": 0, "window_days": 30}})",
           R"({"basket_value": {"max": 0}})",
           R"({"events": [{"type": "page_view"}]})",
           R"({"events": {"entries": [{"type": "search", "where": {"q": "diapers"},
                           "min_count": 2, "within_days": 7}], "weight": 3}})",
           R"({"nps": "promoter"})",
           R"({"nps": ["Promoter", "passive", "promoter"]})",
           R"({"nps": {"any_of": ["detractor"], "weight": 2}})",
       }) {
    EXPECT_EQ(CompileError(params), "") << params;
  }
}

TEST(BehavioralParamsTest, TopLevel) {
  EXPECT_EQ(CompileError("{}"),
            "params: must give at least one of categories, brands, channels, discount_share, "
            "basket_value, events, nps");
  EXPECT_EQ(CompileError(R"({"category": ["baby"]})"),
            "params.category: unknown parameter (known: categories, brands, channels, "
            "discount_share, basket_value, events, nps)");
  EXPECT_EQ(CompileError("[]"), "params: must be an object");
}

TEST(BehavioralParamsTest, ShareFields) {
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": ["baby"], "share": 0.3}})"),
            "params.categories.share: unknown parameter (known: any_of, min_share, window_days, "
            "by, weight)");
  EXPECT_EQ(CompileError(R"({"categories": 3})"),
            "params.categories: must be a list of tags or an object {\"any_of\": [...], "
            "\"min_share\": 0..1, \"window_days\": d, \"by\": \"spend\"|\"orders\", \"weight\": "
            "w}");
  EXPECT_EQ(CompileError(R"({"categories": {"min_share": 0.3}})"),
            "params.categories.any_of: is required");
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": []}})"),
            "params.categories.any_of: must name at least one tag");
  EXPECT_EQ(CompileError(R"({"brands": []})"), "params.brands: must name at least one tag");
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": 7}})"),
            "params.categories.any_of: must be a list of tags");
  EXPECT_EQ(CompileError(R"({"categories": ["baby", 7]})"),
            "params.categories[1]: must be a string");
  EXPECT_EQ(CompileError(R"({"categories": ["baby", "  "]})"),
            "params.categories[1]: must not be empty");
  EXPECT_EQ(CompileError(R"({"categories": ["Baby", " baby"]})"),
            "params.categories[1]: duplicate tag \"baby\"");
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": ["baby"], "min_share": 1.5}})"),
            "params.categories.min_share: must be between 0 and 1, got 1.5");
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": ["baby"], "min_share": -0.1}})"),
            "params.categories.min_share: must be between 0 and 1, got -0.1");
  EXPECT_EQ(CompileError(R"({"categories": {"any_of": ["baby"], "min_share": "high"}})"),
            "params.categories.min_share: must be a number");
  EXPECT_EQ(CompileError(R"({"channels": {"any_of": ["app"], "window_days": 0}})"),
            "params.channels.window_days: must be between 1 and 36600, got 0");
  EXPECT_EQ(CompileError(R"({"channels": {"any_of": ["app"], "window_days": -5}})"),
            "params.channels.window_days: must be between 1 and 36600, got -5");
  EXPECT_EQ(CompileError(R"({"channels": {"any_of": ["app"], "window_days": 36601}})"),
            "params.channels.window_days: must be between 1 and 36600, got 36601");
  EXPECT_EQ(CompileError(R"({"channels": {"any_of": ["app"], "window_days": 7.5}})"),
            "params.channels.window_days: must be a whole number of days, got 7.5");
  EXPECT_EQ(CompileError(R"({"brands": {"any_of": ["x"], "by": "amount"}})"),
            "params.brands.by: must be \"spend\" or \"orders\", got \"amount\"");
  EXPECT_EQ(CompileError(R"({"brands": {"any_of": ["x"], "by": 1}})"),
            "params.brands.by: must be a string");
  EXPECT_EQ(CompileError(R"({"brands": {"any_of": ["x"], "weight": 0}})"),
            "params.brands.weight: must be greater than 0, got 0");
  EXPECT_EQ(CompileError(R"({"brands": {"any_of": ["x"], "weight": -1}})"),
            "params.brands.weight: must be greater than 0, got -1");
}

TEST(BehavioralParamsTest, DiscountShare) {
  EXPECT_EQ(CompileError(R"({"discount_share": 0.5})"),
            "params.discount_share: must be an object {\"min\": 0..1, \"max\": 0..1, "
            "\"window_days\": d, \"weight\": w}");
  EXPECT_EQ(CompileError(R"({"discount_share": {}})"),
            "params.discount_share: must give min and/or max (shares 0..1)");
  EXPECT_EQ(CompileError(R"({"discount_share": {"min": 2}})"),
            "params.discount_share.min: must be between 0 and 1, got 2");
  EXPECT_EQ(CompileError(R"({"discount_share": {"max": -1}})"),
            "params.discount_share.max: must be between 0 and 1, got -1");
  EXPECT_EQ(CompileError(R"({"discount_share": {"min": 0.6, "max": 0.5}})"),
            "params.discount_share: min 0.6 is greater than max 0.5");
  EXPECT_EQ(CompileError(R"({"discount_share": {"min": 0.5, "window": 30}})"),
            "params.discount_share.window: unknown parameter (known: min, max, window_days, "
            "weight)");
  EXPECT_EQ(CompileError(R"({"discount_share": {"min": 0.5, "window_days": 0}})"),
            "params.discount_share.window_days: must be between 1 and 36600, got 0");
}

TEST(BehavioralParamsTest, BasketValue) {
  EXPECT_EQ(CompileError(R"({"basket_value": [20, 80]})"),
            "params.basket_value: must be an object {\"min\": amount, \"max\": amount, "
            "\"tolerance\": amount, \"window_days\": d, \"weight\": w}");
  EXPECT_EQ(CompileError(R"({"basket_value": {"tolerance": 5}})"),
            "params.basket_value: must give min and/or max (order amounts)");
  EXPECT_EQ(CompileError(R"({"basket_value": {"min": -1}})"),
            "params.basket_value.min: must be >= 0, got -1");
  EXPECT_EQ(CompileError(R"({"basket_value": {"min": 90, "max": 80}})"),
            "params.basket_value: min 90 is greater than max 80");
  EXPECT_EQ(CompileError(R"({"basket_value": {"max": 80, "tolerance": -5}})"),
            "params.basket_value.tolerance: must be >= 0, got -5");
  EXPECT_EQ(CompileError(R"({"basket_value": {"max": "80"}})"),
            "params.basket_value.max: must be a number");
  EXPECT_EQ(CompileError(R"({"basket_value": {"max": 80, "mean": 1}})"),
            "params.basket_value.mean: unknown parameter (known: min, max, tolerance, "
            "window_days, weight)");
}

TEST(BehavioralParamsTest, Events) {
  EXPECT_EQ(CompileError(R"({"events": []})"), "params.events: must list at least one event rule");
  EXPECT_EQ(CompileError(R"({"events": "page_view"})"),
            "params.events: must be a list of event rules or an object {\"entries\": [...], "
            "\"weight\": w}");
  EXPECT_EQ(CompileError(R"({"events": {"weight": 2}})"), "params.events.entries: is required");
  EXPECT_EQ(CompileError(R"({"events": {"entries": [{"type": "x"}], "any_of": 1}})"),
            "params.events.any_of: unknown parameter (known: entries, weight)");
  EXPECT_EQ(CompileError(R"({"events": ["page_view"]})"),
            "params.events[0]: must be an object {\"type\": \"page_view\", \"where\": {...}, "
            "\"min_count\": n, \"within_days\": d}");
  EXPECT_EQ(CompileError(R"({"events": [{"min_count": 2}]})"),
            "params.events[0].type: is required");
  EXPECT_EQ(CompileError(R"({"events": [{"type": " "}]})"),
            "params.events[0].type: must not be empty");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "count": 2}]})"),
            "params.events[0].count: unknown parameter (known: type, where, min_count, "
            "within_days)");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x"}, {"type": "y", "min_count": 0}]})"),
            "params.events[1].min_count: must be a whole number >= 1, got 0");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "min_count": 2.5}]})"),
            "params.events[0].min_count: must be a whole number >= 1, got 2.5");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "within_days": 0}]})"),
            "params.events[0].within_days: must be between 1 and 36600, got 0");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "where": ["category"]}]})"),
            "params.events[0].where: must be an object of property: value");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "where": {"category": 3}}]})"),
            "params.events[0].where.category: must be a string");
  EXPECT_EQ(CompileError(R"({"events": [{"type": "x", "where": {"category": ""}}]})"),
            "params.events[0].where.category: must not be empty");
  EXPECT_EQ(CompileError(R"({"events": {"entries": [{"type": "x"}], "weight": 0}})"),
            "params.events.weight: must be greater than 0, got 0");
}

TEST(BehavioralParamsTest, Nps) {
  EXPECT_EQ(CompileError(R"({"nps": ["fan"]})"),
            "params.nps[0]: unknown band \"fan\" (valid: promoter, passive, detractor)");
  EXPECT_EQ(CompileError(R"({"nps": "neutral"})"),
            "params.nps: unknown band \"neutral\" (valid: promoter, passive, detractor)");
  EXPECT_EQ(CompileError(R"({"nps": []})"),
            "params.nps: must name at least one band (valid: promoter, passive, detractor)");
  EXPECT_EQ(CompileError(R"({"nps": 9})"),
            "params.nps: must be a list of bands or an object {\"any_of\": [...], \"weight\": w} "
            "(valid: promoter, passive, detractor)");
  EXPECT_EQ(CompileError(R"({"nps": [9]})"), "params.nps[0]: must be a string");
  EXPECT_EQ(CompileError(R"({"nps": {"any_of": ["promoter"], "min": 9}})"),
            "params.nps.min: unknown parameter (known: any_of, weight)");
  EXPECT_EQ(CompileError(R"({"nps": {"weight": 1}})"), "params.nps.any_of: is required");
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
