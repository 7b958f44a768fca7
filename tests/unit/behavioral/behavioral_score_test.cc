// Grading through the C ABI (the SDK adapter's function table): every field at its
// thresholds, window edges by local date, missing data against real zeros, weights, and the
// explain text.
#include <gtest/gtest.h>

#include "test_support.h"

namespace persona {
namespace behavioral {
namespace {

using testing::At;
using testing::CustomerBuilder;
using testing::DaysBefore;
using testing::DetailOf;
using testing::EventData;
using testing::Item;
using testing::kAsOf;
using testing::OrderDetailData;
using testing::ScoreAll;
using testing::ScoreOne;
using testing::ScoreResult;

constexpr double kEps = 1e-12;

OrderDetailData Items(std::vector<sdk::testing::OrderItemData> items, std::string channel = "") {
  OrderDetailData detail;
  detail.items = std::move(items);
  detail.channel = std::move(channel);
  return detail;
}

OrderDetailData Channel(std::string channel) {
  OrderDetailData detail;
  detail.channel = std::move(channel);
  return detail;
}

// ---------------------------------------------------------------------------------------
// categories / brands
// ---------------------------------------------------------------------------------------

constexpr char kBabyShare[] = R"({"categories": {"any_of": ["baby", "kids"], "min_share": 0.3}})";

TEST(CategoriesTest, ShareExactlyAtMinShareIsOne) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", 30), Item("food", 70)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 1.0);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(DetailOf(r, 0, "categories").reason,
            "share of spend in baby,kids over 365 days 0.3 >= 0.3 -> 1");
}

TEST(CategoriesTest, JustBelowMinShareIsLinear) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", 29), Item("food", 71)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_NEAR(r.scores[0].affinity, 0.29 / 0.3, kEps);
  EXPECT_EQ(DetailOf(r, 0, "categories").reason,
            "share of spend in baby,kids over 365 days 0.29 < 0.3 -> 0.967");
}

TEST(CategoriesTest, SpendIsQuantityTimesUnitPriceQuantityDefaultsToOne) {
  CustomerBuilder c;
  // kids: 3 x 10 = 30; food: no quantity, counts once at 70.
  c.Order("o1", DaysBefore(3), 100, Items({Item("kids", 10, 3), Item("food", 70)}));
  EXPECT_DOUBLE_EQ(ScoreOne(kBabyShare, c.Build()).scores[0].affinity, 1.0);
  CustomerBuilder d;
  d.Order("o1", DaysBefore(3), 100, Items({Item("kids", 10, 2), Item("food", 70)}));
  EXPECT_NEAR(ScoreOne(kBabyShare, d.Build()).scores[0].affinity, (20.0 / 90.0) / 0.3, kEps);
}

TEST(CategoriesTest, ByOrdersAndBySpendGradeDifferently) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(10), 100, Items({Item("baby", 10), Item("food", 90)}));
  c.Order("o2", DaysBefore(5), 100, Items({Item("food", 100)}));
  const ScoreResult r =
      ScoreAll({R"({"categories": {"any_of": ["baby"], "min_share": 0.3, "by": "spend"}})",
                R"({"categories": {"any_of": ["baby"], "min_share": 0.3, "by": "orders"}})"},
               c.Build());
  EXPECT_NEAR(r.scores[0].affinity, (10.0 / 200.0) / 0.3, kEps);  // spend share 0.05
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 1.0);                    // 1 of 2 orders
  EXPECT_EQ(DetailOf(r, 1, "categories").reason,
            "share of orders in baby over 365 days 0.5 >= 0.3 -> 1");
}

TEST(CategoriesTest, UnpricedItemsAreLeftOutOfSpend) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", std::nullopt), Item("food", 50)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 1.0);
}

TEST(CategoriesTest, NoPricedItemInTheWindowFallsBackToOrders) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", std::nullopt)}));
  c.Order("o2", DaysBefore(2), 100, Items({Item("food", std::nullopt)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 1.0);  // 1 of 2 orders >= 0.3
  EXPECT_EQ(DetailOf(r, 0, "categories").reason,
            "share of orders in baby,kids over 365 days 0.5 >= 0.3 (no spend to share) -> 1");
}

TEST(CategoriesTest, ItemsButNoneListedIsARealZero) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("food", 60), Item("", 40)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 1.0);
  EXPECT_FALSE(DetailOf(r, 0, "categories").missing);
}

