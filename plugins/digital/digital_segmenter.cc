#include "digital_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace persona {
namespace digital {
namespace {

using sdk::ParamError;
using sdk::Value;

constexpr const char* kDeviceNames[kDeviceCount] = {"mobile", "desktop", "tablet"};

// The channels best_channel prefers when activity does not decide: the ones a marketer in
// the target markets reaches people on first.
const char* const kDefaultChannelPreference[] = {"whatsapp", "email", "sms", "push"};

// ---------------------------------------------------------------------------------------
// Compile-time parsing. Everything here may allocate and throw ParamError.
// ---------------------------------------------------------------------------------------

double ParseWeight(const Value& v) {
  const double weight = v.Number();
  if (!(weight > 0.0)) v.Fail("must be greater than 0, got " + Value::FormatNumber(weight));
  return weight;
}

// A whole number of local calendar days in [1, kMaxWindowDays].
int32_t ParseWindowDays(const Value& v) {
  const double days = v.Number();
  if (!(days >= 1.0 && days <= DigitalSegmenter::kMaxWindowDays) || std::floor(days) != days) {
    v.Fail("must be a whole number of days from 1 to " +
           std::to_string(DigitalSegmenter::kMaxWindowDays) + ", got " + Value::FormatNumber(days));
  }
  return static_cast<int32_t>(days);
}

// A tag as the persona author wrote it, with where it came from for error messages.
struct RawTag {
  std::string tag;  // normalised
  std::string path;
  size_t order;  // position in the list, so a duplicate is reported where it repeats
};

// A list of tags (a single string is a one-tag list), normalised, sorted by bytes (the order
// the host sends customer tags and platform names in) and unique: two entries equal after
// trimming and lowercasing are refused, since keeping both would hide a typo.
std::vector<std::string> ParseTags(const Value& list, const char* noun) {
  std::vector<RawTag> raw;
  if (list.IsString()) {
    std::string tag = sdk::NormalizeTag(list.String());
    if (tag.empty()) list.Fail("must not be empty");
    raw.push_back(RawTag{std::move(tag), list.path(), 0});
  } else {
    for (const Value& item : list.List()) {
      std::string tag = sdk::NormalizeTag(item.String());
      if (tag.empty()) item.Fail("must not be empty");
      raw.push_back(RawTag{std::move(tag), item.path(), raw.size()});
    }
  }
  if (raw.empty()) list.Fail(std::string("must name at least one ") + noun);
  std::sort(raw.begin(), raw.end(), [](const RawTag& a, const RawTag& b) {
    return a.tag != b.tag ? a.tag < b.tag : a.order < b.order;
  });
  for (size_t i = 1; i < raw.size(); ++i) {
    if (raw[i].tag == raw[i - 1].tag) {
      throw ParamError(raw[i].path, "duplicate tag \"" + raw[i].tag + "\" (same as " +
                                        raw[i - 1].path + " after trimming and lowercasing)");
    }
  }
  std::vector<std::string> tags;
  for (RawTag& t : raw) tags.push_back(std::move(t.tag));
  return tags;
}

// The list of a list-valued field: the value itself (a list or one string), or the `any_of`
// of its object form {"any_of": [...], "weight": w}.
Value ListOf(const Value& v, double* weight, const char* noun) {
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "weight"});
    if (std::optional<Value> w = v.Find("weight")) *weight = ParseWeight(*w);
    return v.Get("any_of");
  }
  if (!v.IsList() && !v.IsString()) {
    v.Fail(std::string("must be a list of ") + noun + "s or an object {\"any_of\": [...], " +
           "\"weight\": w}");
  }
  return v;
}

PlatformsField ParsePlatforms(const Value& v) {
  PlatformsField field;
  std::optional<Value> list;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "min_sessions_30d", "weight"});
    list = v.Get("any_of");
    if (std::optional<Value> min = v.Find("min_sessions_30d")) {
      field.min_sessions_30d = min->Number();
      if (!(field.min_sessions_30d > 0.0)) {
        min->Fail("must be greater than 0, got " + Value::FormatNumber(field.min_sessions_30d));
      }
    }
    if (std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  } else if (v.IsList() || v.IsString()) {
    list = v;
  } else {
    v.Fail(
        "must be a list of platforms or an object {\"any_of\": [...], \"min_sessions_30d\": n, "
        "\"weight\": w}");
  }
  field.names = ParseTags(*list, "platform");
  return field;
}

