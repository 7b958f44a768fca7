// Unit tests for rfm-calibrate: time parsing, the quintile and tie rules, bad rows, agreement
// with the segmenter, and a million orders in bounded memory. The CSV reader it uses is
// tested with the client's text formats (tests/unit/client/csv_reader_test.cc).
#include "rfm_calibrate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "order_time.h"
#include "rfm_segmenter.h"
#include "test_support.h"

// Tracks live and peak heap bytes in this binary, to prove memory does not grow with the
// number of orders.
namespace {
std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};

void TrackHeap(int64_t delta) {
  const int64_t now = g_live_bytes.fetch_add(delta, std::memory_order_relaxed) + delta;
  int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !g_peak_bytes.compare_exchange_weak(peak, now)) {
  }
}
}  // namespace

// Every replaceable allocation form goes through the same two functions, so that each
// pointer is freed by the family that allocated it (ASan checks the pairing).
// GCC 12 pairs the replaced operator delete's free() with the replaced operator new's
// malloc() across inlining and warns of a mismatch that is not there (both are replaced
// together, below); the warning is a known false positive for this pattern.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  TrackHeap(static_cast<int64_t>(malloc_usable_size(p)));
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  TrackHeap(-static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return operator new(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace persona {
namespace rfm_calibrate {
namespace {

using rfm::testing::kAsOf;
using rfm::testing::kDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------

struct TimeCase {
  const char* text;
  int64_t unix_seconds;
};

// "3_2026_03_01T19_00_00_07_00": index first (unique), then the text made identifier-safe.
template <typename Case>
std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (const char* p = info.param.text; *p != '\0'; ++p) {
    const bool alnum =
        (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
    name += alnum ? *p : '_';
  }
  return name;
}

void PrintTo(const TimeCase& c, std::ostream* os) { *os << c.text; }

class ParseTimeTest : public ::testing::TestWithParam<TimeCase> {};

TEST_P(ParseTimeTest, Parses) {
  int64_t t = 0;
  std::string error;
  ASSERT_TRUE(ParseTime(GetParam().text, &t, &error)) << GetParam().text << ": " << error;
  EXPECT_EQ(t, GetParam().unix_seconds) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseTimeTest,
    ::testing::Values(
        TimeCase{"2026-03-01T12:00:00Z", kAsOf}, TimeCase{"2026-03-01t12:00:00z", kAsOf},
        TimeCase{"2026-03-01 12:00:00Z", kAsOf}, TimeCase{"2026-03-01T12:00:00.999Z", kAsOf},
        TimeCase{"2026-03-01T12:00:00,5Z", kAsOf}, TimeCase{"2026-03-01T19:00:00+07:00", kAsOf},
        TimeCase{"2026-03-01T19:00:00+0700", kAsOf}, TimeCase{"2026-03-01T19:00+07", kAsOf},
        TimeCase{"2026-03-01T06:30:00-05:30", kAsOf}, TimeCase{"2026-03-02T01:00:00+13:00", kAsOf},
        TimeCase{"2026-03-01T12:00:00", kAsOf}, TimeCase{"2026-03-01T12:00", kAsOf},
        TimeCase{"2026-03-01", kAsOf - 12 * 3600}, TimeCase{"2024-02-29T05:00:00Z", 1709182800},
        TimeCase{"1970-01-01", 0}, TimeCase{"1772366400", kAsOf}, TimeCase{"0", 0},
        TimeCase{"-86400", -86400}, TimeCase{"0001-01-01", -62135596800},
        TimeCase{"9999-12-31T23:59:59Z", 253402300799}),
    CaseName<TimeCase>);

struct BadTimeCase {
  const char* text;
  const char* error;
};

void PrintTo(const BadTimeCase& c, std::ostream* os) { *os << c.text; }

class ParseTimeErrorTest : public ::testing::TestWithParam<BadTimeCase> {};

TEST_P(ParseTimeErrorTest, Rejects) {
  int64_t t = 0;
  std::string error;
  EXPECT_FALSE(ParseTime(GetParam().text, &t, &error)) << GetParam().text;
  EXPECT_THAT(error, HasSubstr(GetParam().error)) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseTimeErrorTest,
    ::testing::Values(BadTimeCase{"", "empty time"},
                      BadTimeCase{"2026-02-29", "day 29 does not exist in 2026-02"},
                      BadTimeCase{"2026-04-31T00:00:00Z", "day 31 does not exist in 2026-04"},
                      BadTimeCase{"2026-13-01", "month 13 is not 1..12"},
                      BadTimeCase{"2026-03-01T24:00:00Z", "time of day out of range"},
                      BadTimeCase{"2026-03-01T12", "time of day must be HH:MM[:SS]"},
                      BadTimeCase{"2026-03-01T12:00:00Zjunk", "unexpected text after the time"},
                      BadTimeCase{"2026-03-01T12:00:00+25:00", "offset out of range"},
                      BadTimeCase{"2026-03-01X", "unexpected text after the date"},
                      BadTimeCase{"yesterday", "not a date or time (expected ISO-8601"},
                      BadTimeCase{"12.5", "not a date or time"},
                      BadTimeCase{"-", "not a date or time"},
                      BadTimeCase{"1772366400000", "milliseconds are not accepted"},
                      BadTimeCase{"99999999999999999999", "epoch seconds out of range"}),
    CaseName<BadTimeCase>);

TEST(FormatTimeTest, RoundTrips) {
  EXPECT_EQ(FormatTime(kAsOf), "2026-03-01T12:00:00Z");
  EXPECT_EQ(FormatTime(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTime(1709182800), "2024-02-29T05:00:00Z");
  for (int64_t t = -100 * 365 * kDay; t < 100 * 365 * kDay; t += 7 * kDay + 3671) {
    int64_t back = 0;
    ASSERT_TRUE(ParseTime(FormatTime(t), &back, nullptr)) << t;
    ASSERT_EQ(back, t);
  }
}

// ---------------------------------------------------------------------------------------
// The quintile step and its tie policy
// ---------------------------------------------------------------------------------------

struct Values {
  DimensionResult dim;
  std::vector<std::string> warnings;
  std::vector<CalibrationError> errors;
};

Values RunValues(std::vector<double> v, bool recency = false, const char* name = "frequency") {
  Values out;
  out.dim = CalibrateValues(name, std::move(v), recency, &out.warnings, &out.errors);
  return out;
}

TEST(CalibrateValuesTest, DistinctValuesGiveFifthsExactly) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(101 - i);  // unsorted input
  const Values r = RunValues(v);
  ASSERT_TRUE(r.dim.ok);
  EXPECT_THAT(r.dim.cut_points, ElementsAre(20, 40, 60, 80));
  EXPECT_THAT(r.dim.score_counts, ElementsAre(20, 20, 20, 20, 20));
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.errors.empty());
}

TEST(CalibrateValuesTest, NearestRankWhenNIsNotAMultipleOfFive) {
  std::vector<double> v;
  for (int i = 1; i <= 1003; ++i) v.push_back(i);
  const Values r = RunValues(v);
  // ceil(0.2 * 1003) = 201, ceil(0.4 * 1003) = 402, 602, 803.
  EXPECT_THAT(r.dim.cut_points, ElementsAre(201, 402, 602, 803));
  EXPECT_THAT(r.dim.score_counts, ElementsAre(201, 201, 200, 201, 200));
}

TEST(CalibrateValuesTest, UniformRandomValuesGiveTwentyPercentBins) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> spend(0, 5000);
  std::vector<double> v;
  for (int i = 0; i < 10000; ++i) v.push_back(spend(rng));
  const Values r = RunValues(v, false, "monetary");
  ASSERT_TRUE(r.dim.ok);
  EXPECT_THAT(r.dim.score_counts, ElementsAre(2000, 2000, 2000, 2000, 2000));
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(r.dim.cut_points[i], 1000.0 * (i + 1), 100.0);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(CalibrateValuesTest, RecencyCountsAreByScore) {
  std::vector<double> days;
  for (int d = 0; d < 50; ++d) days.push_back(d);
  for (int d = 0; d < 10; ++d) days.push_back(1000 + d);  // ten long-lapsed customers
  const Values r = RunValues(days, /*recency=*/true, "recency_days");
  ASSERT_TRUE(r.dim.ok);
  // 60 values: ranks 12, 24, 36, 48 -> days 11, 23, 35, 47.
  EXPECT_THAT(r.dim.cut_points, ElementsAre(11, 23, 35, 47));
  // score_counts[s - 1]: R=1 is the top bin (days > 47), R=5 is days <= 11.
  EXPECT_THAT(r.dim.score_counts, ElementsAre(12, 12, 12, 12, 12));
}

TEST(CalibrateValuesTest, HeavyTiesMoveCutPointsUp) {
  // Half the customers have exactly 1 order; the rest 2..51 once each.
  std::vector<double> v(50, 1.0);
  for (int f = 2; f <= 51; ++f) v.push_back(f);
  const Values r = RunValues(v);
  ASSERT_TRUE(r.dim.ok);
  // Quantiles by nearest rank: 1, 1, 11, 31; the second is moved to the next distinct value.
  EXPECT_THAT(r.dim.cut_points, ElementsAre(1, 2, 11, 31));
  EXPECT_THAT(r.dim.score_counts, ElementsAre(50, 1, 9, 20, 20));
  EXPECT_THAT(r.warnings,
              ElementsAre("frequency: the 40% quantile 1 is not above the previous cut point "
                          "(ties); moved up to the next distinct value 2",
                          "frequency: F=2 holds 1 of 100 customers (1.0%), under 5%",
                          "frequency: F=1 holds 50 of 100 customers (50.0%), over 40%"));
  EXPECT_TRUE(r.errors.empty());
}

TEST(CalibrateValuesTest, HeavyTiesAtTheTopMoveCutPointsDown) {
  // 96 customers share the highest value: every quantile is 5, which would leave the top
  // bin empty. Each cut point moves down to keep one distinct value per remaining bin.
  std::vector<double> v = {1, 2, 3, 4};
  v.insert(v.end(), 96, 5.0);
  const Values r = RunValues(v);
  ASSERT_TRUE(r.dim.ok);
  EXPECT_THAT(r.dim.cut_points, ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(r.dim.score_counts, ElementsAre(1, 1, 1, 1, 96));
  ASSERT_EQ(r.warnings.size(), 9u);
  EXPECT_EQ(r.warnings[0],
            "frequency: the 20% quantile 5 leaves too few distinct values above it for the "
            "bins left to fill; moved down to 1");
  EXPECT_EQ(r.warnings[4], "frequency: F=5 holds 96 of 100 customers (96.0%), over 40%");
}

TEST(CalibrateValuesTest, CutPointsAreAlwaysStrictlyIncreasingAndBinsNonEmpty) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    // Few distinct values with skewed weights: the hard case for ties.
    const int distinct = 5 + static_cast<int>(rng() % 6);
    std::vector<double> v;
    const int n = 5 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      const int k = static_cast<int>(rng() % 100) < 60 ? 0 : static_cast<int>(rng() % distinct);
      v.push_back(k * 1.5);
    }
    std::vector<double> d = v;
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
    const Values r = RunValues(v);
    if (d.size() < 5) {
      EXPECT_FALSE(r.dim.ok);
      continue;
    }
    ASSERT_TRUE(r.dim.ok) << round;
    for (size_t i = 1; i < 4; ++i) ASSERT_LT(r.dim.cut_points[i - 1], r.dim.cut_points[i]);
    int64_t total = 0;
    for (int64_t c : r.dim.score_counts) {
      ASSERT_GT(c, 0) << "round " << round;
      total += c;
    }
    EXPECT_EQ(total, n);
  }
}

TEST(CalibrateValuesTest, FewerThanFiveDistinctValuesIsAnError) {
  std::vector<double> v;
  for (int i = 0; i < 100; ++i) v.push_back(1 + i % 4);
  const Values r = RunValues(v);
  EXPECT_FALSE(r.dim.ok);
  EXPECT_EQ(r.dim.distinct_values, 4);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 0);
  EXPECT_EQ(r.errors[0].message,
            "frequency: only 4 distinct values among 100 customers (1, 2, 3, 4); quintile cut "
            "points need at least 5 distinct values");
}

// ---------------------------------------------------------------------------------------
// Calibrate over CSV
// ---------------------------------------------------------------------------------------

CalibrationResult CalibrateText(const std::string& csv, CalibrateOptions options = {}) {
  std::istringstream in(csv);
  return Calibrate(in, options);
}

// 100 customers; customer i (1..100) has i orders of amount i, the latest i - 1 days
// before kAsOf: days 0..99, F 1..100, M i*i. Times alternate ISO and epoch.
std::string StaircaseCsv() {
  std::string csv = "customer_id,order_id,time,amount\n";
  for (int i = 1; i <= 100; ++i) {
    for (int k = 0; k < i; ++k) {
      const int64_t t = kAsOf - (i - 1 + k) * kDay;
      const std::string time = k % 2 == 0 ? FormatTime(t) : std::to_string(t);
      csv += "c" + std::to_string(i) + ",o" + std::to_string(i) + "-" + std::to_string(k) + "," +
             time + "," + std::to_string(i) + "\n";
    }
  }
  return csv;
}

TEST(CalibrateTest, StaircaseGivesExactQuintiles) {
  const CalibrationResult r = CalibrateText(StaircaseCsv());
  ASSERT_TRUE(r.ok()) << FormatReport(r);
  EXPECT_TRUE(r.as_of_from_data);
  EXPECT_EQ(r.as_of_unix_seconds, kAsOf);  // customer 1's only order
  EXPECT_EQ(r.customers, 100);
  EXPECT_EQ(r.data_rows, 5050);
  EXPECT_EQ(r.orders_used, 5050);
  EXPECT_THAT(r.recency.cut_points, ElementsAre(19, 39, 59, 79));
  EXPECT_THAT(r.frequency.cut_points, ElementsAre(20, 40, 60, 80));
  EXPECT_THAT(r.monetary.cut_points, ElementsAre(400, 1600, 3600, 6400));
  for (const DimensionResult* d : {&r.recency, &r.frequency, &r.monetary}) {
    EXPECT_THAT(d->score_counts, ElementsAre(20, 20, 20, 20, 20)) << d->name;
  }
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(FormatConfigSnippet(r),
            "{\"recency_days\": [19, 39, 59, 79], \"frequency\": [20, 40, 60, 80], "
            "\"monetary\": [400, 1600, 3600, 6400], \"window_days\": 365}");
}

TEST(CalibrateTest, WindowDecidesFrequencyAndMonetary) {
  // An order exactly window_days before as_of is outside the window, one second later
  // inside; orders outside the window still count for recency. as_of defaults to a's
  // first order, 2026-03-01T12:00:00Z.
  const std::string csv =
      "customer_id,order_id,time,amount\n"
      "a,1,2026-03-01T12:00:00Z,1\n"
      "a,2,2026-01-30T12:00:00Z,1000\n"  // exactly 30 days before: outside
      "b,3,2026-01-30T12:00:01Z,2\n"     // inside
      "c,4,2026-02-27T12:00:00Z,3\n"
      "c,5,2026-02-27T13:00:00Z,3\n"
      "d,6,2026-02-20T00:00:00Z,4\n"
      "d,7,2026-02-21T00:00:00Z,4\n"
      "d,8,2026-02-22T00:00:00Z,4\n"
      "e,9,2025-01-01T00:00:00Z,5\n"  // outside: F 0, M 0, but R counts it
      "f,10,2026-02-25T00:00:00Z,6\n"
      "f,11,2026-02-25T00:00:01Z,6\n"
      "f,12,2026-02-25T00:00:02Z,6\n"
      "f,13,2026-02-25T00:00:03Z,6\n";
  CalibrateOptions options;
  options.window_days = 30;
  const CalibrationResult r = CalibrateText(csv, options);
  // F per customer: a 1, b 1, c 2, d 3, e 0, f 4 -> 5 distinct values.
  ASSERT_TRUE(r.frequency.ok) << FormatReport(r);
  EXPECT_THAT(r.frequency.cut_points, ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(r.frequency.score_counts, ElementsAre(1, 2, 1, 1, 1));
  // M: a 1, b 2, c 6, d 12, e 0, f 24.
  EXPECT_THAT(r.monetary.cut_points, ElementsAre(1, 2, 6, 12));
  // Whole days since the last order: a 0, b 29 (30 days less a second), c 1, d 7, e 424,
  // f 4 (February 2026 has 28 days).
  EXPECT_THAT(r.recency.cut_points, ElementsAre(1, 4, 7, 29));
  EXPECT_THAT(r.recency.score_counts, ElementsAre(1, 1, 1, 1, 2));
}

TEST(CalibrateTest, ExplicitAsOfIgnoresLaterOrders) {
  CalibrateOptions options;
  options.as_of_unix_seconds = kAsOf - 50 * kDay;
  const CalibrationResult r = CalibrateText(StaircaseCsv(), options);
  EXPECT_FALSE(r.as_of_from_data);
  EXPECT_EQ(r.as_of_unix_seconds, kAsOf - 50 * kDay);
  // Orders at or before as_of are those at least 50 days old: customer i's orders are
  // i-1 .. 2i-2 days old, so customers 1..25 have none left (2i-2 < 50).
  EXPECT_EQ(r.customers, 75);
  int64_t after = 0;
  for (int i = 1; i <= 100; ++i) {
    for (int k = 0; k < i; ++k) after += (i - 1 + k) < 50 ? 1 : 0;
  }
  EXPECT_EQ(r.orders_after_as_of, after);
  EXPECT_EQ(r.orders_used, 5050 - after);
  EXPECT_THAT(r.warnings, ::testing::Contains(std::to_string(after) +
                                              " orders after as_of 2026-01-10T12:00:00Z were "
                                              "ignored"));
}

TEST(CalibrateTest, BadRowsAreReportedWithLineNumbers) {
  const std::string csv =
      "customer_id,order_id,time,amount\n"  // 1
      "c1,o1,2026-03-01T00:00:00Z,10\n"     // 2
      "c1,o2,not-a-time,10\n"               // 3
      "c2,o3,2026-02-01,-5\n"               // 4
      "c3,o4,2026-02-01,nan\n"              // 5
      "c4,o5,2026-02-01\n"                  // 6
      "c5,o6,2026-02-01,10,extra\n"         // 7
      " ,o7,2026-02-01,10\n"                // 8
      "c6,o8,2026-02-01,12abc\n"            // 9
      "c7,o9,2026-02-01,1e999\n"            // 10
      "c8,\"o10,2026-02-01,1\n";            // 11: unterminated quote
  const CalibrationResult r = CalibrateText(csv);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.data_rows, 10);
  EXPECT_EQ(r.bad_rows, 9);
  EXPECT_EQ(r.orders_used, 1);
  std::vector<std::string> lines;
  for (const CalibrationError& e : r.errors) {
    lines.push_back(std::to_string(e.line) + ": " + e.message);
  }
  EXPECT_THAT(
      std::vector<std::string>(lines.begin(), lines.begin() + 9),
      ElementsAre("3: time: \"not-a-time\": not a date or time (expected ISO-8601 like "
                  "2026-03-01T12:00:00Z, 2026-03-01T19:00:00+07:00, a date 2026-03-01, or integer "
                  "epoch seconds)",
                  "4: amount: \"-5\" is negative", "5: amount: \"nan\" is not a finite number",
                  "6: expected 4 fields (customer_id,order_id,time,amount), got 3",
                  "7: expected 4 fields (customer_id,order_id,time,amount), got 5",
                  "8: customer_id: empty", "9: amount: \"12abc\" is not a number",
                  "10: amount: \"1e999\" is out of range",
                  "11: unterminated quoted field 2 (the quote opened on line 11)"));
  // One customer is not enough for quintiles: the dimensions fail too, without a line.
  EXPECT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[9],
            "0: recency_days: only 1 distinct value among 1 customers (0); quintile cut points "
            "need at least 5 distinct values");
}

