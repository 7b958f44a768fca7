#pragma once

#include <persona/segmenter_abi.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

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

// One generated customer in the shape the server hands to plugins: every field optional,
// tag lists normalised (lowercase, sorted, unique), orders sorted by time, attributes sorted
// by key, free-text demographics in mixed case. Owns its strings; view() borrows them.
class GeneratedCustomer {
 public:
  GeneratedCustomer() = default;
  GeneratedCustomer(const GeneratedCustomer&) = delete;
  GeneratedCustomer& operator=(const GeneratedCustomer&) = delete;

  const PersonaCustomer& view() const { return view_; }

 private:
  friend class CustomerFactory;

  PersonaString Keep(std::string text);

  std::deque<std::string> strings_;  // a deque: element addresses survive growth
  std::vector<PersonaOrder> orders_;
  std::vector<PersonaTagStrength> interests_;
  std::vector<PersonaString> brands_, channels_, values_, lifestyle_, preferred_channels_;
  std::vector<PersonaKeyValue> attributes_;
  PersonaCustomer view_{};
};

// Seeded and deterministic: the same options give the same customers on every run of the
// same binary. The first customer has no data at all and the second sits on every upper
// bound the host allows; the rest are random but realistic, with some malformed attribute
// values (a plugin must treat those as missing, not crash).
std::vector<std::unique_ptr<GeneratedCustomer>> GenerateCustomers(const GeneratorOptions& options);

}  // namespace plugin_check
}  // namespace persona