TEST(CategoriesTest, NoItemDataIsMissing) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100);  // an order without items (an older client)
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.0);
  const auto detail = DetailOf(r, 0, "categories");
  EXPECT_TRUE(detail.missing);
  EXPECT_EQ(detail.reason, "no orders with items in the last 365 days");
  EXPECT_DOUBLE_EQ(ScoreOne(kBabyShare, CustomerBuilder().Build()).scores[0].coverage, 0.0);
}

TEST(CategoriesTest, AnAbi11CustomerHasNoItemData) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", 30)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.BuildSized(sdk::testing::kCustomerSizeAbi11));
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.0);
}

TEST(CategoriesTest, ItemsOnlyBeforeTheWindowAreMissing) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(400), 100, Items({Item("baby", 30)}));
  const ScoreResult r = ScoreOne(kBabyShare, c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.0);
}

TEST(CategoriesTest, WindowEdgeByLocalDate) {
  // as_of 2026-06-15 12:00 UTC is 07:00 on 15 June at UTC-5. window_days 180: the last day
  // inside is 15 June - 179 days = 18 December 2025 (local).
  const int32_t offset = -5 * 3600;
  const std::string params =
      R"({"categories": {"any_of": ["baby"], "min_share": 0.5, "window_days": 180}})";
  const auto score = [&](int64_t baby_time) {
    CustomerBuilder c;
    c.TimeZone("America/New_York", offset);
    c.Order("old", baby_time, 50, Items({Item("baby", 50)}));
    c.Order("new", DaysBefore(1), 50, Items({Item("food", 50)}));
    return ScoreOne(params, c.Build()).scores[0].affinity;
  };
  ASSERT_EQ(sdk::LocalDaysAgo(At(2025, 12, 18), kAsOf, 0), 179);
  // 18 Dec 05:00 UTC is 00:00 local on 18 Dec: the last day inside.
  EXPECT_DOUBLE_EQ(score(At(2025, 12, 18, 5)), 1.0);
  // 18 Dec 04:59 UTC is still 17 Dec local: the first day outside, though its UTC date is
  // inside.
  EXPECT_DOUBLE_EQ(score(At(2025, 12, 18, 4, 59)), 0.0);
  // Without a time zone the same instant counts by its UTC date, inside.
  CustomerBuilder utc;
  utc.Order("old", At(2025, 12, 18, 4, 59), 50, Items({Item("baby", 50)}));
  utc.Order("new", DaysBefore(1), 50, Items({Item("food", 50)}));
  EXPECT_DOUBLE_EQ(ScoreOne(params, utc.Build()).scores[0].affinity, 1.0);
  // And 17 Dec is outside by UTC date.
  CustomerBuilder utc_out;
  utc_out.Order("old", At(2025, 12, 17, 23, 59), 50, Items({Item("baby", 50)}));
  utc_out.Order("new", DaysBefore(1), 50, Items({Item("food", 50)}));
  EXPECT_DOUBLE_EQ(ScoreOne(params, utc_out.Build()).scores[0].affinity, 0.0);
}

TEST(CategoriesTest, TagsMatchCaseInsensitively) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item(" BABY ", 100)}));
  EXPECT_DOUBLE_EQ(ScoreOne(R"({"categories": [" Baby"]})", c.Build()).scores[0].affinity, 1.0);
}

TEST(BrandsTest, ShareOverItemBrands) {
  CustomerBuilder c;
  c.Order(
      "o1", DaysBefore(3), 100,
      Items({Item("baby", 25, std::nullopt, "Pigeon"), Item("baby", 75, std::nullopt, "Other")}));
  const ScoreResult r =
      ScoreOne(R"({"brands": {"any_of": ["pigeon"], "min_share": 0.5}})", c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.5);
  EXPECT_EQ(DetailOf(r, 0, "brands").reason,
            "share of spend in pigeon over 365 days 0.25 < 0.5 -> 0.5");
}