TEST(CalibrateTest, ListedErrorsAreCapped) {
  std::string csv = "customer_id,order_id,time,amount\n";
  for (int i = 0; i < 10; ++i) csv += "c,o,bad,1\n";
  CalibrateOptions options;
  options.max_listed_errors = 2;
  options.as_of_unix_seconds = kAsOf;
  const CalibrationResult r = CalibrateText(csv, options);
  EXPECT_EQ(r.bad_rows, 10);
  ASSERT_GE(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[1].line, 3);
  EXPECT_EQ(r.errors[2].message, "... and 8 more bad rows not listed");
  EXPECT_EQ(r.errors[2].line, 0);
}

TEST(CalibrateTest, HeaderQuotesBomAndCrLf) {
  // Columns in another order, a BOM, CRLF, quoted ids with commas and a quoted line break.
  std::string csv =
      "\xEF\xBB\xBF"
      "Amount, Time ,customer_id,order_id\r\n";
  for (int i = 1; i <= 10; ++i) {
    for (int k = 0; k < i; ++k) {
      csv += "\"" + std::to_string(i * 10) + ".5\"," + FormatTime(kAsOf - (i * 3 + k) * kDay) +
             ",\"Smith, " + std::to_string(i) + "\",\"order\r\n" + std::to_string(i) + "-" +
             std::to_string(k) + "\"\r\n";
    }
  }
  const CalibrationResult r = CalibrateText(csv);
  ASSERT_TRUE(r.ok()) << FormatReport(r);
  EXPECT_EQ(r.customers, 10);
  EXPECT_EQ(r.data_rows, 55);
  EXPECT_THAT(r.frequency.cut_points, ElementsAre(2, 4, 6, 8));
  // Customer i spends i * (10 i + 0.5).
  EXPECT_THAT(r.monetary.cut_points, ElementsAre(2 * 20.5, 4 * 40.5, 6 * 60.5, 8 * 80.5));
  // Days are relative to the latest order (customer 1, 3 days before kAsOf).
  EXPECT_EQ(r.as_of_unix_seconds, kAsOf - 3 * kDay);
  EXPECT_THAT(r.recency.cut_points, ElementsAre(3, 9, 15, 21));
}

