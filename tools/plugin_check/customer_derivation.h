#pragma once

#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "persona/v1/customer.pb.h"
#include "tools/plugin_check/params_doc.h"

namespace persona {
namespace plugin_check {

// Customers built from what a plugin says about itself, for a plugin no generated customer
// reached: the attribute keys and customer fields its params_doc and the params being
// checked name, each set in turn to a spread of values (the params' own words and numbers
// and their neighbours, round numbers, and malformed text).
struct DerivedCustomers {
  std::vector<std::string> attributes;  // keys set on every derived customer
  std::vector<std::string> fields;      // persona.v1.Customer fields set, by their names
  std::vector<std::string> values;      // the spread, in the order each key takes it
  std::vector<persona::v1::Customer> customers;
};

// Derived customer j starts from bases[j % bases.size()] (its attributes replaced) and sets
// attribute k to values[(j + k) % values.size()], so every key takes every value. No
// customers when nothing names a key or field.
DerivedCustomers DeriveCustomers(const ParamsDoc& doc,
                                 const std::vector<google::protobuf::Struct>& samples,
                                 const std::vector<const persona::v1::Customer*>& bases);

}  // namespace plugin_check
}  // namespace persona
