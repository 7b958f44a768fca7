// The labels: digital.best_channel (among opted-in channels: most events in the activity
// window, then channel_preference, then name; "none" without opt-ins) and
// digital.primary_device (given, else inferred from the window's events), on every call.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "digital_segmenter.h"
#include "test_support.h"

namespace persona {
namespace digital {
namespace {

using testing::CustomerBuilder;
using testing::kAsOf;
using testing::kDay;
using testing::kHour;
using testing::kJakarta;
using testing::LabelCount;
using testing::On;
using testing::ScoreResult;
using testing::TestHost;

// Scores with no criteria at all: labels must come anyway.
ScoreResult Labels(const PersonaCustomer& customer, std::string_view config = "{}") {
  TestHost host(testing::Plugin());
  EXPECT_EQ(host.Create(config), "");
  return host.Score(customer, /*explain=*/false, kAsOf);
}

TEST(BestChannelTest, OptedInChannelWithMostActivityWins) {
  CustomerBuilder b;
  b.ContactOptIns({"whatsapp", "email"});
  for (int i = 0; i < 3; ++i) b.Event("email_open", kAsOf - (i + 1) * kHour, On("", "email"));
  b.Event("message_read", kAsOf - kHour, On("mobile", "whatsapp"));
  const ScoreResult r = Labels(b.Build());
  EXPECT_EQ(r.status, PERSONA_OK);
  EXPECT_EQ(r.Label("best_channel"), "email");
  EXPECT_EQ(LabelCount(r, "best_channel"), 1u);
}

TEST(BestChannelTest, ActivityOnChannelsWithoutConsentDoesNotCount) {
  CustomerBuilder b;
  b.ContactOptIns({"email"});
  for (int i = 0; i < 5; ++i) b.Event("message_read", kAsOf - kHour, On("", "whatsapp"));
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "email");
}

TEST(BestChannelTest, ActivityBeforeTheWindowDoesNotCount) {
  CustomerBuilder b;
  b.ContactOptIns({"email", "whatsapp"});
  // Three email events on the day before the 30-day window, one WhatsApp event inside it.
  for (int i = 0; i < 3; ++i) b.Event("email_open", kAsOf - 30 * kDay, On("", "email"));
  b.Event("message_read", kAsOf - 29 * kDay, On("", "whatsapp"));
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "whatsapp");
  // A 31-day window reaches them.
  EXPECT_EQ(Labels(b.Build(), R"({"activity_window_days": 31})").Label("best_channel"), "email");
}

TEST(BestChannelTest, TheWindowFollowsTheCustomersLocalDate) {
  CustomerBuilder b;
  b.ContactOptIns({"email", "whatsapp"}).TimeZone("Asia/Jakarta", kJakarta);
  // 2025-12-02T17:00Z is 2025-12-03 in Jakarta: the window's first local day.
  for (int i = 0; i < 2; ++i) {
    b.Event("email_open", kAsOf - 29 * kDay - 7 * kHour, On("", "email"));
  }
  b.Event("message_read", kAsOf - kHour, On("", "whatsapp"));
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "email");
  // Without the zone those instants fall on 2025-12-02 UTC, the day before the window.
  b.TimeZone("", 0);
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "whatsapp");
}

TEST(BestChannelTest, TiesGoByChannelPreference) {
  CustomerBuilder b;
  b.ContactOptIns({"email", "push", "whatsapp"});
  // No activity: the default preference puts whatsapp first.
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "whatsapp");
  // One event each on email and whatsapp: still tied, still whatsapp.
  b.Event("email_open", kAsOf - kHour, On("", "email"));
  b.Event("message_read", kAsOf - kHour, On("", "whatsapp"));
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "whatsapp");
  // A configured preference decides the tie the other way.
  EXPECT_EQ(
      Labels(b.Build(), R"({"channel_preference": ["Email", "whatsapp"]})").Label("best_channel"),
      "email");
}

TEST(BestChannelTest, ChannelsOutsideThePreferenceComeAfterItThenByName) {
  CustomerBuilder b;
  b.ContactOptIns({"telegram", "line", "sms"});
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "sms");
  CustomerBuilder c;
  c.ContactOptIns({"telegram", "line"});
  EXPECT_EQ(Labels(c.Build()).Label("best_channel"), "line");
  // Activity still comes first.
  c.Event("message_read", kAsOf - kHour, On("", "telegram"));
  EXPECT_EQ(Labels(c.Build()).Label("best_channel"), "telegram");
}