TEST(CalibrateTest, InputProblems) {
  EXPECT_EQ(CalibrateText("").errors.at(0).message,
            "empty input: expected the header customer_id,order_id,time,amount");
  const CalibrationResult wrong = CalibrateText("id,order,time,amount\nc,1,0,1\n");
  ASSERT_EQ(wrong.errors.size(), 1u);
  EXPECT_EQ(wrong.errors[0].line, 1);
  EXPECT_EQ(wrong.errors[0].message,
            "header: expected the columns customer_id,order_id,time,amount (any order), got "
            "\"id,order,time,amount\"");
  EXPECT_EQ(CalibrateText("customer_id,order_id,time,amount\n").errors.at(0).message,
            "no valid orders in the input");
  CalibrateOptions options;
  options.window_days = 0;
  EXPECT_EQ(CalibrateText(StaircaseCsv(), options).errors.at(0).message,
            "window_days must be between 1 and 100000, got 0");
}

// A stream that cannot seek, like a pipe.
class OneWayBuffer : public std::streambuf {
 public:
  explicit OneWayBuffer(std::string text) : text_(std::move(text)) {
    setg(text_.data(), text_.data(), text_.data() + text_.size());
  }

 private:
  std::string text_;
};

TEST(CalibrateTest, UnseekableInputNeedsAsOf) {
  {
    OneWayBuffer buffer(StaircaseCsv());
    std::istream in(&buffer);
    const CalibrationResult r = Calibrate(in, {});
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_THAT(r.errors[0].message, HasSubstr("the input is not seekable: give as_of"));
  }
  {
    OneWayBuffer buffer(StaircaseCsv());
    std::istream in(&buffer);
    CalibrateOptions options;
    options.as_of_unix_seconds = kAsOf;
    const CalibrationResult r = Calibrate(in, options);
    EXPECT_TRUE(r.ok()) << FormatReport(r);
    EXPECT_THAT(r.frequency.cut_points, ElementsAre(20, 40, 60, 80));
  }
}

