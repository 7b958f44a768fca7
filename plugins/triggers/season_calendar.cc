#include "season_calendar.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "whole_number.h"

namespace persona {
namespace triggers {
namespace {

using sdk::CivilDate;
using sdk::MonthDay;
using sdk::ParamError;
using sdk::Value;

constexpr const char* kKinds[] = {"yearly", "dates", "monthly", "yearly_range"};
constexpr const char* kKindList = "yearly, dates, monthly, yearly_range";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// The digits of `text` as a number; `text` is 1..4 digits.
int32_t Digits(std::string_view text) {
  int32_t n = 0;
  for (const char c : text) n = n * 10 + (c - '0');
  return n;
}

bool AllDigits(std::string_view text, size_t min, size_t max) {
  if (text.size() < min || text.size() > max) return false;
  return std::all_of(text.begin(), text.end(), IsDigit);
}

// "month.day" ("11.11", "1.2", "29.2" is not: month first). 29 February is allowed.
MonthDay ParseMonthDay(const Value& v) {
  if (v.IsNumber()) {
    v.Fail(
        "must be a string \"month.day\" such as \"11.11\" (as a number, 1.1 and 1.10 "
        "would be the same)");
  }
  const std::string_view text = sdk::TrimAsciiWhitespace(v.String());
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || !AllDigits(text.substr(0, dot), 1, 2) ||
      !AllDigits(text.substr(dot + 1), 1, 2)) {
    v.Fail("must be \"month.day\" such as \"11.11\" or \"1.2\", got " + Quoted(text));
  }
  const MonthDay md{Digits(text.substr(0, dot)), Digits(text.substr(dot + 1))};
  if (md.month < 1 || md.month > 12) {
    v.Fail(std::string(text) + " is not a day of the year: month must be 1..12");
  }
  // A leap year's length: 29.2 is a real day, observed on 28 February in a common year.
  const int32_t length = sdk::DaysInMonth(2000, md.month);
  if (md.day < 1 || md.day > length) {
    v.Fail(std::string(text) + " is not a day of the year: month " + std::to_string(md.month) +
           " has days 1.." + std::to_string(length));
  }
  return md;
}

// "YYYY-MM-DD".
CivilDate ParseDate(const Value& v) {
  const std::string_view text = sdk::TrimAsciiWhitespace(v.String());
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !AllDigits(text.substr(0, 4), 4, 4) || !AllDigits(text.substr(5, 2), 2, 2) ||
      !AllDigits(text.substr(8, 2), 2, 2)) {
    v.Fail("must be \"YYYY-MM-DD\" such as \"2026-03-20\", got " + Quoted(text));
  }
  const CivilDate date{Digits(text.substr(0, 4)), Digits(text.substr(5, 2)),
                       Digits(text.substr(8, 2))};
  if (!sdk::IsValidCivilDate(date)) v.Fail(std::string(text) + " is not a calendar date");
  return date;
}

// A list, or a single string as a one-element list.
std::vector<Value> ListOrOne(const Value& v, const char* what) {
  std::vector<Value> items;
  if (v.IsString()) {
    items.push_back(v);
  } else {
    items = v.List();
  }
  if (items.empty()) v.Fail(std::string("must list at least one ") + what);
  return items;
}

void ParseKind(const Value& v, std::string_view kind, Season* season) {
  if (kind == "yearly") {
    season->kind = SeasonKind::kYearly;
    for (const Value& item : ListOrOne(v, "\"month.day\"")) {
      season->yearly.push_back(ParseMonthDay(item));
    }
  } else if (kind == "dates") {
    season->kind = SeasonKind::kDates;
    for (const Value& item : ListOrOne(v, "\"YYYY-MM-DD\" date")) {
      season->dates.push_back(sdk::DaysFromCivil(ParseDate(item)));
    }
    std::sort(season->dates.begin(), season->dates.end());
  } else if (kind == "monthly") {
    season->kind = SeasonKind::kMonthly;
    v.RejectUnknownKeys({"from_day", "to_day"});
    season->from_day = WholeNumberIn(v.Get("from_day"), 1, 31);
    season->to_day = WholeNumberIn(v.Get("to_day"), 1, 31);
  } else {
    season->kind = SeasonKind::kYearlyRange;
    v.RejectUnknownKeys({"from", "to"});
    season->from = ParseMonthDay(v.Get("from"));
    season->to = ParseMonthDay(v.Get("to"));
  }
}

Season ParseSeason(const Value& v, std::string name) {
  if (!v.IsObject()) v.Fail(std::string("must be an object with one of ") + kKindList);
  v.RejectUnknownKeys({"yearly", "dates", "monthly", "yearly_range", "days_before", "days_after"});
  Season season;
  season.name = std::move(name);
  const char* kind = nullptr;
  for (const char* k : kKinds) {
    if (!v.Find(k)) continue;
    if (kind != nullptr) {
      v.Fail(std::string("has both ") + kind + " and " + k + "; a season has exactly one of " +
             kKindList + " (make two seasons and list both in params)");
    }
    kind = k;
  }
  if (kind == nullptr) v.Fail(std::string("needs one of ") + kKindList);
  ParseKind(v.Get(kind), kind, &season);

  // A monthly season's window is bounded by a month: wider would merge every occurrence.
  const bool monthly = season.kind == SeasonKind::kMonthly;
  const int32_t max_around =
      monthly ? SeasonCalendar::kMaxMonthlyDaysAround : SeasonCalendar::kMaxDaysAround;
  const std::string why = monthly ? " for a monthly season" : "";
  if (std::optional<Value> d = v.Find("days_before")) {
    season.days_before = WholeNumberIn(*d, 0, max_around, why);
  }
  if (std::optional<Value> d = v.Find("days_after")) {
    season.days_after = WholeNumberIn(*d, 0, max_around, why);
  }
  return season;
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' || c == '-'; }

// Whether the occurrence [first, last] (day numbers), widened by the season's window, covers
// `today`.
inline bool Covers(int64_t first, int64_t last, const Season& season, int64_t today) noexcept {
  return first - season.days_before <= today && today <= last + season.days_after;
}

// A monthly range as InMonthlyDayRange reads it (bounds past the month's length mean its last
// day; first > last wraps), widened by the window. Each month's days form one or two
// intervals inside that month; with windows of at most 31 days, the months two either side
// of today's are the furthest that can reach it.
bool MonthlyActive(const Season& season, CivilDate today, int64_t today_days) noexcept {
  const int64_t month_index = static_cast<int64_t>(today.year) * 12 + (today.month - 1);
  for (int64_t k = -2; k <= 2; ++k) {
    const int64_t index = month_index + k;
    const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
    const int32_t month = static_cast<int32_t>(index - year * 12) + 1;
    const int32_t length = sdk::DaysInMonth(year, month);
    const int32_t first = std::min(season.from_day, length);
    const int32_t last = std::min(season.to_day, length);
    const int64_t base = sdk::DaysFromCivil(CivilDate{static_cast<int32_t>(year), month, 1}) - 1;
    if (first <= last) {
      if (Covers(base + first, base + last, season, today_days)) return true;
    } else if (Covers(base + 1, base + last, season, today_days) ||
               Covers(base + first, base + length, season, today_days)) {
      return true;
    }
  }
  return false;
}

// A yearly range as InYearlyRange reads it, widened by the window: per year one interval, or
// two when it wraps across the year's end. Windows of at most 366 days reach two years.
bool YearlyRangeActive(const Season& season, CivilDate today, int64_t today_days) noexcept {
  for (int32_t year = today.year - 2; year <= today.year + 2; ++year) {
    const CivilDate from =
        sdk::ObservedAnniversary(CivilDate{0, season.from.month, season.from.day}, year);
    const CivilDate to =
        sdk::ObservedAnniversary(CivilDate{0, season.to.month, season.to.day}, year);
    if (!(to < from)) {
      if (Covers(sdk::DaysFromCivil(from), sdk::DaysFromCivil(to), season, today_days)) {
        return true;
      }
    } else if (Covers(sdk::DaysFromCivil(CivilDate{year, 1, 1}), sdk::DaysFromCivil(to), season,
                      today_days) ||
               Covers(sdk::DaysFromCivil(from), sdk::DaysFromCivil(CivilDate{year, 12, 31}), season,
                      today_days)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsActive(const Season& season, CivilDate today) noexcept {
  const int64_t today_days = sdk::DaysFromCivil(today);
  switch (season.kind) {
    case SeasonKind::kYearly:
      for (const MonthDay& date : season.yearly) {
        if (sdk::InYearlyDateWindow(today, date, season.days_before, season.days_after)) {
          return true;
        }
      }
      return false;
    case SeasonKind::kDates: {
      // The first occurrence whose window has not ended by today, then whether its window
      // has begun.
      const auto it = std::lower_bound(season.dates.begin(), season.dates.end(),
                                       today_days - season.days_after);
      return it != season.dates.end() && *it - season.days_before <= today_days;
    }
    case SeasonKind::kMonthly:
      return MonthlyActive(season, today, today_days);
    case SeasonKind::kYearlyRange:
      return YearlyRangeActive(season, today, today_days);
  }
  return false;
}

SeasonCalendar SeasonCalendar::Parse(const Value& calendars) {
  if (!calendars.IsObject()) {
    calendars.Fail(
        "must be an object of named seasons, e.g. {\"harbolnas\": {\"yearly\": "
        "[\"11.11\", \"12.12\"]}}");
  }
  if (calendars.size() > kMaxSeasons) {
    calendars.Fail("at most " + std::to_string(kMaxSeasons) +
                   " seasons (the active-season label is built without allocating), got " +
                   std::to_string(calendars.size()));
  }
  SeasonCalendar calendar;
  std::vector<std::string> paths;  // parallel to seasons_, for duplicate messages
  calendars.ForEachMember([&](std::string_view key, const Value& v) {
    std::string name = sdk::NormalizeTag(key);
    if (name.empty()) v.Fail("a season name must not be empty");
    if (name.size() > kMaxNameLength) {
      v.Fail("a season name has at most " + std::to_string(kMaxNameLength) + " characters");
    }
    if (!std::all_of(name.begin(), name.end(), IsNameChar)) {
      v.Fail("season name " + Quoted(name) + " may hold only letters, digits, '_' and '-'");
    }
    for (size_t i = 0; i < calendar.seasons_.size(); ++i) {
      if (calendar.seasons_[i].name == name) {
        v.Fail("same season name as " + paths[i] + " after trimming and lowercasing");
      }
    }
    calendar.seasons_.push_back(ParseSeason(v, std::move(name)));
    paths.push_back(v.path());
  });
  std::sort(calendar.seasons_.begin(), calendar.seasons_.end(),
            [](const Season& a, const Season& b) { return a.name < b.name; });
  return calendar;
}

std::optional<size_t> SeasonCalendar::Find(std::string_view name) const {
  for (size_t i = 0; i < seasons_.size(); ++i) {
    if (seasons_[i].name == name) return i;
  }
  return std::nullopt;
}

std::string SeasonCalendar::NameList() const {
  return NameList(seasons_.size() >= 32 ? ~uint32_t{0} : (uint32_t{1} << seasons_.size()) - 1);
}

std::string SeasonCalendar::NameList(uint32_t mask) const {
  std::string out;
  for (size_t i = 0; i < seasons_.size(); ++i) {
    if ((mask & (uint32_t{1} << i)) != 0) out += (out.empty() ? "" : ", ") + seasons_[i].name;
  }
  return out;
}

uint32_t SeasonCalendar::ActiveMask(CivilDate today) const noexcept {
  uint32_t mask = 0;
  for (size_t i = 0; i < seasons_.size(); ++i) {
    if (IsActive(seasons_[i], today)) mask |= uint32_t{1} << i;
  }
  return mask;
}

size_t SeasonCalendar::FormatNames(uint32_t mask, std::string_view separator,
                                   std::string_view none_text, char* buffer,
                                   size_t capacity) const noexcept {
  if (capacity == 0) return 0;
  size_t length = 0;
  const auto append = [&](std::string_view text) {
    const size_t n = std::min(text.size(), capacity - 1 - length);
    std::memcpy(buffer + length, text.data(), n);
    length += n;
  };
  if (mask == 0) {
    append(none_text);
  } else {
    bool first = true;
    for (size_t i = 0; i < seasons_.size(); ++i) {
      if ((mask & (uint32_t{1} << i)) == 0) continue;
      if (!first) append(separator);
      append(seasons_[i].name);
      first = false;
    }
  }
  buffer[length] = '\0';
  return length;
}

}  // namespace triggers
}  // namespace persona
