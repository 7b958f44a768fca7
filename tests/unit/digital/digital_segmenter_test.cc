// Grading of each field at and around its thresholds, missing data versus real zeros, and
// how fields combine by weight. Every number here follows from the formulas in
// plugins/digital/README.md.
#include "digital_segmenter.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace persona {
namespace digital {
namespace {

using testing::CustomerBuilder;
using testing::kAsOf;
using testing::kDay;
using testing::kHour;
using testing::kJakarta;
using testing::On;
using testing::ScoreOne;
using testing::ScoreResult;

constexpr char kShopper[] =
    R"({"platforms": {"any_of": ["Shopee", "tokopedia", "instagram"], "min_sessions_30d": 4}})";

TEST(AtLeastAffinityTest, FullAtTheMinimumLinearBelow) {
  EXPECT_EQ(AtLeastAffinity(4.0, 4.0), 1.0);
  EXPECT_EQ(AtLeastAffinity(9.0, 4.0), 1.0);
  EXPECT_EQ(AtLeastAffinity(3.0, 4.0), 0.75);
  EXPECT_EQ(AtLeastAffinity(0.0, 4.0), 0.0);
  EXPECT_EQ(AtLeastAffinity(0.0, 0.0), 1.0);  // a minimum of 0 accepts everything
}

// --- platforms ---------------------------------------------------------------------------

TEST(PlatformsTest, SessionsExactlyAtTheMinimumGradeOne) {
  CustomerBuilder b;
  b.Platform("shopee", 4);
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].field, "platforms");
  EXPECT_EQ(r.details[0].reason,
            "instagram not used, shopee 4 sessions, tokopedia not used -> best 4 of min 4 -> 1");
}

TEST(PlatformsTest, OneSessionBelowTheMinimumGradesTheRatio) {
  CustomerBuilder b;
  b.Platform("shopee", 3);
  EXPECT_DOUBLE_EQ(ScoreOne(kShopper, b.Build()).scores[0].affinity, 0.75);
}

TEST(PlatformsTest, TheBusiestListedPlatformCounts) {
  CustomerBuilder b;
  b.Platform("shopee", 1).Platform("Instagram", 6).Platform("tiktok", 40);
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_EQ(r.scores[0].affinity, 1.0);  // instagram 6 >= 4; tiktok is not listed
}

TEST(PlatformsTest, AListedPlatformWithoutACountIsOneSession) {
  CustomerBuilder b;
  b.Platform("tokopedia");
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.25);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].reason,
            "instagram not used, shopee not used, tokopedia no count (1 session) -> best 1 of "
            "min 4 -> 0.25");
}

TEST(PlatformsTest, ZeroSessionsIsAZero) {
  CustomerBuilder b;
  b.Platform("shopee", 0);
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
}

TEST(PlatformsTest, PlatformsButNoneListedIsARealZero) {
  CustomerBuilder b;
  b.Platform("tiktok", 30).Platform("web", 12);
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_FALSE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason,
            "instagram not used, shopee not used, tokopedia not used -> none listed -> 0");
}

TEST(PlatformsTest, NoPlatformsAtAllIsMissing) {
  CustomerBuilder b;
  b.PrimaryDevice("mobile");
  const ScoreResult r = ScoreOne(kShopper, b.Build());
  EXPECT_EQ(r.scores[0].coverage, 0.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_TRUE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "customer lists no platforms");
}

TEST(PlatformsTest, TheListFormNeedsOneSession) {
  CustomerBuilder used, idle;
  used.Platform("shopee", 1);
  idle.Platform("shopee", 0);
  EXPECT_EQ(ScoreOne(R"({"platforms": ["shopee"]})", used.Build()).scores[0].affinity, 1.0);
  EXPECT_EQ(ScoreOne(R"({"platforms": "shopee"})", idle.Build()).scores[0].affinity, 0.0);
}

// --- primary_device ------------------------------------------------------------------------