TEST(CalibrateTest, FewDistinctFrequenciesFailOnlyThatDimension) {
  // Customers with 1..4 orders only: F has 4 distinct values.
  std::string csv = "customer_id,order_id,time,amount\n";
  for (int i = 0; i < 40; ++i) {
    for (int k = 0; k <= i % 4; ++k) {
      csv += "c" + std::to_string(i) + ",o," + std::to_string(kAsOf - (i + k) * kDay) + "," +
             std::to_string(i + 1) + "\n";
    }
  }
  const CalibrationResult r = CalibrateText(csv);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.recency.ok);
  EXPECT_FALSE(r.frequency.ok);
  EXPECT_TRUE(r.monetary.ok);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message,
            "frequency: only 4 distinct values among 40 customers (1, 2, 3, 4); quintile cut "
            "points need at least 5 distinct values");
  const std::string snippet = FormatConfigSnippet(r);
  EXPECT_THAT(snippet, ::testing::Not(HasSubstr("frequency")));
  EXPECT_THAT(snippet, HasSubstr("\"recency_days\": ["));
  EXPECT_THAT(snippet, HasSubstr("\"window_days\": 365}"));
}

TEST(CalibrateTest, ReportShowsEverything) {
  const CalibrationResult r = CalibrateText(StaircaseCsv());
  const std::string report = FormatReport(r);
  EXPECT_THAT(report, HasSubstr("as_of: 2026-03-01T12:00:00Z (the latest order time in the "
                                "input)\n"));
  EXPECT_THAT(report, HasSubstr("frequency: [20, 40, 60, 80]  F=5: 20 (20.0%), F=4: 20 "
                                "(20.0%)"));
  EXPECT_THAT(report, HasSubstr("rows: 5050 (0 bad), orders used: 5050, ignored after as_of: "
                                "0, customers: 100\n"));
}