// ---------------------------------------------------------------------------------------
// channels
// ---------------------------------------------------------------------------------------

TEST(ChannelsTest, ByOrdersAndBySpend) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 60, Channel("App"));
  c.Order("o2", DaysBefore(2), 20, Channel("web"));
  c.Order("o3", DaysBefore(1), 20, Channel("web"));
  c.Order("o4", DaysBefore(1), 500);  // no channel: not counted
  const ScoreResult r =
      ScoreAll({R"({"channels": {"any_of": ["app"], "min_share": 0.5, "by": "orders"}})",
                R"({"channels": {"any_of": ["app"], "min_share": 0.5}})"},
               c.Build());
  EXPECT_NEAR(r.scores[0].affinity, (1.0 / 3.0) / 0.5, kEps);
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 1.0);  // 60 of 100
  EXPECT_EQ(DetailOf(r, 1, "channels").reason,
            "share of spend in app over 365 days 0.6 >= 0.5 -> 1");
}

TEST(ChannelsTest, NoChannelIsMissing) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 60);
  const ScoreResult r = ScoreOne(R"({"channels": ["app"]})", c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.0);
  EXPECT_EQ(DetailOf(r, 0, "channels").reason, "no orders with a channel in the last 365 days");
}

// ---------------------------------------------------------------------------------------
// discount_share
// ---------------------------------------------------------------------------------------

OrderDetailData Voucher(std::string code) {
  OrderDetailData detail;
  detail.voucher_code = std::move(code);
  return detail;
}

OrderDetailData Discount(double amount) {
  OrderDetailData detail;
  detail.discount_amount = amount;
  return detail;
}

TEST(DiscountShareTest, VouchersOnMostOrdersAgainstNone) {
  CustomerBuilder hunter;
  hunter.Order("o1", DaysBefore(30), 50, Voucher("SAVE10"));
  hunter.Order("o2", DaysBefore(20), 50, Discount(5));
  hunter.Order("o3", DaysBefore(10), 50, Discount(0));  // nothing saved: full price
  CustomerBuilder full_price;
  full_price.Order("o1", DaysBefore(30), 50);
  full_price.Order("o2", DaysBefore(20), 50);
  const char* hunt = R"({"discount_share": {"min": 0.5}})";
  const char* avoid = R"({"discount_share": {"max": 0.2}})";
  const ScoreResult h = ScoreAll({hunt, avoid}, hunter.Build());
  EXPECT_DOUBLE_EQ(h.scores[0].affinity, 1.0);                               // 2/3 >= 0.5
  EXPECT_NEAR(h.scores[1].affinity, (1.0 - 2.0 / 3.0) / (1.0 - 0.2), kEps);  // above max
  EXPECT_EQ(DetailOf(h, 0, "discount_share").reason,
            "2 of 3 orders discounted over 365 days: share 0.667 in [0.5, 1] -> 1");
  EXPECT_EQ(DetailOf(h, 1, "discount_share").reason,
            "2 of 3 orders discounted over 365 days: share 0.667 > max 0.2 -> 0.417");
  const ScoreResult f = ScoreAll({hunt, avoid}, full_price.Build());
  EXPECT_DOUBLE_EQ(f.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(f.scores[0].coverage, 1.0);  // full price is a real 0, not missing
  EXPECT_DOUBLE_EQ(f.scores[1].affinity, 1.0);
  EXPECT_EQ(DetailOf(f, 0, "discount_share").reason,
            "0 of 2 orders discounted over 365 days: share 0 < min 0.5 -> 0");
}

TEST(DiscountShareTest, ShareAtMinAndJustBelow) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 50, Voucher("X"));
  c.Order("o2", DaysBefore(2), 50);
  EXPECT_DOUBLE_EQ(ScoreOne(R"({"discount_share": {"min": 0.5}})", c.Build()).scores[0].affinity,
                   1.0);
  EXPECT_NEAR(ScoreOne(R"({"discount_share": {"min": 0.51}})", c.Build()).scores[0].affinity,
              0.5 / 0.51, kEps);
}

