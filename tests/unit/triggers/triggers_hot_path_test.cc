// Score must not allocate (ABI: "score must not allocate, lock, block or throw"). The binary
// links the counting allocator (tests/support/allocation_counter.h), which counts the calls
// made between Start/StopCountingAllocations on this thread; this file scores every field with
// explain off and on. The sink here does nothing, so any allocation seen is the plugin's own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <persona/sdk/testing/json_value.hpp>

#include "test_support.h"
#include "tests/support/allocation_counter.h"
#include "triggers_segmenter.h"

namespace persona {
namespace triggers {
namespace {

using testing::At;
using testing::CustomerBuilder;
using testing::kIndonesianCalendars;

size_t labels_seen = 0;
size_t details_seen = 0;
void CountLabel(void*, PersonaString, PersonaString) { ++labels_seen; }
void CountDetail(void*, size_t, PersonaString, double, int32_t, PersonaString) { ++details_seen; }

std::unique_ptr<TriggersCriterion> Compile(const TriggersSegmenter& segmenter,
                                           std::string_view json) {
  sdk::testing::JsonValue params(json);
  return segmenter.Compile(sdk::Value(&params.root(), "params"));
}

size_t AllocationsDuringScore(bool explain) {
  sdk::testing::JsonValue config(kIndonesianCalendars);
  const auto segmenter = TriggersSegmenter::Create(sdk::Value(&config.root(), "config"));
  const auto full = Compile(*segmenter, R"({
      "birthday": {"within_days": 14, "tolerance_days": 7, "days_after": 2},
      "signup_anniversary": {"within_days": 7, "weight": 2},
      "seasons": ["harbolnas", "payday", "year_end", "lebaran", "back_to_school"],
      "life_events": {"any_of": ["new_baby", "moved", "a_very_long_life_event_type_beyond_sso"],
                      "within_days": 90}})");
  const auto sparse = Compile(*segmenter, R"({"seasons": ["lebaran"]})");
  const TriggersCriterion* criteria[] = {full.get(), sparse.get()};
  CustomerBuilder builder;
  builder.BirthDate(1990, 12, 31)
      .SignupTime(At(2024, 12, 20))
      .TimeZone("Asia/Jakarta", 7 * 3600)
      .LifeEvent("married", At(2026, 1, 1))
      .LifeEvent("a_very_long_life_event_type_beyond_sso", At(2026, 12, 1))
      .LifeEvent("new_baby", At(2026, 12, 20));
  const PersonaCustomer& customer = builder.Build();

  PersonaScoreSink sink{};
  sink.struct_size = sizeof(sink);
  sink.explain = explain ? 1 : 0;
  sink.add_label = &CountLabel;
  sink.add_detail = &CountDetail;
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), At(2026, 12, 26), &sink};
  const sdk::ScoreContext context(&request);
  PersonaCriterionScore scores[2];

  labels_seen = details_seen = 0;
  test_support::StartCountingAllocations();
  segmenter->Score(customer, criteria, 2, context, scores);
  const size_t allocations = test_support::StopCountingAllocations();
  EXPECT_EQ(labels_seen, 3u);                  // season, birthday, signup anniversary
  EXPECT_EQ(details_seen, explain ? 5u : 0u);  // 4 fields + the sparse criterion's seasons
  EXPECT_GT(scores[0].affinity, 0.0);
  return allocations;
}

TEST(HotPathTest, CountingOperatorNewWorks) {
  test_support::StartCountingAllocations();
  // Stored through a volatile so the optimiser may not elide the new/delete pair.
  int* volatile p = new int(1);
  const size_t allocations = test_support::StopCountingAllocations();
  delete p;
  EXPECT_EQ(allocations, 1u);
}

TEST(HotPathTest, ScoreDoesNotAllocate) { EXPECT_EQ(AllocationsDuringScore(false), 0u); }

TEST(HotPathTest, ScoreDoesNotAllocateEvenWhenExplaining) {
  EXPECT_EQ(AllocationsDuringScore(true), 0u);
}

}  // namespace
}  // namespace triggers
}  // namespace persona
