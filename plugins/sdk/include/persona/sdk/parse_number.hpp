// Numbers from text: customer attributes are strings, and a plugin that reads a number from
// one must treat anything that is not exactly a finite number as missing data.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <persona/sdk/strings.hpp>
#include <string_view>
#include <system_error>

namespace persona {
namespace sdk {

// Parses a whole attribute value as a finite decimal number ("250", " 1.2e7 "); false for
// anything else, including an empty string. Allocation-free and locale-independent where
// the standard library has floating-point std::from_chars.
inline bool ParseNumber(std::string_view text, double* out) {
  text = TrimAsciiWhitespace(text);
  if (text.empty()) return false;
  double value = 0.0;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes no leading '+'
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
#else
  char buffer[64];
  if (text.size() >= sizeof(buffer)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  char* end = nullptr;
  value = std::strtod(buffer, &end);
  if (end != buffer + text.size()) return false;
#endif
  if (!std::isfinite(value)) return false;
  *out = value;
  return true;
}

}  // namespace sdk
}  // namespace persona
