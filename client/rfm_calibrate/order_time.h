// Order times as rfm-calibrate reads and prints them. Standard library only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace persona {
namespace rfm_calibrate {

// Parses an order time into Unix seconds. Accepted forms:
//   2026-03-01T12:00:00Z        ISO-8601 date-time; 't' or ' ' may replace 'T', 'z' 'Z'
//   2026-03-01T12:00:00.250Z    fractional seconds are dropped (rounded down)
//   2026-03-01T19:00:00+07:00   offsets +HH:MM, +HHMM or +HH (also -)
//   2026-03-01T12:00            seconds optional
//   2026-03-01T12:00:00         no offset: read as UTC
//   2026-03-01                  date only: midnight UTC
//   1772366400                  integer Unix seconds (optionally negative)
// Years 0001..9999. An all-digits value larger than the Unix seconds of 9999-12-31 is
// rejected: it is most likely milliseconds. On failure returns false and, when `error` is
// not null, says why.
bool ParseTime(std::string_view text, int64_t* unix_seconds, std::string* error);

// "2026-03-01T12:00:00Z".
std::string FormatTime(int64_t unix_seconds);

}  // namespace rfm_calibrate
}  // namespace persona