// ---------------------------------------------------------------------------------------
// Calibration and scoring agree: scoring the same customers with the calibrated config
// reproduces the calibrated per-score counts exactly.
// ---------------------------------------------------------------------------------------

TEST(CalibrateTest, SegmenterReproducesTheCalibratedBins) {
  struct Row {
    int customer;
    int64_t time;
    double amount;
  };
  std::mt19937_64 rng(2026);
  std::vector<Row> rows;
  constexpr int kCustomers = 400;
  for (int c = 0; c < kCustomers; ++c) {
    const int orders = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < orders; ++k) {
      // Up to 500 days back, so some orders fall outside the 365-day window.
      const int64_t t = kAsOf - static_cast<int64_t>(rng() % (500 * kDay));
      rows.push_back({c, t, static_cast<double>(rng() % 50000) / 100.0});
    }
  }
  // Time order, as the host hands orders to the plugin: both sides then add amounts in the
  // same order and get bit-identical sums.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.time < b.time; });
  std::string csv = "customer_id,order_id,time,amount\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    std::string time;
    switch (i % 3) {
      case 0:
        time = FormatTime(row.time);
        break;
      case 1: {  // the same instant written at +07:00
        time = FormatTime(row.time + 7 * 3600);
        time.back() = '+';
        time += "07:00";
        break;
      }
      default:
        time = std::to_string(row.time);
    }
    char amount[32];
    std::snprintf(amount, sizeof(amount), "%.2f", row.amount);
    csv += "cust-" + std::to_string(row.customer) + ",o" + std::to_string(i) + "," + time + "," +
           amount + "\n";
  }
  const CalibrationResult r = CalibrateText(csv);
  ASSERT_TRUE(r.ok()) << FormatReport(r);

  const std::string snippet = FormatConfigSnippet(r);
  rfm::testing::JsonTree config(snippet);
  const std::unique_ptr<rfm::RfmSegmenter> segmenter =
      rfm::RfmSegmenter::Create(sdk::Value(config.root(), "config"));
  std::map<int, rfm::testing::TestCustomer> customers;
  for (const Row& row : rows) {
    char amount[32];
    std::snprintf(amount, sizeof(amount), "%.2f", row.amount);
    customers[row.customer].OrderAt(row.time, std::strtod(amount, nullptr));
  }
  std::array<int64_t, 5> r_counts{}, f_counts{}, m_counts{};
  for (auto& [id, customer] : customers) {
    rfm::testing::Capture capture(r.as_of_unix_seconds, false);
    segmenter->Score(customer.get(), nullptr, 0, sdk::ScoreContext(&capture.request), nullptr);
    const std::string cell = capture.Label("rfm_cell").value_or("???");
    ASSERT_EQ(cell.size(), 3u);
    ++r_counts[cell[0] - '1'];
    ++f_counts[cell[1] - '1'];
    ++m_counts[cell[2] - '1'];
  }
  EXPECT_EQ(r_counts, r.recency.score_counts);
  EXPECT_EQ(f_counts, r.frequency.score_counts);
  EXPECT_EQ(m_counts, r.monetary.score_counts);
}