TEST(PrimaryDeviceTest, ListedDeviceGradesOne) {
  CustomerBuilder b;
  b.PrimaryDevice("mobile");
  const ScoreResult r = ScoreOne(R"({"primary_device": ["tablet", "Mobile"]})", b.Build());
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].reason, "customer mobile, wanted mobile, tablet -> 1");
}

TEST(PrimaryDeviceTest, UnlistedDeviceGradesZero) {
  CustomerBuilder b;
  b.PrimaryDevice("desktop");
  const ScoreResult r = ScoreOne(R"({"primary_device": ["mobile"]})", b.Build());
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].reason, "customer desktop, wanted mobile -> 0");
}

TEST(PrimaryDeviceTest, AbsentIsMissingEvenWithDeviceEvents) {
  // Not inferred from events for grading: a stated device and a guess are different facts.
  CustomerBuilder b;
  b.Event("page_view", kAsOf - kHour, On("mobile"));
  const ScoreResult r = ScoreOne(R"({"primary_device": ["mobile"]})", b.Build());
  EXPECT_EQ(r.scores[0].coverage, 0.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_TRUE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "customer gave no primary device");
}

// --- reachable_on --------------------------------------------------------------------------

TEST(ReachableOnTest, OptedInToOneListedChannelGradesOne) {
  CustomerBuilder b;
  b.ContactOptIns({"Email", "push"});
  const ScoreResult r = ScoreOne(R"({"reachable_on": ["whatsapp", "email"]})", b.Build());
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].reason, "opted in to email, not opted in to whatsapp -> 1");
}

TEST(ReachableOnTest, WhatsAppPersonaAndACustomerWithoutWhatsAppGradesZero) {
  CustomerBuilder b;
  b.ContactOptIns({"email", "sms"});
  const ScoreResult r = ScoreOne(R"({"reachable_on": ["whatsapp"]})", b.Build());
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
}

TEST(ReachableOnTest, WhatsAppPersonaAndAWhatsAppCustomerGradesOne) {
  CustomerBuilder b;
  b.ContactOptIns({"whatsapp"});
  EXPECT_EQ(ScoreOne(R"({"reachable_on": ["whatsapp"]})", b.Build()).scores[0].affinity, 1.0);
}

TEST(ReachableOnTest, NoOptInsIsNoConsentNotMissing) {
  CustomerBuilder b;
  b.PrimaryDevice("mobile");
  const ScoreResult r = ScoreOne(R"({"reachable_on": ["whatsapp", "email"]})", b.Build());
  EXPECT_EQ(r.scores[0].affinity, 0.0);
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_FALSE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "customer opted in to no channel (no consent) -> 0");
}

// --- mobile_share --------------------------------------------------------------------------

constexpr char kMobileFirst[] = R"({"mobile_share": {"min": 0.7, "within_days": 30}})";

// `mobile` events on mobile and `other` on desktop, one an hour before as_of.
void AddDeviceEvents(CustomerBuilder* b, int mobile, int other) {
  for (int i = 0; i < mobile; ++i) b->Event("page_view", kAsOf - (i + 1) * kHour, On("mobile"));
  for (int i = 0; i < other; ++i) b->Event("page_view", kAsOf - (i + 1) * kHour, On("desktop"));
}

TEST(MobileShareTest, ShareExactlyAtTheMinimumGradesOne) {
  CustomerBuilder b;
  AddDeviceEvents(&b, 7, 3);
  const ScoreResult r = ScoreOne(kMobileFirst, b.Build());
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_EQ(r.details[0].reason,
            "7 of 10 events with a device in the last 30 days on mobile = 0.7, min 0.7 -> 1");
}

TEST(MobileShareTest, ShareBelowTheMinimumGradesShareOverMinimum) {
  CustomerBuilder b;
  AddDeviceEvents(&b, 6, 4);
  EXPECT_DOUBLE_EQ(ScoreOne(kMobileFirst, b.Build()).scores[0].affinity, 0.6 / 0.7);
}

