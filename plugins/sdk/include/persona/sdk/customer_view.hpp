// Reading the customer a score call receives. PersonaCustomer is a borrowed, host-normalised
// view (see segmenter_abi.h for what the host guarantees); most fields are read directly.
// The helpers here are for the free-form `attributes` map, which arrives sorted by key.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <optional>
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

}  // namespace sdk
}  // namespace persona
