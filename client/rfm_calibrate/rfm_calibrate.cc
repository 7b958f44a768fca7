#include "rfm_calibrate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "client/text/csv_reader.h"
#include "order_time.h"
#include "rfm_rules/rfm_grid.h"
#include "rfm_rules/rfm_metrics.h"

namespace persona {
namespace rfm_calibrate {
namespace {

constexpr std::array<std::string_view, 4> kColumns = {"customer_id", "order_id", "time", "amount"};
constexpr char kColumnList[] = "customer_id,order_id,time,amount";
enum Column { kCustomerId = 0, kOrderId = 1, kTime = 2, kAmount = 3 };

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Quoted and shortened field text for an error message.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  out += s.substr(0, kMax);
  if (s.size() > kMax) out += "...";
  out += "\"";
  return out;
}

// Shortest text that reads back as the same double: cut points must survive the trip
// through the JSON snippet exactly, or a value equal to a cut point could change bins.
std::string FormatNumber(double v) {
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string Percent(int64_t part, int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

bool ParseAmount(std::string_view text, double* out, std::string* error) {
  const std::string_view original = text;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) {
    *error = "amount: empty";
    return false;
  }
  double v = 0.0;
  const char* end = text.data() + text.size();
  const std::from_chars_result r = std::from_chars(text.data(), end, v);
  if (r.ec == std::errc::result_out_of_range) {
    *error = "amount: " + Quote(original) + " is out of range";
    return false;
  }
  if (r.ec != std::errc() || r.ptr != end) {
    *error = "amount: " + Quote(original) + " is not a number";
    return false;
  }
  if (!std::isfinite(v)) {
    *error = "amount: " + Quote(original) + " is not a finite number";
    return false;
  }
  if (v < 0.0) {
    *error = "amount: " + Quote(original) + " is negative";
    return false;
  }
  *out = v + 0.0;  // -0 becomes 0
  return true;
}

struct Order {
  std::string_view customer_id;  // valid until the next Next()
  int64_t time = 0;
  double amount = 0.0;
};

// One pass over the CSV: checks the header, then yields good orders and reports (or, on a
// second pass over the same input, silently skips) bad rows.
class OrderScanner {
 public:
  OrderScanner(std::istream& in, bool report, const CalibrateOptions& options,
               CalibrationResult* result)
      : reader_(in), report_(report), options_(options), result_(result) {}

  // Reads and checks the header. False when the input cannot be used (error recorded).
  bool Start() {
    const CsvReader::Status status = reader_.Next(&fields_, &error_);
    if (status == CsvReader::Status::kEnd) {
      Fatal(0, std::string("empty input: expected the header ") + kColumnList);
      return false;
    }
    if (status == CsvReader::Status::kError) {
      Fatal(reader_.record_line(), "header: " + error_);
      return false;
    }
    std::array<bool, 4> seen{};
    bool good = fields_.size() == kColumns.size();
    for (size_t i = 0; good && i < fields_.size(); ++i) {
      std::string_view name = fields_[i];
      if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);  // UTF-8 BOM
      std::string lower(Trim(name));
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      const auto it = std::find(kColumns.begin(), kColumns.end(), lower);
      if (it == kColumns.end() || seen[it - kColumns.begin()]) {
        good = false;
        break;
      }
      seen[it - kColumns.begin()] = true;
      column_[it - kColumns.begin()] = i;
    }
    if (!good) {
      std::string got;
      for (std::string_view f : fields_) got += (got.empty() ? "" : ",") + std::string(f);
      Fatal(reader_.record_line(), std::string("header: expected the columns ") + kColumnList +
                                       " (any order), got " + Quote(got));
      return false;
    }
    return true;
  }

  // The next good order; false at the end of the input.
  bool Next(Order* order) {
    for (;;) {
      const CsvReader::Status status = reader_.Next(&fields_, &error_);
      if (status == CsvReader::Status::kEnd) return false;
      if (report_) ++result_->data_rows;
      if (status == CsvReader::Status::kError) {
        Bad(error_);
        continue;
      }
      if (fields_.size() != kColumns.size()) {
        Bad("expected 4 fields (" + std::string(kColumnList) + "), got " +
            std::to_string(fields_.size()));
        continue;
      }
      order->customer_id = Trim(fields_[column_[kCustomerId]]);
      if (order->customer_id.empty()) {
        Bad("customer_id: empty");
        continue;
      }
      const std::string_view time = Trim(fields_[column_[kTime]]);
      if (!ParseTime(time, &order->time, &error_)) {
        Bad("time: " + Quote(time) + ": " + error_);
        continue;
      }
      if (!ParseAmount(Trim(fields_[column_[kAmount]]), &order->amount, &error_)) {
        Bad(error_);
        continue;
      }
      return true;
    }
  }

  // Adds a summary error for bad rows that were counted but not listed.
  void Finish() {
    if (report_ && unlisted_ > 0) {
      result_->errors.push_back(
          {0, "... and " + std::to_string(unlisted_) + " more bad rows not listed"});
    }
  }

 private:
  void Fatal(int64_t line, std::string message) {
    if (report_) result_->errors.push_back({line, std::move(message)});
  }

  void Bad(std::string message) {
    if (!report_) return;
    ++result_->bad_rows;
    if (listed_ < options_.max_listed_errors) {
      result_->errors.push_back({reader_.record_line(), std::move(message)});
      ++listed_;
    } else {
      ++unlisted_;
    }
  }

  CsvReader reader_;
  const bool report_;
  const CalibrateOptions& options_;
  CalibrationResult* result_;
  std::array<size_t, 4> column_ = {0, 1, 2, 3};
  std::vector<std::string_view> fields_;
  std::string error_;
  size_t listed_ = 0;
  int64_t unlisted_ = 0;
};

char Letter(std::string_view name) {
  return name == "recency_days" ? 'R' : name == "frequency" ? 'F' : 'M';
}

}  // namespace

DimensionResult CalibrateValues(std::string_view name, std::vector<double> values, bool recency,
                                std::vector<std::string>* warnings,
                                std::vector<CalibrationError>* errors) {
  DimensionResult dim;
  dim.name = std::string(name);
  const std::string prefix = dim.name + ": ";
  std::sort(values.begin(), values.end());
  std::vector<double> distinct;
  std::unique_copy(values.begin(), values.end(), std::back_inserter(distinct));
  dim.distinct_values = static_cast<int64_t>(distinct.size());
  const size_t n = values.size();
  const size_t m = distinct.size();
  if (m < 5) {
    // Five non-empty bins need five distinct values; anything else would mean duplicate cut
    // points or a bin nobody can fall into.
    std::string list;
    for (double d : distinct) list += (list.empty() ? "" : ", ") + FormatNumber(d);
    errors->push_back({0, prefix + "only " + std::to_string(m) + " distinct value" +
                              (m == 1 ? "" : "s") + " among " + std::to_string(n) + " customers (" +
                              list + "); quintile cut points need at least 5 distinct values"});
    return dim;
  }
  for (size_t i = 0; i < 4; ++i) {
    // Nearest rank: the ceil(p * n)-th smallest value, p = 20%, 40%, 60%, 80%.
    const size_t rank = ((i + 1) * n + 4) / 5;
    const double quantile = values[rank - 1];
    const std::string pct = std::to_string((i + 1) * 20) + "%";
    double cut = quantile;
    if (i > 0 && !(cut > dim.cut_points[i - 1])) {
      cut = *std::upper_bound(distinct.begin(), distinct.end(), dim.cut_points[i - 1]);
      warnings->push_back(prefix + "the " + pct + " quantile " + FormatNumber(quantile) +
                          " is not above the previous cut point (ties); moved up to the next "
                          "distinct value " +
                          FormatNumber(cut));
    }
    // Each later cut point and the top bin need a distinct value of their own above this
    // one; moving down never crosses the previous cut point (see README).
    const double ceiling = distinct[m - 5 + i];
    if (cut > ceiling) {
      warnings->push_back(prefix + "the " + pct + " quantile " + FormatNumber(quantile) +
                          " leaves too few distinct values above it for the bins left to fill; "
                          "moved down to " +
                          FormatNumber(ceiling));
      cut = ceiling;
    }
    dim.cut_points[i] = cut;
  }
  dim.ok = true;
  for (double v : values) {
    const int score =
        recency ? rfm::RecencyScore(v, dim.cut_points) : rfm::AscendingScore(v, dim.cut_points);
    ++dim.score_counts[score - 1];
  }
  const char letter = Letter(name);
  for (int s = 5; s >= 1; --s) {
    const int64_t count = dim.score_counts[s - 1];
    const double share = static_cast<double>(count) / static_cast<double>(n);
    if (share < 0.05 || share > 0.40) {
      warnings->push_back(prefix + letter + "=" + std::to_string(s) + " holds " +
                          std::to_string(count) + " of " + std::to_string(n) + " customers (" +
                          Percent(count, static_cast<int64_t>(n)) + "), " +
                          (share < 0.05 ? "under 5%" : "over 40%"));
    }
  }
  return dim;
}

CalibrationResult Calibrate(std::istream& csv, const CalibrateOptions& options) {
  CalibrationResult result;
  result.window_days = options.window_days;
  result.recency.name = "recency_days";
  result.frequency.name = "frequency";
  result.monetary.name = "monetary";
  if (options.window_days < 1 || options.window_days > rfm::kMaxWindowDays) {
    result.errors.push_back({0, "window_days must be between 1 and " +
                                    std::to_string(rfm::kMaxWindowDays) + ", got " +
                                    std::to_string(options.window_days)});
    return result;
  }

  std::optional<int64_t> as_of = options.as_of_unix_seconds;
  bool rows_reported = false;
  if (!as_of) {
    // The window ends at the latest order, which is known only at the end; keeping orders
    // until then would cost memory per order, so the input is read twice instead.
    const std::istream::pos_type start = csv.tellg();
    if (start == std::istream::pos_type(-1)) {
      result.errors.push_back({0,
                               "the input is not seekable: give as_of (the default, the "
                               "latest order time, needs a second pass over the input)"});
      return result;
    }
    OrderScanner scan(csv, /*report=*/true, options, &result);
    if (!scan.Start()) return result;
    bool any = false;
    int64_t latest = 0;
    Order order;
    while (scan.Next(&order)) {
      if (!any || order.time > latest) latest = order.time;
      any = true;
    }
    scan.Finish();
    if (!any) {
      result.errors.push_back({0, "no valid orders in the input"});
      return result;
    }
    as_of = latest;
    result.as_of_from_data = true;
    rows_reported = true;
    csv.clear();
    csv.seekg(start);
    if (!csv) {
      result.errors.push_back({0, "could not rewind the input for the second pass"});
      return result;
    }
  }
  result.as_of_unix_seconds = *as_of;

  const rfm::Window window = rfm::Window::Make(*as_of, options.window_days);
  std::unordered_map<std::string, rfm::OrderTally> tallies;
  {
    OrderScanner scan(csv, /*report=*/!rows_reported, options, &result);
    if (!scan.Start()) return result;
    std::string key;  // reused so a lookup does not allocate
    Order order;
    while (scan.Next(&order)) {
      if (order.time > *as_of) {
        ++result.orders_after_as_of;
        continue;
      }
      ++result.orders_used;
      key.assign(order.customer_id);
      auto it = tallies.find(key);
      if (it == tallies.end()) it = tallies.emplace(key, rfm::OrderTally{}).first;
      it->second.Add(window, order.time, order.amount);
    }
    scan.Finish();
  }
  if (result.orders_after_as_of > 0) {
    result.warnings.push_back(std::to_string(result.orders_after_as_of) + " orders after as_of " +
                              FormatTime(*as_of) + " were ignored");
  }
  if (tallies.empty()) {
    result.errors.push_back({0, "no valid orders at or before as_of " + FormatTime(*as_of)});
    return result;
  }

  result.customers = static_cast<int64_t>(tallies.size());
  std::vector<double> days, frequency, monetary;
  days.reserve(tallies.size());
  frequency.reserve(tallies.size());
  monetary.reserve(tallies.size());
  for (const auto& [id, tally] : tallies) {
    days.push_back(static_cast<double>(tally.Days(window)));
    frequency.push_back(static_cast<double>(tally.window_orders));
    monetary.push_back(tally.window_spend);
  }
  std::unordered_map<std::string, rfm::OrderTally>().swap(tallies);  // free before sorting

  result.recency = CalibrateValues("recency_days", std::move(days), /*recency=*/true,
                                   &result.warnings, &result.errors);
  result.frequency = CalibrateValues("frequency", std::move(frequency), /*recency=*/false,
                                     &result.warnings, &result.errors);
  result.monetary = CalibrateValues("monetary", std::move(monetary), /*recency=*/false,
                                    &result.warnings, &result.errors);
  return result;
}

std::string FormatConfigSnippet(const CalibrationResult& result) {
  std::string out = "{";
  for (const DimensionResult* dim : {&result.recency, &result.frequency, &result.monetary}) {
    if (!dim->ok) continue;
    out += "\"" + dim->name + "\": [";
    for (size_t i = 0; i < dim->cut_points.size(); ++i) {
      if (i > 0) out += ", ";
      out += FormatNumber(dim->cut_points[i]);
    }
    out += "], ";
  }
  out += "\"window_days\": " + std::to_string(result.window_days) + "}";
  return out;
}

std::string FormatReport(const CalibrationResult& result) {
  std::string out;
  out += "as_of: " + FormatTime(result.as_of_unix_seconds) +
         (result.as_of_from_data ? " (the latest order time in the input)" : " (given)") + "\n";
  out += "window_days: " + std::to_string(result.window_days) + "\n";
  out += "rows: " + std::to_string(result.data_rows) + " (" + std::to_string(result.bad_rows) +
         " bad), orders used: " + std::to_string(result.orders_used) +
         ", ignored after as_of: " + std::to_string(result.orders_after_as_of) +
         ", customers: " + std::to_string(result.customers) + "\n";
  for (const DimensionResult* dim : {&result.recency, &result.frequency, &result.monetary}) {
    out += dim->name + ": ";
    if (!dim->ok) {
      out += "no cut points (" + std::to_string(dim->distinct_values) + " distinct values)\n";
      continue;
    }
    out += "[";
    for (size_t i = 0; i < dim->cut_points.size(); ++i) {
      out += (i > 0 ? ", " : "") + FormatNumber(dim->cut_points[i]);
    }
    out += "]";
    const char letter = Letter(dim->name);
    for (int s = 5; s >= 1; --s) {
      const int64_t count = dim->score_counts[s - 1];
      out += std::string(s == 5 ? "  " : ", ") + letter + "=" + std::to_string(s) + ": " +
             std::to_string(count) + " (" + Percent(count, result.customers) + ")";
    }
    out += "\n";
  }
  if (!result.warnings.empty()) {
    out += "warnings:\n";
    for (const std::string& w : result.warnings) out += "  " + w + "\n";
  }
  if (!result.errors.empty()) {
    out += "errors:\n";
    for (const CalibrationError& e : result.errors) {
      out += "  " + (e.line > 0 ? "line " + std::to_string(e.line) + ": " : std::string()) +
             e.message + "\n";
    }
  }
  out += "config: " + FormatConfigSnippet(result) + "\n";
  return out;
}

}  // namespace rfm_calibrate
}  // namespace persona
