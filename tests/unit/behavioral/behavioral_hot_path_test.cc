// Score must not allocate (ABI: "score must not allocate, lock, block or throw"). The binary
// links the counting allocator (tests/support/allocation_counter.h), which counts the calls
// made between Start/StopCountingAllocations on this thread; this file scores every field with
// explain off and on, and the labels' slow path (more categories than the stack table holds). The
// sink here does nothing, so any allocation seen is the plugin's own.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <persona/sdk/testing/json_value.hpp>

#include "test_support.h"
#include "tests/support/allocation_counter.h"

namespace persona {
namespace behavioral {
namespace {

using testing::CustomerBuilder;
using testing::DaysBefore;
using testing::EventData;
using testing::Item;
using testing::kAsOf;
using testing::OrderDetailData;

size_t labels_seen = 0;
size_t details_seen = 0;
void CountLabel(void*, PersonaString, PersonaString) { ++labels_seen; }
void CountDetail(void*, size_t, PersonaString, double, int32_t, PersonaString) { ++details_seen; }

std::unique_ptr<BehavioralCriterion> Compile(const BehavioralSegmenter& segmenter,
                                             std::string_view json) {
  sdk::testing::JsonValue params(json);
  return segmenter.Compile(sdk::Value(&params.root(), "params"));
}

struct Counted {
  size_t allocations;
  size_t labels;
  size_t details;
};

Counted AllocationsDuringScore(bool explain, int categories) {
  sdk::testing::JsonValue config("{}");
  const auto segmenter = BehavioralSegmenter::Create(sdk::Value(&config.root(), "config"));
  const auto full = Compile(*segmenter, R"({
      "categories": {"any_of": ["baby", "kids", "a_very_long_category_name_beyond_sso"],
                     "min_share": 0.3, "window_days": 180},
      "brands": {"any_of": ["pigeon"], "by": "orders"},
      "channels": {"any_of": ["app"], "min_share": 0.5},
      "discount_share": {"min": 0.5},
      "basket_value": {"min": 20, "max": 80},
      "events": [{"type": "page_view", "where": {"category": "baby"}, "min_count": 3,
                  "within_days": 14},
                 {"type": "support_ticket"}],
      "nps": ["promoter", "passive"]})");
  const auto sparse = Compile(*segmenter, R"({"nps": ["detractor"]})");
  const BehavioralCriterion* criteria[] = {full.get(), sparse.get()};

  CustomerBuilder builder;
  OrderDetailData detail;
  detail.channel = "app";
  detail.voucher_code = "SAVE10";
  for (int i = 0; i < categories; ++i) {
    char name[48];
    std::snprintf(name, sizeof(name), "a_very_long_category_name_number_%03d", i);
    detail.items.push_back(Item(name, 1.5, 2, "pigeon"));
  }
  detail.items.push_back(Item("baby", 30, 1, "Pigeon"));
  builder.Order("o1", DaysBefore(3), 100, detail);
  builder.Order("o2", DaysBefore(1), 40);
  EventData props;
  props.properties = {{"category", "Baby"}};
  builder.Event("page_view", DaysBefore(1), props);
  builder.Event("support_ticket", DaysBefore(2));
  builder.Nps(8);
  builder.TimeZone("Asia/Jakarta", 7 * 3600);
  const PersonaCustomer& customer = builder.Build();

  PersonaScoreSink sink{};
  sink.struct_size = sizeof(sink);
  sink.explain = explain ? 1 : 0;
  sink.add_label = &CountLabel;
  sink.add_detail = &CountDetail;
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), kAsOf, &sink};
  const sdk::ScoreContext context(&request);
  PersonaCriterionScore scores[2];

  labels_seen = details_seen = 0;
  test_support::StartCountingAllocations();
  segmenter->Score(customer, criteria, 2, context, scores);
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_GT(scores[0].coverage, 0.0);
  return Counted{allocations, labels_seen, details_seen};
}

TEST(BehavioralHotPathTest, CountingOperatorNewWorks) {
  test_support::StartCountingAllocations();
  // Stored through a volatile so the optimiser may not elide the new/delete pair.
  int* volatile p = new int(1);
  const size_t allocations = test_support::StopCountingAllocations();
  delete p;
  EXPECT_EQ(allocations, 1u);
}

TEST(BehavioralHotPathTest, ScoreDoesNotAllocate) {
  const Counted counted = AllocationsDuringScore(/*explain=*/false, 3);
  EXPECT_EQ(counted.allocations, 0u);
  EXPECT_EQ(counted.labels, 2u);
  EXPECT_EQ(counted.details, 0u);
}

TEST(BehavioralHotPathTest, ScoreDoesNotAllocateEvenWhenExplaining) {
  const Counted counted = AllocationsDuringScore(/*explain=*/true, 3);
  EXPECT_EQ(counted.allocations, 0u);
  EXPECT_EQ(counted.details, 8u);  // 7 fields of `full`, nps of `sparse`
}

TEST(BehavioralHotPathTest, TopCategorySlowPathDoesNotAllocate) {
  const Counted counted = AllocationsDuringScore(/*explain=*/true, 100);
  EXPECT_EQ(counted.allocations, 0u);
  EXPECT_EQ(counted.labels, 2u);
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
