#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "persona/v1/customer.pb.h"

namespace persona {

// One persona.v1.Customer as a single line of JSON in the .proto's field names (what the
// protobuf JSON parser reads back), reproducibly: fields in .proto order, map keys sorted,
// unset fields left out, numbers in their shortest exact form. No trailing newline.
std::string CustomerToJson(const persona::v1::Customer& customer);

// Parses one JSON object into `customer` with protobuf's JSON parser; unknown fields are
// errors (a misspelt field must not silently become "not given").
absl::Status CustomerFromJson(std::string_view json, persona::v1::Customer* customer);

}  // namespace persona