PrimaryDeviceField ParsePrimaryDevice(const Value& v) {
  PrimaryDeviceField field;
  const Value list = ListOf(v, &field.weight, "device");
  // Checked one by one so the error names the entry; ParseTags then catches duplicates.
  if (list.IsList()) {
    for (const Value& item : list.List()) {
      const std::string name = sdk::NormalizeTag(item.String());
      if (!name.empty() && ParseDevice(name) == kDeviceCount) {
        item.Fail("unknown device \"" + name + "\" (known: mobile, desktop, tablet)");
      }
    }
  } else if (list.IsString()) {
    const std::string name = sdk::NormalizeTag(list.String());
    if (!name.empty() && ParseDevice(name) == kDeviceCount) {
      list.Fail("unknown device \"" + name + "\" (known: mobile, desktop, tablet)");
    }
  }
  for (const std::string& name : ParseTags(list, "device")) field.listed[ParseDevice(name)] = true;
  return field;
}

ReachableOnField ParseReachableOn(const Value& v) {
  ReachableOnField field;
  field.channels = ParseTags(ListOf(v, &field.weight, "channel"), "channel");
  return field;
}

MobileShareField ParseMobileShare(const Value& v, int32_t default_days) {
  v.RejectUnknownKeys({"min", "within_days", "weight"});
  MobileShareField field;
  field.min = v.Get("min").NumberIn(0.0, 1.0);
  field.within_days = default_days;
  if (std::optional<Value> days = v.Find("within_days")) field.within_days = ParseWindowDays(*days);
  if (std::optional<Value> w = v.Find("weight")) field.weight = ParseWeight(*w);
  return field;
}

// ---------------------------------------------------------------------------------------
// Hot path helpers. Nothing below allocates or throws.
// ---------------------------------------------------------------------------------------

// Events per device over the last `days` local calendar days.
struct DeviceCounts {
  uint32_t by_device[kDeviceCount] = {};
  uint32_t with_device() const {
    return by_device[kMobile] + by_device[kDesktop] + by_device[kTablet];
  }
};

// The per-customer facts every criterion reads: the customer's clock, and the device counts
// per window length, computed once per distinct within_days (catalogs use a handful) so a
// thousand criteria do not walk the events a thousand times.
class CustomerFacts {
 public:
  CustomerFacts(const PersonaCustomer& customer, int64_t as_of, int32_t utc_offset_seconds)
      : events_(sdk::EventsOf(customer)), as_of_(as_of), offset_(utc_offset_seconds) {}

  DeviceCounts Devices(int32_t days) noexcept {
    for (size_t i = 0; i < cached_; ++i) {
      if (cache_[i].days == days) return cache_[i].counts;
    }
    const DeviceCounts counts = Count(days);
    if (cached_ < kCacheSize) cache_[cached_++] = Window{days, counts};
    return counts;
  }

 private:
  static constexpr size_t kCacheSize = 8;
  struct Window {
    int32_t days;
    DeviceCounts counts;
  };

  DeviceCounts Count(int32_t days) const noexcept {
    DeviceCounts counts;
    // Events arrive oldest first, so the window is a suffix: walk back until one is too old.
    for (size_t i = events_.size(); i-- > 0;) {
      const sdk::Event event = events_[i];
      const int64_t ago = sdk::LocalDaysAgo(event.time_unix_seconds(), as_of_, offset_);
      if (ago >= days) break;
      if (ago < 0) continue;  // after as_of: the host refuses these; never counted
      const Device device = ParseDevice(event.device());
      if (device != kDeviceCount) ++counts.by_device[device];
    }
    return counts;
  }

  sdk::Events events_;
  int64_t as_of_;
  int32_t offset_;
  Window cache_[kCacheSize];
  size_t cached_ = 0;
};

