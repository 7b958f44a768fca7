// Strings across the ABI: every string is a PersonaString (pointer + length, not
// NUL-terminated, borrowed). View/Borrow convert to and from std::string_view without
// copying; the ASCII helpers compare and normalise without allocating (except NormalizeTag,
// which is for compile time).
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace persona {
namespace sdk {

// A view of a borrowed ABI string; valid as long as the string it came from.
inline std::string_view View(PersonaString s) {
  return s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}

// An ABI string borrowing `s`: the callee must not keep it past the call.
inline PersonaString Borrow(std::string_view s) { return PersonaString{s.data(), s.size()}; }

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline std::string_view TrimAsciiWhitespace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Case-insensitive (ASCII) comparison; allocation-free, for the hot path.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Lowercased, trimmed copy: normalise catalog tags once at compile time.
inline std::string NormalizeTag(std::string_view s) {
  s = TrimAsciiWhitespace(s);
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

}  // namespace sdk
}  // namespace persona