TEST(BestChannelTest, NoOptInsIsNone) {
  CustomerBuilder b;
  b.Event("email_open", kAsOf - kHour, On("", "email"));
  const ScoreResult r = Labels(b.Build());
  EXPECT_EQ(r.Label("best_channel"), "none");
  EXPECT_EQ(LabelCount(r, "best_channel"), 1u);
}

TEST(BestChannelTest, ManyOptInsAreAllCounted) {
  // More opt-ins than the per-call count table holds: the ones past it are counted apart.
  std::vector<std::string> channels;
  for (int i = 0; i < 70; ++i) channels.push_back("c" + std::to_string(100 + i));
  CustomerBuilder b;
  b.ContactOptIns(channels);
  b.Event("message_read", kAsOf - kHour, On("", "c110"));
  b.Event("message_read", kAsOf - kHour, On("", "c168"));
  b.Event("message_read", kAsOf - 2 * kHour, On("", "c168"));
  b.Event("message_read", kAsOf - 40 * kDay, On("", "c169"));  // outside the window
  b.Event("message_read", kAsOf - 40 * kDay, On("", "c169"));
  b.Event("message_read", kAsOf - 40 * kDay, On("", "c169"));
  EXPECT_EQ(Labels(b.Build()).Label("best_channel"), "c168");
}

TEST(PrimaryDeviceLabelTest, GivenDeviceWinsOverEvents) {
  CustomerBuilder b;
  b.PrimaryDevice("Desktop");
  for (int i = 0; i < 4; ++i) b.Event("page_view", kAsOf - kHour, On("mobile"));
  EXPECT_EQ(Labels(b.Build()).Label("primary_device"), "desktop");
}

TEST(PrimaryDeviceLabelTest, InferredFromTheMostFrequentDeviceInTheWindow) {
  CustomerBuilder b;
  b.Event("page_view", kAsOf - kHour, On("mobile"));
  b.Event("page_view", kAsOf - 2 * kHour, On("tablet"));
  b.Event("page_view", kAsOf - 3 * kHour, On("tablet"));
  b.Event("page_view", kAsOf - 40 * kDay, On("mobile"));  // outside: not counted
  b.Event("page_view", kAsOf - 41 * kDay, On("mobile"));
  EXPECT_EQ(Labels(b.Build()).Label("primary_device"), "tablet");
}

TEST(PrimaryDeviceLabelTest, InferenceTiesGoMobileThenDesktopThenTablet) {
  CustomerBuilder b;
  b.Event("page_view", kAsOf - kHour, On("tablet"));
  b.Event("page_view", kAsOf - kHour, On("desktop"));
  EXPECT_EQ(Labels(b.Build()).Label("primary_device"), "desktop");
  b.Event("page_view", kAsOf - kHour, On("mobile"));
  EXPECT_EQ(Labels(b.Build()).Label("primary_device"), "mobile");
}

TEST(PrimaryDeviceLabelTest, NothingToGoOnMeansNoLabel) {
  CustomerBuilder b;
  b.Event("email_open", kAsOf - kHour, On("", "email"));  // no device
  const ScoreResult r = Labels(b.Build());
  EXPECT_EQ(LabelCount(r, "primary_device"), 0u);
  EXPECT_EQ(r.labels.size(), 1u);  // best_channel only
}

TEST(LabelsTest, SameLabelsWithExplainOnAndOff) {
  CustomerBuilder b;
  b.ContactOptIns({"email"}).Event("page_view", kAsOf - kHour, On("mobile", "email"));
  TestHost host(testing::Plugin());
  ASSERT_EQ(host.Create(), "");
  ASSERT_EQ(host.Compile(R"({"reachable_on": ["email"]})"), "");
  const ScoreResult quiet = host.Score(b.Build(), false, kAsOf);
  const ScoreResult loud = host.Score(b.Build(), true, kAsOf);
  EXPECT_EQ(quiet.labels, loud.labels);
  ASSERT_EQ(quiet.labels.size(), 2u);
  EXPECT_EQ(quiet.Label("best_channel"), "email");
  EXPECT_EQ(quiet.Label("primary_device"), "mobile");
}

}  // namespace
}  // namespace digital
}  // namespace persona
