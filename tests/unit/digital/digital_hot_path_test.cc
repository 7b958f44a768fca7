// Score must not allocate (ABI: "score must not allocate, lock, block or throw"). The binary
// links the counting allocator (tests/support/allocation_counter.h), which counts the calls
// made between Start/StopCountingAllocations on this thread; this file scores through every field
// and both labels with explain off and on. The sink here does nothing, so any allocation seen is
// the plugin's own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <persona/sdk/testing/json_value.hpp>

#include "digital_segmenter.h"
#include "test_support.h"
#include "tests/support/allocation_counter.h"

namespace persona {
namespace digital {
namespace {

using testing::CustomerBuilder;
using testing::kAsOf;
using testing::kDay;
using testing::kHour;
using testing::On;

size_t labels_seen = 0;
size_t details_seen = 0;
void CountLabel(void*, PersonaString, PersonaString) { ++labels_seen; }
void CountDetail(void*, size_t, PersonaString, double, int32_t, PersonaString) { ++details_seen; }

std::unique_ptr<DigitalCriterion> Compile(const DigitalSegmenter& segmenter, const char* json) {
  sdk::testing::JsonValue params(json);
  return segmenter.Compile(sdk::Value(&params.root(), "params"));
}

size_t AllocationsDuringScore(bool explain) {
  sdk::testing::JsonValue config("{}");
  const auto segmenter = DigitalSegmenter::Create(sdk::Value(&config.root(), "config"));
  const auto full = Compile(*segmenter, R"({
      "platforms": {"any_of": ["shopee", "tokopedia", "a_very_long_platform_name_beyond_sso"],
                    "min_sessions_30d": 4, "weight": 2},
      "primary_device": ["mobile"],
      "reachable_on": ["whatsapp", "email"],
      "mobile_share": {"min": 0.7, "within_days": 30}})");
  const auto other_window = Compile(*segmenter, R"({"mobile_share": {"min": 0.5, "within_days": 7},
                                                    "primary_device": ["desktop"]})");
  const DigitalCriterion* criteria[] = {full.get(), other_window.get()};
  CustomerBuilder builder;
  builder.Platform("shopee", 3)
      .Platform("a_very_long_platform_name_beyond_sso")
      .ContactOptIns({"email", "whatsapp", "sms"})
      .TimeZone("Asia/Jakarta", testing::kJakarta);
  for (int i = 0; i < 40; ++i) {
    builder.Event("page_view", kAsOf - i * 20 * kHour,
                  On(i % 3 == 0 ? "desktop" : "mobile", i % 2 == 0 ? "email" : "whatsapp"));
  }
  builder.Event("email_open", kAsOf - 2 * kDay, On("", "email"));
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
  EXPECT_EQ(labels_seen, 2u);                  // best_channel, primary_device (inferred)
  EXPECT_EQ(details_seen, explain ? 6u : 0u);  // 4 fields + 2 fields
  EXPECT_GT(scores[0].coverage, 0.0);
  return allocations;
}

TEST(DigitalHotPathTest, CountingOperatorNewWorks) {
  test_support::StartCountingAllocations();
  // Stored through a volatile so the optimiser may not elide the new/delete pair.
  int* volatile p = new int(1);
  const size_t allocations = test_support::StopCountingAllocations();
  delete p;
  EXPECT_EQ(allocations, 1u);
}

TEST(DigitalHotPathTest, ScoreDoesNotAllocate) { EXPECT_EQ(AllocationsDuringScore(false), 0u); }

TEST(DigitalHotPathTest, ScoreDoesNotAllocateEvenWhenExplaining) {
  EXPECT_EQ(AllocationsDuringScore(true), 0u);
}

}  // namespace
}  // namespace digital
}  // namespace persona
