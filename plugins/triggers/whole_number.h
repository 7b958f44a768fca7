// Day counts in config and params are whole numbers: "within_days": 14.5 is a mistake to
// report, not a number to round.
#pragma once

#include <cmath>
#include <cstdint>
#include <persona/segmenter.hpp>
#include <string>

namespace persona {
namespace triggers {

// `value` as a whole number in [lo, hi]; a ParamError naming its path otherwise. `why` (may
// be empty) is appended to the message to explain a bound.
inline int32_t WholeNumberIn(const sdk::Value& value, int32_t lo, int32_t hi,
                             const std::string& why = "") {
  const double x = value.Number();
  if (!(x >= lo && x <= hi) || x != std::floor(x)) {
    value.Fail("must be a whole number between " + std::to_string(lo) + " and " +
               std::to_string(hi) + why + ", got " + sdk::Value::FormatNumber(x));
  }
  return static_cast<int32_t>(x);
}

}  // namespace triggers
}  // namespace persona
