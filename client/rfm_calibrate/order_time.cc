#include "order_time.h"

#include <charconv>
#include <cstdio>

namespace persona {
namespace rfm_calibrate {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// 9999-12-31T23:59:59Z and 0001-01-01T00:00:00Z: the range of google.protobuf.Timestamp,
// which is what the server accepts for an order time.
constexpr int64_t kMaxUnixSeconds = 253402300799;
constexpr int64_t kMinUnixSeconds = -62135596800;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The inverse (civil_from_days).
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text that reads fixed-width digit groups.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Done() const { return i_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[i_]; }
  void Skip() { ++i_; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  bool Digits(int width, int* out) {
    int v = 0;
    for (int k = 0; k < width; ++k) {
      if (!IsDigit(Peek())) return false;
      v = v * 10 + (s_[i_] - '0');
      ++i_;
    }
    *out = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool Fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

bool ParseEpoch(std::string_view text, int64_t* out, std::string* error) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v > kMaxUnixSeconds || v < kMinUnixSeconds) {
    return Fail(error,
                "epoch seconds out of range (after 9999-12-31 or before 0001-01-01; "
                "milliseconds are not accepted)");
  }
  *out = v;
  return true;
}

}  // namespace

bool ParseTime(std::string_view text, int64_t* unix_seconds, std::string* error) {
  if (text.empty()) return Fail(error, "empty time");
  const bool digits_only =
      text.find_first_not_of("0123456789", text[0] == '-' ? 1 : 0) == std::string_view::npos &&
      text != "-";
  // Eight digits would also read as a basic-format date (20260301); ISO basic format is not
  // accepted, so all-digits is always epoch seconds.
  if (digits_only) return ParseEpoch(text, unix_seconds, error);

  // A char array, not a std::string: this runs once per CSV row and must not allocate
  // unless the row is bad.
  static constexpr char kExpected[] =
      " (expected ISO-8601 like 2026-03-01T12:00:00Z, 2026-03-01T19:00:00+07:00, a date "
      "2026-03-01, or integer epoch seconds)";
  Cursor c(text);
  int year = 0, month = 0, day = 0;
  if (!c.Digits(4, &year) || !c.Consume('-') || !c.Digits(2, &month) || !c.Consume('-') ||
      !c.Digits(2, &day)) {
    return Fail(error, std::string("not a date or time") + kExpected);
  }
  if (year < 1) return Fail(error, "year must be 0001..9999");
  if (month < 1 || month > 12)
    return Fail(error, "month " + std::to_string(month) + " is not 1..12");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Fail(error, "day " + std::to_string(day) + " does not exist in " +
                           std::string(text.substr(0, 7)));
  }
  int hour = 0, minute = 0, second = 0;
  int offset_seconds = 0;
  if (!c.Done()) {
    if (!(c.Consume('T') || c.Consume('t') || c.Consume(' '))) {
      return Fail(error, std::string("unexpected text after the date") + kExpected);
    }
    if (!c.Digits(2, &hour) || !c.Consume(':') || !c.Digits(2, &minute)) {
      return Fail(error, std::string("time of day must be HH:MM[:SS]") + kExpected);
    }
    if (c.Consume(':')) {
      if (!c.Digits(2, &second)) return Fail(error, "seconds must be two digits");
      if (c.Consume('.') || c.Consume(',')) {
        if (!IsDigit(c.Peek())) return Fail(error, "fraction of a second needs digits");
        while (IsDigit(c.Peek())) c.Skip();
      }
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return Fail(error, "time of day out of range (00:00:00..23:59:59)");
    }
    if (c.Consume('Z') || c.Consume('z')) {
      // UTC
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      const int sign = c.Peek() == '-' ? -1 : 1;
      c.Skip();
      int oh = 0, om = 0;
      if (!c.Digits(2, &oh)) return Fail(error, "offset must be +HH:MM, +HHMM or +HH");
      if (c.Consume(':')) {
        if (!c.Digits(2, &om)) return Fail(error, "offset must be +HH:MM, +HHMM or +HH");
      } else if (IsDigit(c.Peek()) && !c.Digits(2, &om)) {
        return Fail(error, "offset must be +HH:MM, +HHMM or +HH");
      }
      if (oh > 23 || om > 59) return Fail(error, "offset out of range");
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (!c.Done()) return Fail(error, std::string("unexpected text after the time") + kExpected);
  }
  // Local time minus its offset is UTC: 19:00+07:00 is 12:00Z.
  *unix_seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 +
                  second - offset_seconds;
  return true;
}

std::string FormatTime(int64_t unix_seconds) {
  int64_t days = unix_seconds / kSecondsPerDay;
  int64_t rest = unix_seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                d, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buf;
}

}  // namespace rfm_calibrate
}  // namespace persona
