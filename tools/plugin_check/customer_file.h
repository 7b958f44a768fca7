#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "persona/v1/customer.pb.h"

namespace persona {
namespace plugin_check {

struct CustomerLine {
  int64_t line = 0;  // 1-based
  persona::v1::Customer customer;
};

// Reads a JSON Lines file of persona.v1.Customer (--customers): one object per non-blank
// line, parsed with protobuf's JSON parser. Unknown fields are errors, as in the server's
// API: a misspelt field must not silently become "not given". Errors name the file and line.
absl::StatusOr<std::vector<CustomerLine>> ReadCustomerFile(const std::string& path);

}  // namespace plugin_check
}  // namespace persona
