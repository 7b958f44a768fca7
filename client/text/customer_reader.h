#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/text/csv_reader.h"
#include "client/text/customer_csv.h"
#include "persona/v1/customer.pb.h"

namespace persona {

enum class CustomerFormat { kJsonl, kCsv };

// The format named by `flag` ("jsonl", "csv"), or when empty the one `path`'s extension
// implies (.jsonl/.ndjson/.json → JSON Lines, .csv → CSV).
absl::StatusOr<CustomerFormat> ResolveCustomerFormat(std::string_view flag, std::string_view path);

// Where one input record came from, and whether it could be read.
struct CustomerRecord {
  int64_t line = 0;         // 1-based line the record starts on
  std::string customer_id;  // best effort (CSV), for error reports
  absl::Status status;      // not OK: the record is unreadable; the reason names the problem
};

// Reads customers one record at a time, in memory bounded by the longest record. Every
// non-blank line of JSON Lines is a record; in CSV, every row after the header. A record that
// cannot be parsed is still a record (with its error), so a caller can account for each one.
class CustomerReader {
 public:
  // Fails when the file cannot be opened or a CSV header is unusable.
  static absl::StatusOr<std::unique_ptr<CustomerReader>> Open(const std::string& path,
                                                              CustomerFormat format);

  // The next record into `customer` and `record`; false at the end of the input.
  bool Next(persona::v1::Customer* customer, CustomerRecord* record);

  // For progress: how far into the file reading is, and how big it is.
  int64_t bytes_read();
  int64_t total_bytes() const { return total_bytes_; }

 private:
  CustomerReader(std::unique_ptr<std::ifstream> in, CustomerFormat format, int64_t total_bytes);
  bool NextJsonl(persona::v1::Customer* customer, CustomerRecord* record);
  bool NextCsv(persona::v1::Customer* customer, CustomerRecord* record);

  std::unique_ptr<std::ifstream> in_;
  const CustomerFormat format_;
  const int64_t total_bytes_;
  std::vector<char> buffer_;  // a large stream buffer: reading is line by line
  std::string line_;
  int64_t line_number_ = 0;
  std::optional<CsvReader> csv_;
  std::optional<CustomerCsvSchema> schema_;
  std::vector<std::string_view> fields_;
};

}  // namespace persona