TEST(DiscountShareTest, WindowAndMissing) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(40), 50, Voucher("X"));
  const ScoreResult r = ScoreAll({R"({"discount_share": {"min": 0.5, "window_days": 30}})",
                                  R"({"discount_share": {"min": 0.5, "window_days": 41}})"},
                                 c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.0);
  EXPECT_EQ(DetailOf(r, 0, "discount_share").reason, "no orders in the last 30 days");
  EXPECT_TRUE(DetailOf(r, 0, "discount_share").missing);
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 1.0);
  EXPECT_DOUBLE_EQ(r.scores[1].coverage, 1.0);
}

// ---------------------------------------------------------------------------------------
// basket_value
// ---------------------------------------------------------------------------------------

TEST(BasketValueTest, InsideOutsideAndAtTheTolerance) {
  const auto mean_of = [](double a, double b) {
    CustomerBuilder c;
    c.Order("o1", DaysBefore(3), a);
    c.Order("o2", DaysBefore(2), b);
    return ScoreOne(R"({"basket_value": {"min": 20, "max": 80}})", c.Build());
  };
  EXPECT_DOUBLE_EQ(mean_of(30, 50).scores[0].affinity, 1.0);    // 40
  EXPECT_DOUBLE_EQ(mean_of(80, 80).scores[0].affinity, 1.0);    // 80, on the edge
  EXPECT_DOUBLE_EQ(mean_of(90, 110).scores[0].affinity, 0.5);   // 100: 20 above, tolerance 40
  EXPECT_DOUBLE_EQ(mean_of(120, 120).scores[0].affinity, 0.0);  // at the tolerance's end
  EXPECT_DOUBLE_EQ(mean_of(10, 20).scores[0].affinity, 0.5);    // 15: 5 below, tolerance 10
  EXPECT_EQ(DetailOf(mean_of(30, 50), 0, "basket_value").reason,
            "mean order 40 over 2 orders in [20, 80] -> 1");
  EXPECT_EQ(DetailOf(mean_of(90, 110), 0, "basket_value").reason,
            "mean order 100 over 2 orders, 20 above max 80 (tolerance 40) -> 0.5");
}

TEST(BasketValueTest, ExplicitToleranceWindowAndMissing) {
  CustomerBuilder c;
  c.Order("old", DaysBefore(100), 1000);
  c.Order("o1", DaysBefore(3), 90);
  const ScoreResult r = ScoreAll({R"({"basket_value": {"max": 80, "tolerance": 20}})",
                                  R"({"basket_value": {"max": 80, "tolerance": 20,
                                                       "window_days": 30}})",
                                  R"({"basket_value": {"min": 10, "window_days": 2}})"},
                                 c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.0);  // mean 545
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 0.5);  // mean 90 in the last 30 days
  EXPECT_EQ(DetailOf(r, 1, "basket_value").reason,
            "mean order 90 over 1 orders in the last 30 days, 10 above max 80 (tolerance 20) -> "
            "0.5");
  EXPECT_DOUBLE_EQ(r.scores[2].coverage, 0.0);
  EXPECT_EQ(DetailOf(r, 2, "basket_value").reason, "no orders in the last 2 days");
  const ScoreResult none = ScoreOne(R"({"basket_value": {"min": 10}})", CustomerBuilder().Build());
  EXPECT_DOUBLE_EQ(none.scores[0].coverage, 0.0);
  EXPECT_EQ(DetailOf(none, 0, "basket_value").reason, "no orders");
}

// ---------------------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------------------

EventData Props(std::vector<std::pair<std::string, std::string>> properties) {
  EventData data;
  data.properties = std::move(properties);
  return data;
}

TEST(EventsTest, CountsWithoutWhere) {
  CustomerBuilder c;
  c.Event("page_view", DaysBefore(1));
  c.Event("page_view", DaysBefore(2));
  c.Event("search", DaysBefore(2));
  const ScoreResult r = ScoreOne(
      R"({"events": [{"type": "Page_View", "min_count": 3, "within_days": 14}]})", c.Build());
  EXPECT_NEAR(r.scores[0].affinity, 2.0 / 3.0, kEps);
  EXPECT_EQ(DetailOf(r, 0, "events").reason, "page_view 2 of 3 in 14 days -> 0.667");
}

