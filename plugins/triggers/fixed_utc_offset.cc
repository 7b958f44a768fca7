#include "fixed_utc_offset.h"

#include <cstdio>
#include <string>

namespace persona {
namespace triggers {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

int32_t ParseFixedUtcOffset(const sdk::Value& value) {
  const std::string_view text = sdk::TrimAsciiWhitespace(value.String());
  std::string_view rest = text;
  const bool utc_prefix = rest.size() >= 3 && sdk::EqualsIgnoreCase(rest.substr(0, 3), "UTC");
  if (utc_prefix) rest.remove_prefix(3);
  if (utc_prefix && rest.empty()) return 0;

  const auto bad_form = [&]() {
    value.Fail(Quoted(text) +
               " is not \"UTC\" or a fixed UTC offset such as \"+07:00\", \"-05:30\", \"UTC+7\"");
  };
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) {
    // A name is what an operator used to zone names will write first; say why it cannot work
    // here rather than that the text is malformed.
    if (!utc_prefix && !text.empty() && IsAsciiLetter(text[0])) {
      value.Fail(Quoted(text) +
                 " is a time-zone name; plugins have no time-zone database, give the fixed "
                 "offset, e.g. \"+07:00\" (customers' own location.time_zone is resolved by the "
                 "server)");
    }
    bad_form();
  }
  const int sign = rest[0] == '-' ? -1 : 1;
  rest.remove_prefix(1);

  // [H]H, [H]H:MM or HHMM.
  size_t digits = 0;
  while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
  int hours = 0;
  int minutes = 0;
  if (digits == rest.size() && (digits == 1 || digits == 2)) {
    hours = std::stoi(std::string(rest));
  } else if (digits == rest.size() && digits == 4) {
    hours = std::stoi(std::string(rest.substr(0, 2)));
    minutes = std::stoi(std::string(rest.substr(2, 2)));
  } else if ((digits == 1 || digits == 2) && rest.size() == digits + 3 && rest[digits] == ':' &&
             IsDigit(rest[digits + 1]) && IsDigit(rest[digits + 2])) {
    hours = std::stoi(std::string(rest.substr(0, digits)));
    minutes = std::stoi(std::string(rest.substr(digits + 1, 2)));
  } else {
    bad_form();
  }
  if (minutes > 59) value.Fail(Quoted(text) + ": minutes must be 00..59");
  const int32_t seconds = hours * 3600 + minutes * 60;
  if (seconds > kMaxUtcOffsetSeconds) {
    value.Fail(Quoted(text) + " is more than 14:00 away from UTC (offsets run -14:00..+14:00)");
  }
  return sign * seconds;
}

}  // namespace triggers
}  // namespace persona
