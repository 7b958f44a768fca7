// The digital segmenter: grades *where to reach* a customer — the platforms they use, their
// primary device, the channels they agreed to be contacted on and how much of their activity
// is on mobile — against persona criteria, and labels every customer with the best channel
// to reach them on and their primary device. See README.md for the parameters and the exact
// formulas; the tests in tests/unit/digital/ pin them.
//
// Depends on the plugin SDK only (plugins/sdk/include), never on service/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace digital {

// The devices the host sends (PersonaEvent.device, PersonaCustomer.primary_device), in the
// order that breaks ties when the primary device is inferred from events.
enum Device : int {
  kMobile = 0,
  kDesktop,
  kTablet,
  kDeviceCount,
};

// "mobile", "desktop", "tablet".
const char* DeviceName(Device device);

// The device named `name` (normalised), or kDeviceCount when it is none of them.
Device ParseDevice(std::string_view name);

// `platforms`: how often the customer uses the busiest of the listed platforms.
struct PlatformsField {
  std::vector<std::string> names;  // normalised, sorted by bytes, unique, non-empty
  double min_sessions_30d = 1.0;   // > 0
  double weight = 1.0;
};

// `primary_device`: the customer's stated primary device is one of these.
struct PrimaryDeviceField {
  bool listed[kDeviceCount] = {};  // at least one set
  double weight = 1.0;
};

// `reachable_on`: the customer opted in to at least one of these channels.
struct ReachableOnField {
  std::vector<std::string> channels;  // normalised, sorted by bytes, unique, non-empty
  double weight = 1.0;
};

// `mobile_share`: the share of recent events with a device that were on mobile.
struct MobileShareField {
  double min = 0.0;          // in [0, 1]
  int32_t within_days = 30;  // local calendar days, >= 1
  double weight = 1.0;
};

// One compiled criterion. Every field is optional, at least one is set.
struct DigitalCriterion {
  std::optional<PlatformsField> platforms;
  std::optional<PrimaryDeviceField> primary_device;
  std::optional<ReachableOnField> reachable_on;
  std::optional<MobileShareField> mobile_share;
};

// Pure formulas, exposed so the tests can pin them without building customers.

// Affinity of a measured value against a "reach at least `min`" threshold: 1 at or above it,
// value / min below it. min <= 0 accepts everything.
double AtLeastAffinity(double value, double min);

// The segmenter class the SDK adapter drives.
class DigitalSegmenter {
 public:
  using Criterion = DigitalCriterion;

  static constexpr int32_t kDefaultActivityWindowDays = 30;
  static constexpr int32_t kMaxWindowDays = 3650;

  // What the params mean, for persona-plugin-check and catalog authors (ABI 1.1).
  static constexpr char kParamsDoc[] = R"json({
    "params": {
      "platforms": "{any_of: [platform tags], min_sessions_30d (> 0, default 1), weight (> 0)}, or a list of platform tags: sessions_30d on the busiest listed platform / min_sessions_30d, capped at 1",
      "primary_device": "list of mobile|desktop|tablet, or {any_of: [...], weight}: 1 if the customer's primary device is listed",
      "reachable_on": "list of contact channels (whatsapp, email, sms, push, ...), or {any_of: [...], weight}: 1 if the customer opted in to one of them",
      "mobile_share": "{min (0..1), within_days (1..3650, default: config activity_window_days), weight}: share of events with a device in the window that were on mobile, 1 at min, share / min below"},
    "config": {
      "channel_preference": "list of contact channels breaking ties for the best_channel label (default [whatsapp, email, sms, push])",
      "activity_window_days": "local calendar days of events the labels count (1..3650, default 30)"},
    "example": {"platforms": {"any_of": ["shopee", "tokopedia"], "min_sessions_30d": 4},
                "primary_device": ["mobile"],
                "reachable_on": ["whatsapp"],
                "mobile_share": {"min": 0.7, "within_days": 30}}})json";

  // Config: {} or {"channel_preference": [...], "activity_window_days": n}. Throws
  // sdk::ParamError.
  static std::unique_ptr<DigitalSegmenter> Create(const sdk::Value& config);

  DigitalSegmenter(std::vector<std::string> channel_preference, int32_t activity_window_days)
      : channel_preference_(std::move(channel_preference)),
        activity_window_days_(activity_window_days) {}

  // Validates one criterion's params; throws sdk::ParamError naming the path.
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // Hot path: no allocation, no locks, no exceptions; text only when context.explain().
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  const std::vector<std::string>& channel_preference() const { return channel_preference_; }
  int32_t activity_window_days() const { return activity_window_days_; }

 private:
  // The best_channel and primary_device labels.
  void AddLabels(const PersonaCustomer& customer, const sdk::ScoreContext& context,
                 int32_t utc_offset_seconds) const noexcept;

  // Position of `channel` in channel_preference_, or its size when not listed.
  size_t PreferenceRank(std::string_view channel) const noexcept;

  std::vector<std::string> channel_preference_;  // normalised, unique, in preference order
  int32_t activity_window_days_;
};

}  // namespace digital
}  // namespace persona