TEST(EventsTest, WhereMatchesPropertyValuesAsTags) {
  CustomerBuilder c;
  c.Event("page_view", DaysBefore(1), Props({{"category", " Baby"}}));
  c.Event("page_view", DaysBefore(2), Props({{"category", "BABY"}, {"page", "home"}}));
  c.Event("page_view", DaysBefore(3), Props({{"category", "toys"}}));
  c.Event("page_view", DaysBefore(3));                                 // no property
  c.Event("page_view", DaysBefore(3), Props({{"Category", "baby"}}));  // keys are exact
  const ScoreResult r = ScoreAll(
      {R"({"events": [{"type": "page_view", "where": {"category": "baby"}, "min_count": 3,
                       "within_days": 14}]})",
       R"({"events": [{"type": "page_view", "where": {"category": "baby"}, "min_count": 2}]})",
       R"({"events": [{"type": "page_view", "where": {"category": "baby", "page": "HOME"}}]})"},
      c.Build());
  EXPECT_NEAR(r.scores[0].affinity, 2.0 / 3.0, kEps);
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 1.0);
  EXPECT_DOUBLE_EQ(r.scores[2].affinity, 1.0);
  EXPECT_EQ(DetailOf(r, 0, "events").reason, "page_view{category=baby} 2 of 3 in 14 days -> 0.667");
  EXPECT_EQ(DetailOf(r, 2, "events").reason,
            "page_view{category=baby,page=home} 1 of 1 in 30 days -> 1");
}

TEST(EventsTest, WindowEdgeByLocalDate) {
  // UTC+7: as_of 2026-06-15 12:00 UTC is 19:00 local on 15 June. within_days 14: the last
  // local day inside is 2 June.
  const auto count_at = [](int64_t time) {
    CustomerBuilder c;
    c.TimeZone("Asia/Jakarta", 7 * 3600);
    c.Event("support_ticket", time);
    return ScoreOne(R"({"events": [{"type": "support_ticket", "within_days": 14}]})", c.Build())
        .scores[0]
        .affinity;
  };
  EXPECT_DOUBLE_EQ(count_at(At(2026, 6, 1, 17)), 1.0);      // 2 June 00:00 local: inside
  EXPECT_DOUBLE_EQ(count_at(At(2026, 6, 1, 16, 59)), 0.0);  // 1 June 23:59 local: outside
  EXPECT_DOUBLE_EQ(count_at(kAsOf), 1.0);                   // today
}

TEST(EventsTest, NoEventsIsARealZeroAndEntriesAverage) {
  const ScoreResult none =
      ScoreOne(R"({"events": [{"type": "support_ticket"}]})", CustomerBuilder().Build());
  EXPECT_DOUBLE_EQ(none.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(none.scores[0].coverage, 1.0);
  EXPECT_FALSE(DetailOf(none, 0, "events").missing);
  // An ABI 1.1 customer has no events either: still 0, never missing.
  CustomerBuilder old;
  old.Event("support_ticket", DaysBefore(1));
  const ScoreResult old_result = ScoreOne(R"({"events": [{"type": "support_ticket"}]})",
                                          old.BuildSized(sdk::testing::kCustomerSizeAbi11));
  EXPECT_DOUBLE_EQ(old_result.scores[0].affinity, 0.0);
  EXPECT_DOUBLE_EQ(old_result.scores[0].coverage, 1.0);

  CustomerBuilder c;
  c.Event("support_ticket", DaysBefore(1));
  const ScoreResult r = ScoreOne(
      R"({"events": {"entries": [{"type": "support_ticket"}, {"type": "email_click"}],
                     "weight": 2}})",
      c.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.5);
  EXPECT_EQ(DetailOf(r, 0, "events").reason,
            "support_ticket 1 of 1 in 30 days -> 1; email_click 0 of 1 in 30 days -> 0; mean -> "
            "0.5");
}