// ---------------------------------------------------------------------------------------
// A million orders, generated on the fly, in memory bounded by the customer count.
// ---------------------------------------------------------------------------------------

// Produces a CSV of `orders` rows lazily; seekable back to the start (Calibrate reads the
// input twice when as_of defaults to the latest order).
class GeneratedOrders : public std::streambuf {
 public:
  GeneratedOrders(int64_t orders, int customers) : orders_(orders), customers_(customers) {
    buffer_.reserve(kChunk + 128);
  }

 protected:
  int_type underflow() override {
    if (next_row_ > orders_) return traits_type::eof();
    consumed_ += egptr() - eback();
    buffer_.clear();
    if (next_row_ == 0) {
      buffer_ += "customer_id,order_id,time,amount\n";
      ++next_row_;
    }
    char line[96];
    while (buffer_.size() < kChunk && next_row_ <= orders_) {
      const int64_t i = next_row_++;
      // Spread over ~2 years so the 365-day window cuts through each customer's history.
      const int64_t t = kAsOf - (i * 7919) % (730 * kDay);
      const int n = std::snprintf(line, sizeof(line), "customer-%06d,%lld,%lld,%lld.%02d\n",
                                  static_cast<int>(i % customers_), static_cast<long long>(i),
                                  static_cast<long long>(t), static_cast<long long>(i % 997),
                                  static_cast<int>(i % 100));
      buffer_.append(line, static_cast<size_t>(n));
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + buffer_.size());
    return traits_type::to_int_type(buffer_[0]);
  }
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    if (off == 0 && dir == std::ios_base::cur) return pos_type(consumed_ + (gptr() - eback()));
    if (off == 0 && dir == std::ios_base::beg) return Rewind();
    return pos_type(off_type(-1));
  }
  pos_type seekpos(pos_type pos, std::ios_base::openmode) override {
    return pos == pos_type(0) ? Rewind() : pos_type(off_type(-1));
  }

 private:
  static constexpr size_t kChunk = 1 << 16;

  pos_type Rewind() {
    next_row_ = 0;
    consumed_ = 0;
    setg(nullptr, nullptr, nullptr);
    return pos_type(0);
  }

  const int64_t orders_;
  const int customers_;
  int64_t next_row_ = 0;  // 0 = the header
  off_type consumed_ = 0;
  std::string buffer_;
};