void ScorePlatforms(const PlatformsField& field, const PersonaCustomer& customer,
                    const sdk::ScoreContext& context, bool explain, size_t index,
                    sdk::AffinityAccumulator& accumulator) {
  if (sdk::PlatformsOf(customer).empty()) {
    accumulator.AddMissing(field.weight);
    if (explain) context.AddDetail(index, "platforms", 0.0, true, "customer lists no platforms");
    return;
  }
  sdk::ReasonWriter<> reason;
  double best = -1.0;  // sessions on the busiest listed platform; < 0: none listed is used
  for (const std::string& name : field.names) {
    const std::optional<sdk::Platform> platform = sdk::FindPlatform(customer, name);
    if (!platform) {
      if (explain) reason.Item("%.*s not used", sdk::PrintfLength(name), name.data());
      continue;
    }
    // The customer says they use it but not how often: that is one use, not none and not
    // the persona's whole threshold.
    const std::optional<double> counted = platform->sessions_30d();
    const double sessions = counted ? std::max(0.0, *counted) : 1.0;
    best = std::max(best, sessions);
    if (explain) {
      if (counted) {
        reason.Item("%.*s %.6g sessions", sdk::PrintfLength(name), name.data(), sessions);
      } else {
        reason.Item("%.*s no count (1 session)", sdk::PrintfLength(name), name.data());
      }
    }
  }
  const double affinity = best < 0.0 ? 0.0 : AtLeastAffinity(best, field.min_sessions_30d);
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    if (best < 0.0) {
      reason.Tail(" -> none listed -> 0");
    } else {
      reason.Tail(" -> best %.6g of min %.6g -> %.3g", best, field.min_sessions_30d, affinity);
    }
    context.AddDetail(index, "platforms", affinity, false, reason.view());
  }
}

void ScorePrimaryDevice(const PrimaryDeviceField& field, std::string_view primary,
                        const sdk::ScoreContext& context, bool explain, size_t index,
                        sdk::AffinityAccumulator& accumulator) {
  if (primary.empty()) {
    accumulator.AddMissing(field.weight);
    if (explain) {
      context.AddDetail(index, "primary_device", 0.0, true, "customer gave no primary device");
    }
    return;
  }
  const Device device = ParseDevice(primary);
  const double affinity = device != kDeviceCount && field.listed[device] ? 1.0 : 0.0;
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    sdk::ReasonWriter<> reason;
    reason.Tail("customer %.*s, wanted ", sdk::PrintfLength(primary), primary.data());
    for (int d = 0; d < kDeviceCount; ++d) {
      if (field.listed[d]) reason.Item("%s", kDeviceNames[d]);
    }
    reason.Tail(" -> %.3g", affinity);
    context.AddDetail(index, "primary_device", affinity, false, reason.view());
  }
}

void ScoreReachableOn(const ReachableOnField& field, const PersonaCustomer& customer,
                      const sdk::ScoreContext& context, bool explain, size_t index,
                      sdk::AffinityAccumulator& accumulator) {
  // Never missing: contact needs explicit consent, so no opt-in list is no consent, a 0.
  const bool any_opt_in = sdk::ContactOptIns(customer).count != 0;
  sdk::ReasonWriter<> reason;
  bool reachable = false;
  for (const std::string& channel : field.channels) {
    const bool opted_in = sdk::HasOptIn(customer, channel);
    reachable = reachable || opted_in;
    if (explain && any_opt_in) {
      reason.Item("%s %.*s", opted_in ? "opted in to" : "not opted in to",
                  sdk::PrintfLength(channel), channel.data());
    }
    if (reachable && !explain) break;
  }
  const double affinity = reachable ? 1.0 : 0.0;
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    if (!any_opt_in) {
      reason.Tail("customer opted in to no channel (no consent) -> 0");
    } else {
      reason.Tail(" -> %.3g", affinity);
    }
    context.AddDetail(index, "reachable_on", affinity, false, reason.view());
  }
}

void ScoreMobileShare(const MobileShareField& field, CustomerFacts& facts,
                      const sdk::ScoreContext& context, bool explain, size_t index,
                      sdk::AffinityAccumulator& accumulator) {
  const DeviceCounts counts = facts.Devices(field.within_days);
  const uint32_t with_device = counts.with_device();
  if (with_device == 0) {
    accumulator.AddMissing(field.weight);
    if (explain) {
      sdk::ReasonWriter<> reason;
      reason.Tail("no event with a device in the last %d days", field.within_days);
      context.AddDetail(index, "mobile_share", 0.0, true, reason.view());
    }
    return;
  }
  const double share =
      static_cast<double>(counts.by_device[kMobile]) / static_cast<double>(with_device);
  const double affinity = AtLeastAffinity(share, field.min);
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    sdk::ReasonWriter<> reason;
    reason.Tail(
        "%u of %u events with a device in the last %d days on mobile = %.3g, min %.3g -> %.3g",
        counts.by_device[kMobile], with_device, field.within_days, share, field.min, affinity);
    context.AddDetail(index, "mobile_share", affinity, false, reason.view());
  }
}

}  // namespace

