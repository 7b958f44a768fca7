#include "service/grpc/request_validator.h"

#include <cmath>
#include <persona/segmenter.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "service/catalog/catalog_validator.h"
#include "service/grpc/customer_view.h"

namespace persona {
namespace {

// google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxTextBytes = 128;
constexpr size_t kMaxTagBytes = 64;
constexpr size_t kMaxAttributeValueBytes = 1024;
constexpr double kMaxMoney = 1e12;

class Checker {
 public:
  explicit Checker(std::vector<FieldViolation>* out) : out_(out) {}

  void Fail(std::string field, std::string description) {
    out_->push_back({std::move(field), std::move(description)});
  }

  void Text(const std::string& value, const std::string& field, size_t max_bytes,
            bool required = false) {
    if (required && sdk::TrimAsciiWhitespace(value).empty()) {
      Fail(field, "is required");
      return;
    }
    if (value.size() > max_bytes) {
      Fail(field, absl::StrCat("must be at most ", max_bytes, " bytes, got ", value.size()));
      return;
    }
    for (unsigned char c : value) {
      if (c < 0x20 || c == 0x7f) {
        Fail(field, "must not contain control characters");
        return;
      }
    }
  }

  void Unit(bool present, double value, const std::string& field) {
    if (!present) return;
    if (!std::isfinite(value) || value < 0.0 || value > 1.0) {
      Fail(field, absl::StrCat("must be between 0 and 1, got ", value));
    }
  }

  void Money(double value, const std::string& field) {
    if (!std::isfinite(value)) {
      Fail(field, "must be a finite number");
    } else if (value < 0.0 || value > kMaxMoney) {
      Fail(field, absl::StrCat("must be between 0 and ", kMaxMoney, ", got ", value));
    }
  }

  void Timestamp(const google::protobuf::Timestamp& t, const std::string& field) {
    if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds) {
      Fail(field, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
    } else if (t.nanos() < 0 || t.nanos() > 999999999) {
      Fail(field, "nanos must be between 0 and 999999999");
    }
  }

  template <typename Strings>
  void TagList(const Strings& tags, const std::string& field, size_t max_count) {
    if (static_cast<size_t>(tags.size()) > max_count) {
      Fail(field, absl::StrCat("at most ", max_count, " entries, got ", tags.size()));
      return;
    }
    for (int i = 0; i < tags.size(); ++i) {
      const std::string path = absl::StrCat(field, "[", i, "]");
      if (sdk::TrimAsciiWhitespace(tags[i]).empty()) {
        Fail(path, "must not be empty");
        continue;
      }
      Text(tags[i], path, kMaxTagBytes);
    }
  }

