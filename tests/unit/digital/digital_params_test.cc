// Config and params validation: every refusal with its exact message (path: reason), and
// the accepted forms.
#include <gtest/gtest.h>

#include <string>

#include "digital_segmenter.h"
#include "test_support.h"

namespace persona {
namespace digital {
namespace {

using testing::CompileError;
using testing::CreateError;

TEST(DigitalParamsTest, AcceptsEveryDocumentedForm) {
  for (const char* params : {
           R"({"platforms": {"any_of": ["shopee", "tokopedia"], "min_sessions_30d": 4}})",
           R"({"platforms": {"any_of": "shopee", "weight": 2}})",
           R"({"platforms": ["shopee"]})",
           R"({"primary_device": ["mobile", "tablet"]})",
           R"({"primary_device": "Desktop"})",
           R"({"primary_device": {"any_of": ["mobile"], "weight": 0.5}})",
           R"({"reachable_on": ["whatsapp", "email"]})",
           R"({"reachable_on": {"any_of": ["line"], "weight": 3}})",
           R"({"mobile_share": {"min": 0.7, "within_days": 30}})",
           R"({"mobile_share": {"min": 0, "within_days": 1, "weight": 2}})",
           R"({"mobile_share": {"min": 1}})",
       }) {
    EXPECT_EQ(CompileError(params), "") << params;
  }
}

TEST(DigitalParamsTest, RefusesEmptyAndUnknownKeys) {
  EXPECT_EQ(CompileError("{}"),
            "params: must name at least one of platforms, primary_device, reachable_on, "
            "mobile_share");
  EXPECT_EQ(CompileError(R"({"platform": ["shopee"]})"),
            "params.platform: unknown parameter (known: platforms, primary_device, "
            "reachable_on, mobile_share)");
  EXPECT_EQ(CompileError(R"({"platforms": {"any_of": ["shopee"], "min_sessions": 4}})"),
            "params.platforms.min_sessions: unknown parameter (known: any_of, "
            "min_sessions_30d, weight)");
  EXPECT_EQ(CompileError(R"({"reachable_on": {"any_of": ["sms"], "match": "all"}})"),
            "params.reachable_on.match: unknown parameter (known: any_of, weight)");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 0.5, "days": 7}})"),
            "params.mobile_share.days: unknown parameter (known: min, within_days, weight)");
}

TEST(DigitalParamsTest, RefusesEmptyLists) {
  EXPECT_EQ(CompileError(R"({"platforms": {"any_of": []}})"),
            "params.platforms.any_of: must name at least one platform");
  EXPECT_EQ(CompileError(R"({"primary_device": []})"),
            "params.primary_device: must name at least one device");
  EXPECT_EQ(CompileError(R"({"reachable_on": []})"),
            "params.reachable_on: must name at least one channel");
  EXPECT_EQ(CompileError(R"({"reachable_on": ["  "]})"),
            "params.reachable_on[0]: must not be empty");
  EXPECT_EQ(CompileError(R"({"platforms": {"min_sessions_30d": 4}})"),
            "params.platforms.any_of: is required");
}

TEST(DigitalParamsTest, RefusesDuplicatesAfterNormalisation) {
  EXPECT_EQ(CompileError(R"({"platforms": {"any_of": ["Shopee", " shopee"]}})"),
            "params.platforms.any_of[1]: duplicate tag \"shopee\" (same as "
            "params.platforms.any_of[0] after trimming and lowercasing)");
  EXPECT_EQ(CompileError(R"({"reachable_on": ["email", "WhatsApp", "whatsapp "]})"),
            "params.reachable_on[2]: duplicate tag \"whatsapp\" (same as "
            "params.reachable_on[1] after trimming and lowercasing)");
  EXPECT_EQ(CompileError(R"({"primary_device": ["mobile", "Mobile"]})"),
            "params.primary_device[1]: duplicate tag \"mobile\" (same as "
            "params.primary_device[0] after trimming and lowercasing)");
}

TEST(DigitalParamsTest, RefusesUnknownDevices) {
  EXPECT_EQ(CompileError(R"({"primary_device": ["mobile", "Phone"]})"),
            "params.primary_device[1]: unknown device \"phone\" (known: mobile, desktop, "
            "tablet)");
  EXPECT_EQ(CompileError(R"({"primary_device": "tv"})"),
            "params.primary_device: unknown device \"tv\" (known: mobile, desktop, tablet)");
  EXPECT_EQ(CompileError(R"({"primary_device": {"any_of": ["watch"]}})"),
            "params.primary_device.any_of[0]: unknown device \"watch\" (known: mobile, "
            "desktop, tablet)");
}

