// Fuzz target: bytes as an rfm-calibrate order CSV. First the record reader on its own
// (CsvReader: RFC 4180 quoting, CRLF, the 1 MiB quoted-record cap), then the whole
// calibration (header lookup, order time parsing, amounts, quintiles) and both output
// formats, once with as_of taken from the data (the stream is read twice) and once with an
// explicit as_of and a short window.
//
// Invariants beyond "no crash": the reader always makes progress and its line numbers never
// go backwards; calibration never throws; a dimension marked ok has strictly increasing,
// finite cut points.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "client/text/csv_reader.h"
#include "fuzz_check.h"
#include "rfm_calibrate.h"

namespace {

namespace rc = persona::rfm_calibrate;

void CheckDimension(const rc::DimensionResult& dimension) {
  if (!dimension.ok) return;
  for (size_t i = 0; i < dimension.cut_points.size(); ++i) {
    FUZZ_CHECK(std::isfinite(dimension.cut_points[i]), "%s cut point %zu not finite",
               dimension.name.c_str(), i);
    if (i > 0) {
      FUZZ_CHECK(dimension.cut_points[i - 1] < dimension.cut_points[i],
                 "%s cut points not strictly increasing at %zu", dimension.name.c_str(), i);
    }
  }
}

void CalibrateText(const std::string& text, const rc::CalibrateOptions& options) {
  std::istringstream in(text);
  const rc::CalibrationResult result = rc::Calibrate(in, options);
  FUZZ_CHECK(result.bad_rows <= result.data_rows, "bad_rows %lld > data_rows %lld",
             static_cast<long long>(result.bad_rows), static_cast<long long>(result.data_rows));
  CheckDimension(result.recency);
  CheckDimension(result.frequency);
  CheckDimension(result.monetary);
  (void)rc::FormatConfigSnippet(result);
  (void)rc::FormatReport(result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  {
    std::istringstream in(text);
    persona::CsvReader reader(in);
    std::vector<std::string_view> fields;
    std::string error;
    int64_t last_line = 0;
    // Every call consumes at least one line, and a blank input has at most size + 1 lines.
    for (size_t calls = 0;; ++calls) {
      FUZZ_CHECK(calls <= size + 1, "reader is not making progress");
      const persona::CsvReader::Status status = reader.Next(&fields, &error);
      if (status == persona::CsvReader::Status::kEnd) break;
      FUZZ_CHECK(reader.record_line() > last_line, "line %lld after %lld",
                 static_cast<long long>(reader.record_line()), static_cast<long long>(last_line));
      last_line = reader.record_line();
      if (status == persona::CsvReader::Status::kError) {
        FUZZ_CHECK(!error.empty(), "error without a message");
        continue;
      }
      // The views must point into live memory: read every byte (ASan checks each read).
      size_t sum = 0;
      for (std::string_view field : fields) {
        for (char c : field) sum += static_cast<unsigned char>(c);
      }
      volatile size_t sink = sum;
      (void)sink;
    }
  }

  CalibrateText(text, rc::CalibrateOptions());
  rc::CalibrateOptions explicit_as_of;
  explicit_as_of.as_of_unix_seconds = 1795305600;  // 2026-11-22T00:00:00Z
  explicit_as_of.window_days = 30;
  CalibrateText(text, explicit_as_of);
  return 0;
}