const char* DeviceName(Device device) {
  return device >= 0 && device < kDeviceCount ? kDeviceNames[device] : "";
}

Device ParseDevice(std::string_view name) {
  for (int d = 0; d < kDeviceCount; ++d) {
    if (name == kDeviceNames[d]) return static_cast<Device>(d);
  }
  return kDeviceCount;
}

double AtLeastAffinity(double value, double min) {
  if (!(min > 0.0) || value >= min) return 1.0;
  return sdk::Clamp01(value / min);
}

std::unique_ptr<DigitalSegmenter> DigitalSegmenter::Create(const Value& config) {
  std::vector<std::string> preference(std::begin(kDefaultChannelPreference),
                                      std::end(kDefaultChannelPreference));
  int32_t window = kDefaultActivityWindowDays;
  // The ABI promises an object, empty when the catalog has no config; a null is read the same
  // way so a host that passes "no config" literally is not refused.
  if (!config.IsNull()) {
    config.RejectUnknownKeys({"channel_preference", "activity_window_days"});
    if (std::optional<Value> v = config.Find("channel_preference")) {
      // Checked like any tag list (not empty, no duplicates), but kept in the order written:
      // the order is the preference.
      ParseTags(*v, "channel");
      preference.clear();
      if (v->IsString()) {
        preference.push_back(sdk::NormalizeTag(v->String()));
      } else {
        for (const Value& item : v->List()) preference.push_back(sdk::NormalizeTag(item.String()));
      }
    }
    if (std::optional<Value> v = config.Find("activity_window_days")) window = ParseWindowDays(*v);
  }
  return std::make_unique<DigitalSegmenter>(std::move(preference), window);
}

std::unique_ptr<DigitalCriterion> DigitalSegmenter::Compile(const Value& params) const {
  params.RejectUnknownKeys({"platforms", "primary_device", "reachable_on", "mobile_share"});
  if (params.size() == 0) {
    params.Fail("must name at least one of platforms, primary_device, reachable_on, mobile_share");
  }
  auto criterion = std::make_unique<DigitalCriterion>();
  if (std::optional<Value> v = params.Find("platforms")) criterion->platforms = ParsePlatforms(*v);
  if (std::optional<Value> v = params.Find("primary_device")) {
    criterion->primary_device = ParsePrimaryDevice(*v);
  }
  if (std::optional<Value> v = params.Find("reachable_on")) {
    criterion->reachable_on = ParseReachableOn(*v);
  }
  if (std::optional<Value> v = params.Find("mobile_share")) {
    criterion->mobile_share = ParseMobileShare(*v, activity_window_days_);
  }
  return criterion;
}

size_t DigitalSegmenter::PreferenceRank(std::string_view channel) const noexcept {
  for (size_t i = 0; i < channel_preference_.size(); ++i) {
    if (channel_preference_[i] == channel) return i;
  }
  return channel_preference_.size();
}

