#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persona/v1/customer.pb.h"

namespace persona {
namespace plugin_check {

// An attribute the generator should also emit, for plugins that read their own keys
// (--attribute_values=key=v1|v2|v3).
struct AttributeSpec {
  std::string key;
  std::vector<std::string> values;
};

struct GeneratorOptions {
  uint64_t seed = 1;
  size_t count = 400;
  int64_t as_of_unix_seconds = 0;
  std::vector<AttributeSpec> extra_attributes;
};

// Seeded and deterministic: the same options give the same customers on every run. The
// first customer has no data at all and the second sits on every upper bound the server
// accepts; the rest come from the client's synthetic generator (client/synthetic: the same
// archetypes and vocabulary `persona-cli generate` uses), with what a plugin must also cope
// with added on top: order lists inside the three years before as_of whose orders carry
// lines (category, brand, quantity, price), a channel, discounts and vouchers; events with
// device and properties in the 90 days before as_of; life events; platforms' last_seen;
// birthdays on 29 February; locations without a time zone; mixed-case free text and tags,
// ages and amounts on their bounds, and the --attribute_values keys.
std::vector<persona::v1::Customer> GenerateCustomers(const GeneratorOptions& options);

}  // namespace plugin_check
}  // namespace persona