 private:
  std::vector<FieldViolation>* out_;
};

// ---------------------------------------------------------------------------------------
// The fast pass: the same rules as the full pass below, answering only "no rule is broken",
// without building a path, a message or a set. Nearly every request is valid, and the full
// pass allocated a few dozen strings for each one. Where a rule would need a set to check
// (duplicates among many entries) or anything is off, it answers "don't know" and the full
// pass decides, so the fast pass can only skip work, never change a verdict.
// ---------------------------------------------------------------------------------------

// Above this many entries, duplicate checks go to the full pass (its hash sets) instead of
// comparing every pair.
constexpr int kMaxPairwiseDuplicates = 64;

bool NoControlCharacters(std::string_view value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool TextOk(const std::string& value, size_t max_bytes) {
  return value.size() <= max_bytes && NoControlCharacters(value);
}

bool UnitOk(bool present, double value) {
  return !present || (std::isfinite(value) && value >= 0.0 && value <= 1.0);
}

bool MoneyOk(double value) { return std::isfinite(value) && value >= 0.0 && value <= kMaxMoney; }

bool TimestampOk(const google::protobuf::Timestamp& t) {
  return t.seconds() >= kMinTimestampSeconds && t.seconds() <= kMaxTimestampSeconds &&
         t.nanos() >= 0 && t.nanos() <= 999999999;
}

template <typename Strings>
bool TagListOk(const Strings& tags, size_t max_count) {
  if (static_cast<size_t>(tags.size()) > max_count) return false;
  for (const std::string& tag : tags) {
    if (sdk::TrimAsciiWhitespace(tag).empty() || !TextOk(tag, kMaxTagBytes)) return false;
  }
  return true;
}

// NormalizeTag(a) == NormalizeTag(b), without building either.
bool SameNormalizedTag(std::string_view a, std::string_view b) {
  return sdk::EqualsIgnoreCase(sdk::TrimAsciiWhitespace(a), sdk::TrimAsciiWhitespace(b));
}

bool PassesEveryRule(const persona::v1::ScoreCustomerRequest& request, int64_t now_unix_seconds,
                     const RequestLimits& limits) {
  if (request.top_k() > limits.max_top_k) return false;
  const int persona_ids = request.persona_ids_size();
  if (static_cast<size_t>(persona_ids) > limits.max_persona_ids) return false;
  if (persona_ids > kMaxPairwiseDuplicates) return false;
  for (int i = 0; i < persona_ids; ++i) {
    if (!IsValidPersonaId(request.persona_ids(i))) return false;
    for (int j = 0; j < i; ++j) {
      if (request.persona_ids(i) == request.persona_ids(j)) return false;
    }
  }
  int64_t as_of = now_unix_seconds;
  if (request.has_as_of()) {
    if (!TimestampOk(request.as_of())) return false;
    as_of = request.as_of().seconds();
  }

  const persona::v1::Customer& customer = request.customer();
  if (!TextOk(customer.customer_id(), kMaxIdBytes)) return false;
  const auto& demographics = customer.demographics();
  if (demographics.has_age() && demographics.age() > 130) return false;
  if (!persona::v1::Gender_IsValid(demographics.gender())) return false;
  const auto& location = demographics.location();
  if (!location.country().empty()) {
    const std::string_view country = sdk::TrimAsciiWhitespace(location.country());
    if (country.size() != 2) return false;
    for (char c : country) {
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
    }
  }
  if (!TextOk(location.region(), kMaxTextBytes) || !TextOk(location.city(), kMaxTextBytes)) {
    return false;
  }
  if (!persona::v1::Urbanicity_IsValid(location.urbanicity()) ||
      !persona::v1::Education_IsValid(demographics.education())) {
    return false;
  }
  if (demographics.has_annual_income() && !MoneyOk(demographics.annual_income())) return false;
  if (!TextOk(demographics.occupation(), kMaxTextBytes)) return false;
  if (!persona::v1::MaritalStatus_IsValid(demographics.marital_status())) return false;
  if (demographics.has_household_size() &&
      (demographics.household_size() < 1 || demographics.household_size() > 50)) {
    return false;
  }

  const auto& behavior = customer.behavior();
  const int orders = behavior.orders_size();
  if (static_cast<size_t>(orders) > limits.max_orders) return false;
  if (orders > kMaxPairwiseDuplicates) return false;
  for (int i = 0; i < orders; ++i) {
    const auto& order = behavior.orders(i);
    const std::string& id = order.order_id();
    if (sdk::TrimAsciiWhitespace(id).empty() || !TextOk(id, kMaxIdBytes)) return false;
    for (int j = 0; j < i; ++j) {
      if (behavior.orders(j).order_id() == id) return false;
    }
    if (!order.has_time() || !TimestampOk(order.time()) || order.time().seconds() > as_of) {
      return false;
    }
    if (!MoneyOk(order.amount())) return false;
  }
  const auto& rfm = behavior.rfm();
  if (rfm.has_days_since_last_order() && rfm.days_since_last_order() > 36500) return false;
  if (rfm.has_order_count() && rfm.order_count() > 10000000) return false;
  if (rfm.has_total_spend() && !MoneyOk(rfm.total_spend())) return false;
  if (!TagListOk(behavior.preferred_brands(), limits.max_tags) ||
      !TagListOk(behavior.channels(), limits.max_tags)) {
    return false;
  }

  const auto& psychographics = customer.psychographics();
  const auto& interests = psychographics.interests();
  if (static_cast<size_t>(interests.size()) > limits.max_tags) return false;
  if (interests.size() > kMaxPairwiseDuplicates) return false;
  for (auto it = interests.begin(); it != interests.end(); ++it) {
    const std::string& tag = it->first;
    if (sdk::TrimAsciiWhitespace(tag).empty() || !TextOk(tag, kMaxTagBytes)) return false;
    if (!UnitOk(true, it->second)) return false;
    for (auto other = interests.begin(); other != it; ++other) {
      if (SameNormalizedTag(other->first, tag)) return false;
    }
  }
  if (!TagListOk(psychographics.values(), limits.max_tags) ||
      !TagListOk(psychographics.lifestyle(), limits.max_tags) ||
      !TagListOk(psychographics.preferred_channels(), limits.max_tags)) {
    return false;
  }
  const auto& personality = psychographics.personality();
  if (!UnitOk(personality.has_openness(), personality.openness()) ||
      !UnitOk(personality.has_conscientiousness(), personality.conscientiousness()) ||
      !UnitOk(personality.has_extraversion(), personality.extraversion()) ||
      !UnitOk(personality.has_agreeableness(), personality.agreeableness()) ||
      !UnitOk(personality.has_neuroticism(), personality.neuroticism())) {
    return false;
  }

  if (static_cast<size_t>(customer.attributes_size()) > limits.max_attributes) return false;
  for (const auto& [key, value] : customer.attributes()) {
    if (key.empty() || !TextOk(key, kMaxTagBytes) || !TextOk(value, kMaxAttributeValueBytes)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<FieldViolation> ValidateScoreRequest(const persona::v1::ScoreCustomerRequest& request,
                                                 int64_t now_unix_seconds,
                                                 const RequestLimits& limits) {
  if (PassesEveryRule(request, now_unix_seconds, limits)) return {};
  // Something is (or may be) wrong: the full pass finds every violation and words it.
  std::vector<FieldViolation> violations;
  Checker check(&violations);

  if (request.top_k() > limits.max_top_k) {
    check.Fail("top_k",
               absl::StrCat("must be at most ", limits.max_top_k, ", got ", request.top_k()));
  }
  if (static_cast<size_t>(request.persona_ids_size()) > limits.max_persona_ids) {
    check.Fail("persona_ids", absl::StrCat("at most ", limits.max_persona_ids, " ids, got ",
                                           request.persona_ids_size()));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < request.persona_ids_size(); ++i) {
      const std::string& id = request.persona_ids(i);
      const std::string path = absl::StrCat("persona_ids[", i, "]");
      if (!IsValidPersonaId(id)) {
        check.Fail(path, absl::StrCat("\"", id.substr(0, 80),
                                      "\" is not a persona id ([a-z0-9][a-z0-9_.-]*, at most 64 "
                                      "bytes)"));
      } else if (!seen.insert(id).second) {
        check.Fail(path, absl::StrCat("duplicate persona id \"", id, "\""));
      }
    }
  }
  int64_t as_of = now_unix_seconds;
  if (request.has_as_of()) {
    const size_t before = violations.size();
    check.Timestamp(request.as_of(), "as_of");
    if (violations.size() == before) as_of = request.as_of().seconds();
  }

  const persona::v1::Customer& customer = request.customer();
  check.Text(customer.customer_id(), "customer.customer_id", kMaxIdBytes);

  const auto& demographics = customer.demographics();
  if (demographics.has_age() && demographics.age() > 130) {
    check.Fail("customer.demographics.age",
               absl::StrCat("must be between 0 and 130, got ", demographics.age()));
  }
  if (!persona::v1::Gender_IsValid(demographics.gender())) {
    check.Fail("customer.demographics.gender",
               absl::StrCat("unknown enum value ", demographics.gender()));
  }
  const auto& location = demographics.location();
  if (!location.country().empty()) {
    const std::string_view country = sdk::TrimAsciiWhitespace(location.country());
    bool alpha2 = country.size() == 2;
    for (char c : country) alpha2 &= (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alpha2) {
      check.Fail("customer.demographics.location.country",
                 absl::StrCat("must be an ISO 3166-1 alpha-2 code such as \"ID\", got \"",
                              location.country().substr(0, 40), "\""));
    }
  }
  check.Text(location.region(), "customer.demographics.location.region", kMaxTextBytes);
  check.Text(location.city(), "customer.demographics.location.city", kMaxTextBytes);
  if (!persona::v1::Urbanicity_IsValid(location.urbanicity())) {
    check.Fail("customer.demographics.location.urbanicity",
               absl::StrCat("unknown enum value ", location.urbanicity()));
  }
  if (!persona::v1::Education_IsValid(demographics.education())) {
    check.Fail("customer.demographics.education",
               absl::StrCat("unknown enum value ", demographics.education()));
  }
  if (demographics.has_annual_income()) {
    check.Money(demographics.annual_income(), "customer.demographics.annual_income");
  }
  check.Text(demographics.occupation(), "customer.demographics.occupation", kMaxTextBytes);
  if (!persona::v1::MaritalStatus_IsValid(demographics.marital_status())) {
    check.Fail("customer.demographics.marital_status",
               absl::StrCat("unknown enum value ", demographics.marital_status()));
  }
  if (demographics.has_household_size() &&
      (demographics.household_size() < 1 || demographics.household_size() > 50)) {
    check.Fail("customer.demographics.household_size",
               absl::StrCat("must be between 1 and 50, got ", demographics.household_size()));
  }

  const auto& behavior = customer.behavior();
  if (static_cast<size_t>(behavior.orders_size()) > limits.max_orders) {
    check.Fail("customer.behavior.orders", absl::StrCat("at most ", limits.max_orders,
                                                        " orders, got ", behavior.orders_size()));
  } else {
    absl::flat_hash_set<std::string_view> order_ids;
    for (int i = 0; i < behavior.orders_size(); ++i) {
      const auto& order = behavior.orders(i);
      const std::string path = absl::StrCat("customer.behavior.orders[", i, "]");
      check.Text(order.order_id(), path + ".order_id", kMaxIdBytes, /*required=*/true);
      if (!order.order_id().empty() && !order_ids.insert(order.order_id()).second) {
        check.Fail(path + ".order_id",
                   absl::StrCat("duplicate order id \"", order.order_id().substr(0, 80), "\""));
      }
      if (!order.has_time()) {
        check.Fail(path + ".time", "is required");
      } else {
        const size_t before = violations.size();
        check.Timestamp(order.time(), path + ".time");
        if (violations.size() == before && order.time().seconds() > as_of) {
          check.Fail(path + ".time",
                     absl::StrCat("is after as_of (", order.time().seconds() - as_of,
                                  " s in the future): orders cannot come from the future"));
        }
      }
      check.Money(order.amount(), path + ".amount");
    }
  }
  const auto& rfm = behavior.rfm();
  if (rfm.has_days_since_last_order() && rfm.days_since_last_order() > 36500) {
    check.Fail("customer.behavior.rfm.days_since_last_order",
               absl::StrCat("must be at most 36500, got ", rfm.days_since_last_order()));
  }
  if (rfm.has_order_count() && rfm.order_count() > 10000000) {
    check.Fail("customer.behavior.rfm.order_count",
               absl::StrCat("must be at most 10000000, got ", rfm.order_count()));
  }
  if (rfm.has_total_spend()) check.Money(rfm.total_spend(), "customer.behavior.rfm.total_spend");
  check.TagList(behavior.preferred_brands(), "customer.behavior.preferred_brands", limits.max_tags);
  check.TagList(behavior.channels(), "customer.behavior.channels", limits.max_tags);

  const auto& psychographics = customer.psychographics();
  if (static_cast<size_t>(psychographics.interests_size()) > limits.max_tags) {
    check.Fail("customer.psychographics.interests",
               absl::StrCat("at most ", limits.max_tags, " interests, got ",
                            psychographics.interests_size()));
  } else {
    // Sorted, so the same request always reports the same violations in the same order.
    std::vector<std::pair<std::string, double>> interests(psychographics.interests().begin(),
                                                          psychographics.interests().end());
    std::sort(interests.begin(), interests.end());
    absl::flat_hash_set<std::string> normalized;
    for (const auto& [tag, strength] : interests) {
      const std::string path =
          absl::StrCat("customer.psychographics.interests[\"", tag.substr(0, kMaxTagBytes), "\"]");
      if (sdk::TrimAsciiWhitespace(tag).empty()) {
        check.Fail(path, "tag must not be empty");
        continue;
      }
      check.Text(tag, path, kMaxTagBytes);
      check.Unit(true, strength, path);
      if (!normalized.insert(sdk::NormalizeTag(tag)).second) {
        check.Fail(path, absl::StrCat("duplicates another tag once case and surrounding "
                                      "whitespace are ignored (\"",
                                      sdk::NormalizeTag(tag), "\")"));
      }
    }
  }
  check.TagList(psychographics.values(), "customer.psychographics.values", limits.max_tags);
  check.TagList(psychographics.lifestyle(), "customer.psychographics.lifestyle", limits.max_tags);
  check.TagList(psychographics.preferred_channels(), "customer.psychographics.preferred_channels",
                limits.max_tags);
  const auto& personality = psychographics.personality();
  const std::string p = "customer.psychographics.personality.";
  check.Unit(personality.has_openness(), personality.openness(), p + "openness");
  check.Unit(personality.has_conscientiousness(), personality.conscientiousness(),
             p + "conscientiousness");
  check.Unit(personality.has_extraversion(), personality.extraversion(), p + "extraversion");
  check.Unit(personality.has_agreeableness(), personality.agreeableness(), p + "agreeableness");
  check.Unit(personality.has_neuroticism(), personality.neuroticism(), p + "neuroticism");

  if (static_cast<size_t>(customer.attributes_size()) > limits.max_attributes) {
    check.Fail("customer.attributes",
               absl::StrCat("at most ", limits.max_attributes, " attributes, got ",
                            customer.attributes_size()));
  } else {
    std::vector<std::pair<std::string, std::string>> attributes(customer.attributes().begin(),
                                                                customer.attributes().end());
    std::sort(attributes.begin(), attributes.end());
    for (const auto& [key, value] : attributes) {
      const std::string path =
          absl::StrCat("customer.attributes[\"", key.substr(0, kMaxTagBytes), "\"]");
      if (key.empty()) check.Fail(path, "key must not be empty");
      check.Text(key, path, kMaxTagBytes);
      check.Text(value, path, kMaxAttributeValueBytes);
    }
  }
  return violations;
}

}  // namespace persona