TEST(MobileShareTest, EventsWithoutADeviceDoNotCount) {
  CustomerBuilder b;
  AddDeviceEvents(&b, 7, 3);
  for (int i = 0; i < 5; ++i) b.Event("email_open", kAsOf - 2 * kHour, On("", "email"));
  EXPECT_EQ(ScoreOne(kMobileFirst, b.Build()).scores[0].affinity, 1.0);
}

TEST(MobileShareTest, NoEventWithADeviceInTheWindowIsMissing) {
  CustomerBuilder b;
  b.Event("email_open", kAsOf - kHour, On("", "email"));
  b.Event("page_view", kAsOf - 45 * kDay, On("mobile"));  // outside the 30 days
  const ScoreResult r = ScoreOne(kMobileFirst, b.Build());
  EXPECT_EQ(r.scores[0].coverage, 0.0);
  ASSERT_EQ(r.details.size(), 1u);
  EXPECT_TRUE(r.details[0].missing);
  EXPECT_EQ(r.details[0].reason, "no event with a device in the last 30 days");
}

// The window's first local day, in Jakarta, is 2025-12-03 (as_of is 2026-01-01 07:00 there).
// 2025-12-02T17:00:00Z is 2025-12-03 00:00 in Jakarta but still 2025-12-02 in UTC.
constexpr int64_t kJakartaWindowStart = kAsOf - 29 * kDay - 7 * kHour;

TEST(MobileShareTest, WindowEdgeIsTheCustomersLocalDate) {
  const auto score = [](bool jakarta, int64_t desktop_time) {
    CustomerBuilder b;
    if (jakarta) b.TimeZone("Asia/Jakarta", kJakarta);
    b.Event("page_view", kAsOf - kHour, On("mobile"));
    b.Event("page_view", desktop_time, On("desktop"));
    return ScoreOne(R"({"mobile_share": {"min": 1, "within_days": 30}})", b.Build())
        .scores[0]
        .affinity;
  };
  // First local day of the window in Jakarta: the desktop event counts, share 1/2.
  EXPECT_DOUBLE_EQ(score(true, kJakartaWindowStart), 0.5);
  // One second earlier is the day before in Jakarta: outside, share 1/1.
  EXPECT_EQ(score(true, kJakartaWindowStart - 1), 1.0);
  // In UTC the same instant is 2025-12-02, 30 days before as_of's date: outside.
  EXPECT_EQ(score(false, kJakartaWindowStart), 1.0);
  // And UTC's own first day of the window, 2025-12-03T00:00Z, is inside.
  EXPECT_DOUBLE_EQ(score(false, kAsOf - 29 * kDay), 0.5);
}

TEST(MobileShareTest, WithinDaysDefaultsToTheActivityWindow) {
  CustomerBuilder b;
  b.Event("page_view", kAsOf - kHour, On("mobile"));
  b.Event("page_view", kAsOf - 10 * kDay, On("desktop"));
  const char* params = R"({"mobile_share": {"min": 1}})";
  EXPECT_DOUBLE_EQ(ScoreOne(params, b.Build()).scores[0].affinity, 0.5);  // 30 days
  EXPECT_EQ(ScoreOne(params, b.Build(), R"({"activity_window_days": 7})").scores[0].affinity, 1.0);
}