TEST(DigitalParamsTest, RefusesNumbersOutOfRange) {
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 1.5}})"),
            "params.mobile_share.min: must be between 0 and 1, got 1.5");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": -0.1}})"),
            "params.mobile_share.min: must be between 0 and 1, got -0.1");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"within_days": 30}})"),
            "params.mobile_share.min: is required");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 0.7, "within_days": 0}})"),
            "params.mobile_share.within_days: must be a whole number of days from 1 to 3650, "
            "got 0");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 0.7, "within_days": -7}})"),
            "params.mobile_share.within_days: must be a whole number of days from 1 to 3650, "
            "got -7");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 0.7, "within_days": 7.5}})"),
            "params.mobile_share.within_days: must be a whole number of days from 1 to 3650, "
            "got 7.5");
  EXPECT_EQ(CompileError(R"({"platforms": {"any_of": ["shopee"], "min_sessions_30d": 0}})"),
            "params.platforms.min_sessions_30d: must be greater than 0, got 0");
  EXPECT_EQ(CompileError(R"({"reachable_on": {"any_of": ["sms"], "weight": 0}})"),
            "params.reachable_on.weight: must be greater than 0, got 0");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": 0.5, "weight": -1}})"),
            "params.mobile_share.weight: must be greater than 0, got -1");
}

TEST(DigitalParamsTest, RefusesWrongTypes) {
  EXPECT_EQ(CompileError(R"({"platforms": 4})"),
            "params.platforms: must be a list of platforms or an object {\"any_of\": [...], "
            "\"min_sessions_30d\": n, \"weight\": w}");
  EXPECT_EQ(CompileError(R"({"reachable_on": true})"),
            "params.reachable_on: must be a list of channels or an object {\"any_of\": [...], "
            "\"weight\": w}");
  EXPECT_EQ(CompileError(R"({"mobile_share": 0.7})"), "params.mobile_share: must be an object");
  EXPECT_EQ(CompileError(R"({"reachable_on": [1]})"), "params.reachable_on[0]: must be a string");
  EXPECT_EQ(CompileError(R"({"mobile_share": {"min": "high"}})"),
            "params.mobile_share.min: must be a number");
}

TEST(DigitalConfigTest, AcceptsEmptyAndBothKeys) {
  EXPECT_EQ(CreateError("{}"), "");
  EXPECT_EQ(CreateError(R"({"channel_preference": ["email", "WhatsApp"],
                            "activity_window_days": 14})"),
            "");
}

TEST(DigitalConfigTest, RefusesBadConfig) {
  EXPECT_EQ(CreateError(R"({"channel_order": ["email"]})"),
            "config.channel_order: unknown parameter (known: channel_preference, "
            "activity_window_days)");
  EXPECT_EQ(CreateError(R"({"channel_preference": []})"),
            "config.channel_preference: must name at least one channel");
  EXPECT_EQ(CreateError(R"({"channel_preference": ["sms", "SMS"]})"),
            "config.channel_preference[1]: duplicate tag \"sms\" (same as "
            "config.channel_preference[0] after trimming and lowercasing)");
  EXPECT_EQ(CreateError(R"({"activity_window_days": 0})"),
            "config.activity_window_days: must be a whole number of days from 1 to 3650, got 0");
  EXPECT_EQ(CreateError(R"({"activity_window_days": 4000})"),
            "config.activity_window_days: must be a whole number of days from 1 to 3650, got "
            "4000");
}

TEST(DigitalConfigTest, KeepsThePreferenceInTheOrderWritten) {
  sdk::testing::JsonValue config(R"({"channel_preference": [" SMS", "email"]})");
  const auto segmenter = DigitalSegmenter::Create(sdk::Value(&config.root(), "config"));
  ASSERT_EQ(segmenter->channel_preference().size(), 2u);
  EXPECT_EQ(segmenter->channel_preference()[0], "sms");
  EXPECT_EQ(segmenter->channel_preference()[1], "email");
  EXPECT_EQ(segmenter->activity_window_days(), 30);
}

}  // namespace
}  // namespace digital
}  // namespace persona