// ---------------------------------------------------------------------------------------
// nps
// ---------------------------------------------------------------------------------------

TEST(NpsFieldTest, BandEdges) {
  const auto grade = [](const char* params, double nps) {
    CustomerBuilder c;
    c.Nps(nps);
    return ScoreOne(params, c.Build()).scores[0].affinity;
  };
  const char* promoter = R"({"nps": ["promoter"]})";
  EXPECT_DOUBLE_EQ(grade(promoter, 9), 1.0);
  EXPECT_DOUBLE_EQ(grade(promoter, 8), 0.75);
  EXPECT_DOUBLE_EQ(grade(promoter, 7), 0.5);
  EXPECT_DOUBLE_EQ(grade(promoter, 6), 0.25);
  const char* detractor = R"({"nps": "detractor"})";
  EXPECT_DOUBLE_EQ(grade(detractor, 6), 1.0);
  EXPECT_DOUBLE_EQ(grade(detractor, 7), 0.75);
  EXPECT_DOUBLE_EQ(grade(detractor, 8), 0.5);
  EXPECT_DOUBLE_EQ(grade(detractor, 9), 0.25);
  const char* passive = R"({"nps": ["passive"]})";
  EXPECT_DOUBLE_EQ(grade(passive, 6), 0.75);
  EXPECT_DOUBLE_EQ(grade(passive, 7), 1.0);
  EXPECT_DOUBLE_EQ(grade(passive, 8), 1.0);
  EXPECT_DOUBLE_EQ(grade(passive, 9), 0.75);
}

TEST(NpsFieldTest, ExplainAndMissing) {
  CustomerBuilder c;
  c.Nps(8);
  const ScoreResult r = ScoreOne(R"({"nps": ["detractor", "promoter"]})", c.Build());
  EXPECT_EQ(DetailOf(r, 0, "nps").reason, "nps 8 (passive), wanted promoter,detractor -> 0.75");
  const ScoreResult none = ScoreOne(R"({"nps": ["promoter"]})", CustomerBuilder().Build());
  EXPECT_DOUBLE_EQ(none.scores[0].coverage, 0.0);
  EXPECT_TRUE(DetailOf(none, 0, "nps").missing);
  EXPECT_EQ(DetailOf(none, 0, "nps").reason, "customer gave no NPS");
}

// ---------------------------------------------------------------------------------------
// Combining fields
// ---------------------------------------------------------------------------------------

TEST(CombineTest, FieldsByWeightMissingLowersCoverage) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", 100)}, "app"));
  c.Nps(3);
  const ScoreResult r = ScoreOne(R"({
      "categories": {"any_of": ["baby"], "weight": 3},
      "nps": ["promoter"],
      "events": {"entries": [{"type": "page_view"}], "weight": 2},
      "basket_value": {"min": 20, "max": 200, "weight": 2},
      "discount_share": {"min": 0.5, "window_days": 1, "weight": 4}})",
                                 c.Build());
  // categories 1 (w3), nps 0 (w1), events 0 (w2), basket 1 (w2); discount missing (w4).
  EXPECT_NEAR(r.scores[0].affinity, 5.0 / 8.0, kEps);
  EXPECT_NEAR(r.scores[0].coverage, 8.0 / 12.0, kEps);
  EXPECT_EQ(r.details.size(), 5u);
}

TEST(CombineTest, NoDetailsWithoutExplainSameScores) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 100, Items({Item("baby", 30), Item("food", 70)}, "web"));
  c.Nps(9);
  const char* params = R"({"categories": ["baby"], "channels": ["app"], "nps": ["promoter"]})";
  const ScoreResult quiet = ScoreOne(params, c.Build(), /*explain=*/false);
  const ScoreResult loud = ScoreOne(params, c.Build(), /*explain=*/true);
  EXPECT_TRUE(quiet.details.empty());
  EXPECT_EQ(loud.details.size(), 3u);
  EXPECT_EQ(quiet.scores[0].affinity, loud.scores[0].affinity);
  EXPECT_EQ(quiet.scores[0].coverage, loud.scores[0].coverage);
  EXPECT_EQ(quiet.labels, loud.labels);
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