TEST(MobileShareTest, SeveralWindowsInOneCallEachCountTheirOwn) {
  CustomerBuilder b;
  b.Event("page_view", kAsOf - kHour, On("mobile"));
  b.Event("page_view", kAsOf - 10 * kDay, On("desktop"));
  sdk::testing::TestHost host(testing::Plugin());
  ASSERT_EQ(host.Create(), "");
  ASSERT_EQ(host.Compile(R"({"mobile_share": {"min": 1, "within_days": 7}})"), "");
  ASSERT_EQ(host.Compile(R"({"mobile_share": {"min": 1, "within_days": 30}})"), "");
  ASSERT_EQ(host.Compile(R"({"mobile_share": {"min": 1, "within_days": 7}})"), "");
  const ScoreResult r = host.Score(b.Build(), /*explain=*/false, kAsOf);
  EXPECT_EQ(r.scores[0].affinity, 1.0);
  EXPECT_DOUBLE_EQ(r.scores[1].affinity, 0.5);
  EXPECT_EQ(r.scores[2].affinity, 1.0);
}

TEST(MobileShareTest, MoreDistinctWindowsThanTheCacheHolds) {
  // One desktop event per day back from today, one mobile event today: a window of d days
  // holds 1 mobile and d desktop events.
  CustomerBuilder b;
  b.Event("page_view", kAsOf, On("mobile"));
  for (int day = 0; day < 20; ++day) b.Event("page_view", kAsOf - day * kDay, On("desktop"));
  sdk::testing::TestHost host(testing::Plugin());
  ASSERT_EQ(host.Create(), "");
  for (int days = 1; days <= 12; ++days) {
    ASSERT_EQ(host.Compile(R"({"mobile_share": {"min": 1, "within_days": )" + std::to_string(days) +
                           "}}"),
              "");
  }
  const ScoreResult r = host.Score(b.Build(), /*explain=*/false, kAsOf);
  for (int days = 1; days <= 12; ++days) {
    EXPECT_DOUBLE_EQ(r.scores[days - 1].affinity, 1.0 / (1 + days)) << days;
  }
}

// --- combining -----------------------------------------------------------------------------

TEST(CombineTest, FieldsCombineByWeightAndMissingLowersCoverage) {
  CustomerBuilder b;
  b.Platform("shopee", 3).ContactOptIns({"email"});
  const ScoreResult r = ScoreOne(
      R"({"platforms": {"any_of": ["shopee"], "min_sessions_30d": 4, "weight": 3},
          "primary_device": {"any_of": ["mobile"], "weight": 2},
          "reachable_on": ["whatsapp", "email"]})",
      b.Build());
  // platforms 0.75 (w 3) and reachable_on 1 (w 1) present; primary_device (w 2) missing.
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, (3 * 0.75 + 1) / 4);
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 4.0 / 6.0);
  EXPECT_EQ(r.details.size(), 3u);
}

TEST(CombineTest, OnlyExplainProducesDetails) {
  CustomerBuilder b;
  b.Platform("shopee", 3);
  sdk::testing::TestHost host(testing::Plugin());
  ASSERT_EQ(host.Create(), "");
  ASSERT_EQ(host.Compile(kShopper), "");
  EXPECT_TRUE(host.Score(b.Build(), /*explain=*/false, kAsOf).details.empty());
}

TEST(CombineTest, AnAbi11CustomerHasNoDigitalData) {
  // A host without the 1.2 fields: everything reads as absent, never as garbage.
  CustomerBuilder b;
  b.Platform("shopee", 9).PrimaryDevice("mobile").ContactOptIns({"whatsapp"});
  b.Event("page_view", kAsOf - kHour, On("mobile", "whatsapp"));
  const PersonaCustomer& old = b.BuildSized(sdk::testing::kCustomerSizeAbi11);
  const ScoreResult r = ScoreOne(
      R"({"platforms": ["shopee"], "primary_device": ["mobile"], "reachable_on": ["whatsapp"],
          "mobile_share": {"min": 0.5}})",
      old);
  EXPECT_EQ(r.scores[0].affinity, 0.0);   // reachable_on: no consent
  EXPECT_EQ(r.scores[0].coverage, 0.25);  // the other three missing
  EXPECT_EQ(r.Label("best_channel"), "none");
  EXPECT_EQ(testing::LabelCount(r, "primary_device"), 0u);
}

}  // namespace
}  // namespace digital
}  // namespace persona
