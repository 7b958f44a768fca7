// Reading the customer a score call receives. PersonaCustomer is a borrowed, host-normalised
// view (see segmenter_abi.h for what the host guarantees). The ABI 1.0 fields are read
// directly; the helpers here cover the free-form `attributes` map and every field ABI 1.2
// appended. Those exist only when the host's struct is large enough (struct_size): every
// 1.2 accessor checks PERSONA_CUSTOMER_HAS first and reads a smaller struct as "absent"
// (empty, nullopt, false), never past its end. Allocation-free and exception-free: for the
// hot path.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/sdk/civil_date.hpp>
#include <persona/sdk/customer_records.hpp>
#include <persona/sdk/strings.hpp>
#include <string_view>

namespace persona {
namespace sdk {

// The value of customer attribute `key`, if the customer has it. Attributes arrive sorted by
// key bytes, so this is a binary search: allocation-free, for the hot path.
inline std::optional<std::string_view> FindAttribute(const PersonaCustomer& customer,
                                                     std::string_view key) {
  const PersonaKeyValue* first = customer.attributes;
  const PersonaKeyValue* last = customer.attributes + customer.attribute_count;
  const PersonaKeyValue* it = std::lower_bound(
      first, last, key,
      [](const PersonaKeyValue& kv, std::string_view k) { return View(kv.key) < k; });
  if (it == last || View(it->key) != key) return std::nullopt;
  return View(it->value);
}

// Whether a sorted, unique tag list (as every PersonaStringList arrives) holds `tag`. Pass
// the tag normalised (NormalizeTag at compile time): a binary search, no case folding.
inline bool ContainsTag(PersonaStringList list, std::string_view tag) {
  if (list.items == nullptr) return false;
  const PersonaString* first = list.items;
  const PersonaString* last = list.items + list.count;
  const PersonaString* it = std::lower_bound(
      first, last, tag, [](const PersonaString& s, std::string_view t) { return View(s) < t; });
  return it != last && View(*it) == tag;
}

// --- ABI 1.2 ------------------------------------------------------------------------------

// The details of orders[order_index] (same index as customer.orders), or nullopt when the
// host sent none (an older host) or the index is out of range.
inline std::optional<OrderDetail> FindOrderDetail(const PersonaCustomer& customer,
                                                  size_t order_index) {
  if (!PERSONA_CUSTOMER_HAS(&customer, order_details)) return std::nullopt;
  if (customer.order_details == nullptr || order_index >= customer.order_count) {
    return std::nullopt;
  }
  return OrderDetail(customer.order_details[order_index]);
}

// Events, oldest first; empty when none were sent.
inline Events EventsOf(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, event_count)) return Events();
  return Events(customer.events, customer.event_count);
}

inline std::optional<double> Nps(const PersonaCustomer& customer) {  // 0..10
  if (!PERSONA_CUSTOMER_HAS(&customer, nps)) return std::nullopt;
  return Optional(customer.nps);
}

inline std::optional<double> Csat(const PersonaCustomer& customer) {  // 1..5
  if (!PERSONA_CUSTOMER_HAS(&customer, csat)) return std::nullopt;
  return Optional(customer.csat);
}

// Platforms, sorted by name.
inline Platforms PlatformsOf(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, platform_count)) return Platforms();
  return Platforms(customer.platforms, customer.platform_count);
}

// Platform `name` (normalised: lowercase, trimmed), by binary search over the sorted names.
inline std::optional<Platform> FindPlatform(const PersonaCustomer& customer,
                                            std::string_view name) {
  if (!PERSONA_CUSTOMER_HAS(&customer, platform_count) || customer.platforms == nullptr) {
    return std::nullopt;
  }
  const PersonaPlatform* first = customer.platforms;
  const PersonaPlatform* last = first + customer.platform_count;
  const PersonaPlatform* it = std::lower_bound(
      first, last, name,
      [](const PersonaPlatform& p, std::string_view n) { return View(p.name) < n; });
  if (it == last || View(it->name) != name) return std::nullopt;
  return Platform(*it);
}

// "mobile", "desktop" or "tablet"; empty when not given.
inline std::string_view PrimaryDevice(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, primary_device)) return std::string_view();
  return View(customer.primary_device);
}

// The channels the customer agreed to be contacted on, sorted and unique.
inline PersonaStringList ContactOptIns(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, contact_opt_ins)) return PersonaStringList{nullptr, 0};
  return customer.contact_opt_ins;
}

// Whether the customer opted in to `channel` ("whatsapp"; normalised: lowercase, trimmed).
inline bool HasOptIn(const PersonaCustomer& customer, std::string_view channel) {
  return ContainsTag(ContactOptIns(customer), channel);
}

// Life events, oldest first.
inline LifeEvents LifeEventsOf(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, life_event_count)) return LifeEvents();
  return LifeEvents(customer.life_events, customer.life_event_count);
}

inline std::optional<int64_t> SignupTime(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, signup_time)) return std::nullopt;
  return Optional(customer.signup_time);
}

// year 0 = the customer gave a birthday without a year: fine for birthdays
// (DaysUntilNextAnniversary ignores the year), not for ages.
inline std::optional<CivilDate> BirthDate(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, birth_date)) return std::nullopt;
  return Optional(customer.birth_date);
}

// The customer's IANA time zone as sent; empty when not given.
inline std::string_view TimeZone(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, time_zone)) return std::string_view();
  return View(customer.time_zone);
}

// The UTC offset in force at as_of in the customer's time zone; nullopt when the customer
// gave none (then the segmenter's configured default applies, else UTC: UtcOffsetOr).
inline std::optional<int32_t> UtcOffsetSeconds(const PersonaCustomer& customer) {
  if (!PERSONA_CUSTOMER_HAS(&customer, utc_offset_seconds)) return std::nullopt;
  if (customer.time_zone.size == 0) return std::nullopt;
  return customer.utc_offset_seconds;
}

// The offset to compute the customer's local dates with: theirs, else `default_seconds` (the
// segmenter's configured default; 0 = UTC).
inline int32_t UtcOffsetOr(const PersonaCustomer& customer, int32_t default_seconds) {
  return UtcOffsetSeconds(customer).value_or(default_seconds);
}

// The customer's local date at `unix_seconds` (as_of: "today"), by UtcOffsetOr.
inline CivilDate CustomerLocalDate(const PersonaCustomer& customer, int64_t unix_seconds,
                                   int32_t default_offset_seconds = 0) {
  return LocalDate(unix_seconds, UtcOffsetOr(customer, default_offset_seconds));
}

}  // namespace sdk
}  // namespace persona
