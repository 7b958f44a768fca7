// Labels: the customer's top category by spend and discount share in the label window, sent
// on every call (even with no criteria), with their ties, caps and absences.
#include <gtest/gtest.h>

#include <cstdio>

#include "test_support.h"

namespace persona {
namespace behavioral {
namespace {

using testing::CustomerBuilder;
using testing::DaysBefore;
using testing::Item;
using testing::kAsOf;
using testing::OrderDetailData;
using testing::Plugin;
using testing::ScoreResult;
using testing::TestHost;

OrderDetailData Items(std::vector<sdk::testing::OrderItemData> items) {
  OrderDetailData detail;
  detail.items = std::move(items);
  return detail;
}

// Labels with no criteria compiled: they describe the customer, not a persona.
ScoreResult LabelsOf(const PersonaCustomer& customer, std::string_view config = "{}") {
  TestHost host(Plugin());
  EXPECT_EQ(host.Create(config), "");
  return host.Score(customer, /*explain=*/false, kAsOf);
}

TEST(TopCategoryLabelTest, MostSpendInTheWindowEvenWithoutCriteria) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(20), 100, Items({Item("baby", 30), Item("food", 45)}));
  c.Order("o2", DaysBefore(10), 100, Items({Item("baby", 20)}));
  const ScoreResult r = LabelsOf(c.Build());
  EXPECT_EQ(r.status, PERSONA_OK);
  EXPECT_EQ(r.Label("top_category"), "baby");  // 50 against 45
}

TEST(TopCategoryLabelTest, QuantityCountsUnpricedItemsDoNot) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(20), 100,
          Items({Item("baby", 50), Item("food", 10, 6), Item("toys", std::nullopt, 100)}));
  EXPECT_EQ(LabelsOf(c.Build()).Label("top_category"), "food");  // 60
}

TEST(TopCategoryLabelTest, TiesGoToTheLowestName) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(20), 100, Items({Item("toys", 50), Item("apparel", 50)}));
  EXPECT_EQ(LabelsOf(c.Build()).Label("top_category"), "apparel");
}

TEST(TopCategoryLabelTest, NoneWithoutPricedCategorisedSpendInTheWindow) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(20), 100, Items({Item("", 50), Item("baby", std::nullopt)}));
  c.Order("o2", DaysBefore(400), 100, Items({Item("baby", 50)}));
  c.Order("o3", DaysBefore(10), 100, Items({Item("free", 0)}));  // nothing spent
  const ScoreResult r = LabelsOf(c.Build());
  for (const auto& label : r.labels) EXPECT_NE(label.first, "top_category");
}

TEST(TopCategoryLabelTest, LabelWindowFromConfig) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(60), 100, Items({Item("baby", 90)}));
  c.Order("o2", DaysBefore(10), 100, Items({Item("food", 10)}));
  EXPECT_EQ(LabelsOf(c.Build()).Label("top_category"), "baby");
  EXPECT_EQ(LabelsOf(c.Build(), R"({"label_window_days": 30})").Label("top_category"), "food");
}

TEST(TopCategoryLabelTest, MoreCategoriesThanTheTableHoldsStillExact) {
  ASSERT_EQ(kTopCategoryCapacity, 64u);
  std::vector<sdk::testing::OrderItemData> items;
  char name[8];
  for (int i = 0; i < 70; ++i) {
    std::snprintf(name, sizeof(name), "c%02d", i);
    items.push_back(Item(name, 1));
  }
  CustomerBuilder ties;
  ties.Order("o1", DaysBefore(2), 70, Items(items));
  EXPECT_EQ(LabelsOf(ties.Build()).Label("top_category"), "c00");
  // c69 is met after the table is full, in the newest order, and again in an older one.
  CustomerBuilder late;
  late.Order("o1", DaysBefore(2), 70, Items(items));
  late.Order("o0", DaysBefore(3), 4, Items({Item("c69", 2, 2)}));
  EXPECT_EQ(LabelsOf(late.Build()).Label("top_category"), "c69");
}

OrderDetailData Voucher() {
  OrderDetailData detail;
  detail.voucher_code = "SAVE";
  return detail;
}

TEST(DiscountShareLabelTest, TwoDecimals) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 50, Voucher());
  c.Order("o2", DaysBefore(2), 50, Voucher());
  c.Order("o3", DaysBefore(1), 50);
  c.Order("old", DaysBefore(500), 50);  // outside the label window
  EXPECT_EQ(LabelsOf(c.Build()).Label("discount_share"), "0.67");
  CustomerBuilder none;
  none.Order("o1", DaysBefore(3), 50);
  EXPECT_EQ(LabelsOf(none.Build()).Label("discount_share"), "0.00");
  CustomerBuilder all;
  all.Order("o1", DaysBefore(3), 50, Voucher());
  EXPECT_EQ(LabelsOf(all.Build()).Label("discount_share"), "1.00");
}

TEST(DiscountShareLabelTest, NoLabelsWithoutOrdersInTheWindow) {
  EXPECT_TRUE(LabelsOf(CustomerBuilder().Build()).labels.empty());
  CustomerBuilder old;
  old.Order("old", DaysBefore(400), 50, Voucher());
  EXPECT_TRUE(LabelsOf(old.Build()).labels.empty());
  // An ABI 1.1 customer has no order details to tell.
  CustomerBuilder abi11;
  abi11.Order("o1", DaysBefore(3), 50, Voucher());
  EXPECT_TRUE(LabelsOf(abi11.BuildSized(sdk::testing::kCustomerSizeAbi11)).labels.empty());
}

TEST(LabelsTest, OrderAndKeys) {
  CustomerBuilder c;
  c.Order("o1", DaysBefore(3), 50, Items({Item("baby", 50)}));
  const ScoreResult r = LabelsOf(c.Build());
  ASSERT_EQ(r.labels.size(), 2u);
  EXPECT_EQ(r.labels[0], std::make_pair(std::string("top_category"), std::string("baby")));
  EXPECT_EQ(r.labels[1], std::make_pair(std::string("discount_share"), std::string("0.00")));
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