void DigitalSegmenter::AddLabels(const PersonaCustomer& customer, const sdk::ScoreContext& context,
                                 int32_t utc_offset_seconds) const noexcept {
  const PersonaStringList opt_ins = sdk::ContactOptIns(customer);
  const size_t opt_in_count = opt_ins.items == nullptr ? 0 : opt_ins.count;
  // Events per opted-in channel (by index in the sorted opt-ins) and per device over the
  // activity window, in one walk back from the newest event. Opt-ins past the table (a
  // customer with more than 64 consented channels) are counted by their own walk below.
  constexpr size_t kCountedOptIns = 64;
  uint32_t channel_events[kCountedOptIns] = {};
  DeviceCounts devices;
  const sdk::Events events = sdk::EventsOf(customer);
  const int64_t as_of = context.as_of_unix_seconds();
  size_t window_begin = events.size();
  for (size_t i = events.size(); i-- > 0;) {
    const sdk::Event event = events[i];
    const int64_t ago = sdk::LocalDaysAgo(event.time_unix_seconds(), as_of, utc_offset_seconds);
    if (ago >= activity_window_days_) break;
    window_begin = i;
    if (ago < 0) continue;
    const Device device = ParseDevice(event.device());
    if (device != kDeviceCount) ++devices.by_device[device];
    const std::string_view channel = event.channel();
    if (channel.empty() || opt_in_count == 0) continue;
    const PersonaString* first = opt_ins.items;
    const PersonaString* last = first + opt_in_count;
    const PersonaString* it = std::lower_bound(
        first, last, channel,
        [](const PersonaString& s, std::string_view c) { return sdk::View(s) < c; });
    if (it != last && sdk::View(*it) == channel) {
      const size_t k = static_cast<size_t>(it - first);
      if (k < kCountedOptIns) ++channel_events[k];
    }
  }
  const auto events_on = [&](size_t k) -> uint32_t {
    if (k < kCountedOptIns) return channel_events[k];
    const std::string_view channel = sdk::View(opt_ins.items[k]);
    uint32_t n = 0;
    for (size_t i = window_begin; i < events.size(); ++i) {
      const sdk::Event event = events[i];
      if (sdk::LocalDaysAgo(event.time_unix_seconds(), as_of, utc_offset_seconds) >= 0 &&
          event.channel() == channel) {
        ++n;
      }
    }
    return n;
  };

  // Opt-ins arrive sorted by name, so keeping the first of equals breaks the last tie by name.
  std::string_view best;
  uint32_t best_events = 0;
  size_t best_rank = 0;
  for (size_t k = 0; k < opt_in_count; ++k) {
    const std::string_view channel = sdk::View(opt_ins.items[k]);
    if (channel.empty()) continue;
    const uint32_t n = events_on(k);
    const size_t rank = PreferenceRank(channel);
    if (best.empty() || n > best_events || (n == best_events && rank < best_rank)) {
      best = channel;
      best_events = n;
      best_rank = rank;
    }
  }
  // A marketer must see that this customer cannot be contacted, so "none" rather than nothing.
  context.AddLabel("best_channel", best.empty() ? std::string_view("none") : best);

  const std::string_view primary = sdk::PrimaryDevice(customer);
  if (!primary.empty()) {
    context.AddLabel("primary_device", primary);
    return;
  }
  // Not given: the device of most events in the window, ties in Device order.
  int top = kDeviceCount;
  for (int d = 0; d < kDeviceCount; ++d) {
    if (devices.by_device[d] > 0 &&
        (top == kDeviceCount || devices.by_device[d] > devices.by_device[top])) {
      top = d;
    }
  }
  if (top != kDeviceCount) context.AddLabel("primary_device", kDeviceNames[top]);
}

void DigitalSegmenter::Score(const PersonaCustomer& customer, const Criterion* const* criteria,
                             size_t count, const sdk::ScoreContext& context,
                             PersonaCriterionScore* scores) const noexcept {
  const int32_t offset = sdk::UtcOffsetOr(customer, 0);
  // Labels are per customer, not per criterion: the ABI wants them even when count == 0.
  AddLabels(customer, context, offset);

  const bool explain = context.explain();
  CustomerFacts facts(customer, context.as_of_unix_seconds(), offset);
  const std::string_view primary = sdk::PrimaryDevice(customer);
  for (size_t i = 0; i < count; ++i) {
    const Criterion* criterion = criteria[i];
    if (criterion == nullptr) {
      scores[i] = PersonaCriterionScore{0.0, 0.0};
      continue;
    }
    sdk::AffinityAccumulator accumulator;
    if (criterion->platforms) {
      ScorePlatforms(*criterion->platforms, customer, context, explain, i, accumulator);
    }
    if (criterion->primary_device) {
      ScorePrimaryDevice(*criterion->primary_device, primary, context, explain, i, accumulator);
    }
    if (criterion->reachable_on) {
      ScoreReachableOn(*criterion->reachable_on, customer, context, explain, i, accumulator);
    }
    if (criterion->mobile_share) {
      ScoreMobileShare(*criterion->mobile_share, facts, context, explain, i, accumulator);
    }
    scores[i] = accumulator.Result();
  }
}

}  // namespace digital
}  // namespace persona
