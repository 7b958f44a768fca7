// rfm-calibrate: derives quintile cut points for the RFM segmenter's config from an order
// history, so that R, F and M each split the customer base into five bins of about 20%.
// Reads a CSV stream with memory proportional to the number of distinct customers, never to
// the number of orders. Uses the segmenter's own window, day-count and binning rules
// (lib/rfm_rules/rfm_metrics.h, rfm_grid.h, which the plugin links too), so the cut points
// mean what the plugin does with them. Plain C++17 and the standard library. See README.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace rfm_calibrate {

struct CalibrateOptions {
  // Reference time for recency and the window's end. Default: the latest order time in the
  // input (which then needs a seekable stream: it is read twice). Orders after an explicit
  // as_of are ignored and counted.
  std::optional<int64_t> as_of_unix_seconds;
  // F and M count orders in (as_of - window_days days, as_of]; 1..100000.
  int window_days = 365;
  // Bad rows beyond this many are counted but not listed one by one.
  size_t max_listed_errors = 100;
};

struct CalibrationError {
  int64_t line = 0;  // 1-based CSV line; 0 when the error is not about one line
  std::string message;
};

// One dimension's result.
struct DimensionResult {
  std::string name;  // the config key: "recency_days", "frequency" or "monetary"
  bool ok = false;   // false: too few distinct values (see CalibrationResult::errors)
  // Strictly increasing; valid when ok. In the dimension's raw unit: days since the last
  // order, orders in the window, spend in the window.
  std::array<double, 4> cut_points{};
  // Customers per score when binned with cut_points: score_counts[s - 1] for score s. For
  // recency the score is R (5 = most recent), so score_counts[4] counts days <= cut 0.
  std::array<int64_t, 5> score_counts{};
  int64_t distinct_values = 0;
};

struct CalibrationResult {
  int64_t as_of_unix_seconds = 0;
  bool as_of_from_data = false;  // true when as_of defaulted to the latest order time
  int window_days = 365;
  int64_t data_rows = 0;           // rows after the header, good or bad
  int64_t bad_rows = 0;            // rows skipped for an error
  int64_t orders_used = 0;         // good rows at or before as_of
  int64_t orders_after_as_of = 0;  // good rows ignored for being after an explicit as_of
  int64_t customers = 0;           // distinct customer_id with at least one used order
  DimensionResult recency;
  DimensionResult frequency;
  DimensionResult monetary;
  std::vector<std::string> warnings;     // uneven bins, moved cut points, ignored orders
  std::vector<CalibrationError> errors;  // bad rows (with lines) and failed dimensions

  bool ok() const { return errors.empty(); }
};

// Reads `csv` (header customer_id,order_id,time,amount, any column order) and calibrates.
// Never throws for bad input: everything wrong is in the result's errors. Bad rows are
// skipped and reported; cut points are still computed from the good rows.
CalibrationResult Calibrate(std::istream& csv, const CalibrateOptions& options);

// The quintile step on its own, for one dimension's per-customer values (exposed for tests
// and reuse). `recency` selects R's scoring direction for score_counts. Appends to
// `warnings` and `errors` with the dimension's name as a prefix.
DimensionResult CalibrateValues(std::string_view name, std::vector<double> values, bool recency,
                                std::vector<std::string>* warnings,
                                std::vector<CalibrationError>* errors);

// The segmenter's catalog `config`, one line:
//   {"recency_days": [7, 30, 90, 200], "frequency": [1, 2, 3, 6], "monetary": [40, 120.5,
//   300, 900], "window_days": 365}
// A dimension that failed is left out (the plugin would then use its default for it), so
// check ok() before using the snippet.
std::string FormatConfigSnippet(const CalibrationResult& result);

// A human-readable multi-line report: inputs, cut points, per-score counts and shares,
// warnings and errors.
std::string FormatReport(const CalibrationResult& result);

}  // namespace rfm_calibrate
}  // namespace persona