TEST(CalibrateScaleTest, MillionOrdersInBoundedMemory) {
  constexpr int64_t kOrders = 1000000;
  constexpr int kCustomers = 10000;
  GeneratedOrders source(kOrders, kCustomers);
  std::istream in(&source);
  const int64_t baseline = g_live_bytes.load();
  g_peak_bytes.store(baseline);
  const auto start = std::chrono::steady_clock::now();
  const CalibrationResult r = Calibrate(in, {});  // default as_of: two passes
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t peak = g_peak_bytes.load() - baseline;
  std::printf("1M orders: %.2f s, peak heap %.2f MB\n", seconds, peak / 1048576.0);
  ASSERT_TRUE(r.ok()) << FormatReport(r);
  EXPECT_EQ(r.data_rows, kOrders);
  EXPECT_EQ(r.orders_used, kOrders);
  EXPECT_EQ(r.customers, kCustomers);
  int64_t youngest = kAsOf;
  for (int64_t i = 1; i <= kOrders; ++i) youngest = std::min(youngest, (i * 7919) % (730 * kDay));
  EXPECT_EQ(r.as_of_unix_seconds, kAsOf - youngest);  // the latest generated order
  for (const DimensionResult* d : {&r.recency, &r.frequency, &r.monetary}) {
    int64_t total = 0;
    for (int64_t c : d->score_counts) total += c;
    EXPECT_EQ(total, kCustomers) << d->name;
  }
  // 10,000 customers cost about a megabyte; keeping the orders would cost at least 16 MB
  // (a time and an amount each).
  EXPECT_LT(peak, 6 * 1024 * 1024) << "peak heap " << peak << " bytes";
}

}  // namespace
}  // namespace rfm_calibrate
}  // namespace persona
