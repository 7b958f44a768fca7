// A streaming CSV record reader (RFC 4180): one record in memory at a time, so a file of
// any length is read in memory bounded by its longest record. The one CSV reader of the
// client: customer files (customer_reader.h) and rfm-calibrate's order files both use it.
// Standard library only (target persona_csv).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {

class CsvReader {
 public:
  enum class Status { kRecord, kEnd, kError };

  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `fields` (views valid until the next call). Rules:
  //   - fields are separated by ','; a record ends at LF or CRLF;
  //   - a field may be quoted with '"'; inside quotes ',' and line breaks are data and '""'
  //     is one '"'; spaces or tabs around a quoted field are ignored;
  //   - a '"' inside an unquoted field, or text after a closing quote, is an error;
  //   - blank lines are skipped;
  //   - a quoted record spanning more than 1 MiB is an error (a stray quote must not pull
  //     the rest of the file into memory).
  // On kError, `error` says what is wrong; the reader continues with the next line.
  Status Next(std::vector<std::string_view>* fields, std::string* error);

  // The 1-based line on which the last record (or error) started.
  int64_t record_line() const { return record_line_; }

 private:
  bool ReadLine();
  Status ParseQuoted(std::vector<std::string_view>* fields, std::string* error);

  std::istream& in_;
  std::string line_;
  // Quoted records are unescaped into one buffer; spans_ are [begin, end) offsets into it,
  // turned into views only once the buffer has stopped growing.
  std::string unquoted_;
  std::vector<std::pair<size_t, size_t>> spans_;
  int64_t line_number_ = 0;
  int64_t record_line_ = 0;
};

}  // namespace persona
