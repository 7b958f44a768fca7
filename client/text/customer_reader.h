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
#include "client/text/json_record_splitter.h"
#include "persona/v1/customer.pb.h"

namespace persona {

// kJsonl is every JSON layout: JSON Lines (one object per line), one object (it may span
// lines: a pretty-printed customer), objects one after another, or an array of objects.
// CustomerReader tells them apart by the content (see Open).
enum class CustomerFormat { kJsonl, kCsv };

// The format named by `flag` ("jsonl", "json", "ndjson", "csv"), or when empty the one
// `path`'s extension implies (.jsonl/.ndjson/.json → JSON, .csv → CSV).
absl::StatusOr<CustomerFormat> ResolveCustomerFormat(std::string_view flag, std::string_view path);

// Where one input record came from, and whether it could be read.
struct CustomerRecord {
  int64_t line = 0;         // 1-based line the record starts on
  int64_t number = 0;       // 1-based position among the file's records
  std::string customer_id;  // best effort (CSV), for error reports
  absl::Status status;      // not OK: the record is unreadable; the reason names the problem
};

// Reads customers one record at a time, in memory bounded by the longest record. Every
// non-blank line of JSON Lines is a record; in CSV, every row after the header; in an array,
// every element. A record that cannot be parsed is still a record (with its error), so a
// caller can account for each one.
class CustomerReader {
 public:
  // Fails when the file cannot be opened, a CSV header is unusable, or a JSON file starts
  // with anything but '{' or '[' (the message lists the accepted layouts). The JSON layout
  // is the content's: '[' is an array; '{' whose object closes on its first line is JSON
  // Lines; '{' whose object closes on a later line is one object (or several, one after
  // another) spanning lines; '{' whose object never closes is JSON Lines, so each broken
  // line is reported on its own. A UTF-8 byte order mark is skipped. A pipe (not seekable)
  // is read as JSON Lines.
  static absl::StatusOr<std::unique_ptr<CustomerReader>> Open(const std::string& path,
                                                              CustomerFormat format);

  // "line 5" (JSON Lines, CSV) or "record 3 (line 12)" (an array, or objects spanning
  // lines, where a record's number is what a reader counts by): for error messages.
  std::string Where(const CustomerRecord& record) const;

  // The next record into `customer` and `record`; false at the end of the input.
  bool Next(persona::v1::Customer* customer, CustomerRecord* record);

  // For progress: how far into the file reading is, and how big it is.
  int64_t bytes_read();
  int64_t total_bytes() const { return total_bytes_; }

 private:
  CustomerReader(std::unique_ptr<std::ifstream> in, CustomerFormat format, int64_t total_bytes);
  bool NextJsonl(persona::v1::Customer* customer, CustomerRecord* record);
  bool NextJsonDocument(persona::v1::Customer* customer, CustomerRecord* record);
  void Parse(std::string_view text, persona::v1::Customer* customer, CustomerRecord* record);
  bool NextCsv(persona::v1::Customer* customer, CustomerRecord* record);

  std::unique_ptr<std::ifstream> in_;
  const CustomerFormat format_;
  const int64_t total_bytes_;
  std::vector<char> buffer_;  // a large stream buffer: reading is line by line
  std::string line_;
  int64_t line_number_ = 0;
  int64_t records_ = 0;
  std::optional<JsonRecordSplitter> json_;  // set: a JSON array, or objects spanning lines
  std::optional<CsvReader> csv_;
  std::optional<CustomerCsvSchema> schema_;
  std::vector<std::string_view> fields_;
};

}  // namespace persona
