#include "client/text/csv_reader.h"

namespace persona {
namespace {

constexpr size_t kMaxQuotedRecordBytes = 1 << 20;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool CsvReader::ReadLine() {
  if (!std::getline(in_, line_)) return false;
  ++line_number_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  return true;
}

CsvReader::Status CsvReader::Next(std::vector<std::string_view>* fields, std::string* error) {
  do {
    if (!ReadLine()) return Status::kEnd;
  } while (line_.empty());
  record_line_ = line_number_;
  fields->clear();
  if (line_.find('"') != std::string::npos) return ParseQuoted(fields, error);

  // Fast path, almost every row: no quotes, so fields are plain views into the line.
  const std::string_view line(line_);
  size_t begin = 0;
  for (;;) {
    const size_t comma = line.find(',', begin);
    if (comma == std::string_view::npos) {
      fields->push_back(line.substr(begin));
      return Status::kRecord;
    }
    fields->push_back(line.substr(begin, comma - begin));
    begin = comma + 1;
  }
}

CsvReader::Status CsvReader::ParseQuoted(std::vector<std::string_view>* fields,
                                         std::string* error) {
  unquoted_.clear();
  spans_.clear();
  size_t i = 0;
  for (;;) {
    const size_t start = unquoted_.size();
    size_t lookahead = i;
    while (lookahead < line_.size() && IsBlank(line_[lookahead])) ++lookahead;
    if (lookahead < line_.size() && line_[lookahead] == '"') {
      i = lookahead + 1;
      for (;;) {
        if (i >= line_.size()) {
          // A line break inside quotes is data: the field continues on the next line.
          if (!ReadLine()) {
            *error = "unterminated quoted field " + std::to_string(spans_.size() + 1) +
                     " (the quote opened on line " + std::to_string(record_line_) + ")";
            return Status::kError;
          }
          unquoted_ += '\n';
          i = 0;
          // A stray quote would otherwise pull the rest of the file into one field; memory
          // stays bounded and the error points at the quote.
          if (unquoted_.size() > kMaxQuotedRecordBytes) {
            *error = "quoted field " + std::to_string(spans_.size() + 1) + " runs past " +
                     std::to_string(kMaxQuotedRecordBytes) +
                     " bytes: probably an unterminated quote (opened on line " +
                     std::to_string(record_line_) + ")";
            return Status::kError;
          }
          continue;
        }
        const char c = line_[i];
        if (c == '"') {
          if (i + 1 < line_.size() && line_[i + 1] == '"') {
            unquoted_ += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        unquoted_ += c;
        ++i;
      }
      while (i < line_.size() && IsBlank(line_[i])) ++i;
      if (i < line_.size() && line_[i] != ',') {
        *error =
            "unexpected text after the closing quote of field " + std::to_string(spans_.size() + 1);
        return Status::kError;
      }
    } else {
      while (i < line_.size() && line_[i] != ',') {
        if (line_[i] == '"') {
          *error = "a quote inside unquoted field " + std::to_string(spans_.size() + 1) +
                   " (quote the whole field and double the inner quote)";
          return Status::kError;
        }
        unquoted_ += line_[i];
        ++i;
      }
    }
    spans_.emplace_back(start, unquoted_.size());
    if (i < line_.size() && line_[i] == ',') {
      ++i;  // a trailing comma yields one more, empty field
      continue;
    }
    break;
  }
  const std::string_view all(unquoted_);
  for (const auto& [b, e] : spans_) fields->push_back(all.substr(b, e - b));
  return Status::kRecord;
}

}  // namespace persona
