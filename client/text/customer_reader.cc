#include "client/text/customer_reader.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/text/customer_json.h"
#include "client/text/strings.h"

namespace persona {

absl::StatusOr<CustomerFormat> ResolveCustomerFormat(std::string_view flag, std::string_view path) {
  const std::string name = AsciiLower(flag);
  if (name == "jsonl" || name == "json" || name == "ndjson") return CustomerFormat::kJsonl;
  if (name == "csv") return CustomerFormat::kCsv;
  if (!name.empty()) {
    return absl::InvalidArgumentError("unknown format \"" + std::string(flag) + "\" (jsonl, csv)");
  }
  const std::string lower = AsciiLower(path);
  if (EndsWith(lower, ".csv")) return CustomerFormat::kCsv;
  if (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson") || EndsWith(lower, ".json")) {
    return CustomerFormat::kJsonl;
  }
  return absl::InvalidArgumentError(std::string(path) +
                                    ": cannot tell the format from the extension; use .jsonl, "
                                    ".json or .csv, or say --format=jsonl|csv");
}

namespace {

constexpr char kAcceptedJson[] =
    "customer JSON is accepted as JSON Lines (one object per line), as one object (it may "
    "span lines), or as an array of objects; CSV needs a .csv name or --format=csv";

enum class JsonLayout { kLines, kArray, kObjects };

// Skips a UTF-8 byte order mark at the stream's start, if there is one.
void SkipByteOrderMark(std::istream& in) {
  char bom[3] = {};
  in.read(bom, 3);
  if (in.gcount() == 3 && bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF') return;
  in.clear();
  in.seekg(0);
}

// Looks at the content from the stream's position (reading at most through the first
// object) to tell the layouts apart; see CustomerReader::Open.
absl::StatusOr<JsonLayout> SniffJsonLayout(std::istream& in) {
  std::streambuf& buffer = *in.rdbuf();
  constexpr int kEof = std::char_traits<char>::eof();
  int c = buffer.sbumpc();
  while (c != kEof && IsAsciiSpace(static_cast<char>(c))) c = buffer.sbumpc();
  if (c == kEof) return JsonLayout::kLines;  // empty: no records
  if (c == '[') return JsonLayout::kArray;
  if (c != '{') {
    const std::string shown = c > 0x20 && c < 0x7f
                                  ? absl::StrCat("'", std::string(1, static_cast<char>(c)), "'")
                                  : absl::StrCat("byte ", c);
    return absl::InvalidArgumentError(
        absl::StrCat("starts with ", shown, ", not '{' or '[': ", kAcceptedJson));
  }
  int depth = 1;
  bool in_string = false;
  bool spans_lines = false;
  while (depth > 0) {
    c = buffer.sbumpc();
    if (c == kEof) return JsonLayout::kLines;  // never closes: report it line by line
    if (c == '\n') spans_lines = true;
    if (in_string) {
      if (c == '\\') {
        buffer.sbumpc();
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return spans_lines ? JsonLayout::kObjects : JsonLayout::kLines;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CustomerReader>> CustomerReader::Open(const std::string& path,
                                                                     CustomerFormat format) {
  auto in = std::make_unique<std::ifstream>();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::unique_ptr<CustomerReader> reader(
      new CustomerReader(std::move(in), format, ec ? 0 : static_cast<int64_t>(size)));
  reader->in_->rdbuf()->pubsetbuf(reader->buffer_.data(),
                                  static_cast<std::streamsize>(reader->buffer_.size()));
  reader->in_->open(path, std::ios::binary);
  if (!*reader->in_) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  // A pipe cannot be looked at twice: it is read as JSON Lines, as it always was.
  if (format == CustomerFormat::kJsonl && reader->in_->tellg() != std::streampos(-1)) {
    SkipByteOrderMark(*reader->in_);
    const std::streampos start = reader->in_->tellg();
    absl::StatusOr<JsonLayout> layout = SniffJsonLayout(*reader->in_);
    if (!layout.ok())
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", layout.status().message()));
    reader->in_->clear();
    reader->in_->seekg(start);
    if (!*reader->in_) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot seek"));
    if (*layout != JsonLayout::kLines) {
      reader->json_.emplace(reader->in_.get(), *layout == JsonLayout::kArray
                                                   ? JsonRecordSplitter::Layout::kArray
                                                   : JsonRecordSplitter::Layout::kObjects);
    }
  }
  if (format == CustomerFormat::kCsv) {
    reader->csv_.emplace(*reader->in_);
    std::string error;
    switch (reader->csv_->Next(&reader->fields_, &error)) {
      case CsvReader::Status::kEnd:
        return absl::InvalidArgumentError(absl::StrCat(path, ": empty (a CSV needs a header)"));
      case CsvReader::Status::kError:
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", reader->csv_->record_line(), ": header: ", error));
      case CsvReader::Status::kRecord:
        break;
    }
    absl::StatusOr<CustomerCsvSchema> schema = CustomerCsvSchema::FromHeader(reader->fields_);
    if (!schema.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", reader->csv_->record_line(), ": ", schema.status().message()));
    }
    reader->schema_ = *std::move(schema);
  }
  return reader;
}

CustomerReader::CustomerReader(std::unique_ptr<std::ifstream> in, CustomerFormat format,
                               int64_t total_bytes)
    : in_(std::move(in)), format_(format), total_bytes_(total_bytes), buffer_(1 << 20) {}

int64_t CustomerReader::bytes_read() {
  const auto position = in_->tellg();
  return position < 0 ? total_bytes_ : static_cast<int64_t>(position);
}

bool CustomerReader::Next(persona::v1::Customer* customer, CustomerRecord* record) {
  record->customer_id.clear();
  record->status = absl::OkStatus();
  const bool more = format_ == CustomerFormat::kCsv ? NextCsv(customer, record)
                    : json_                         ? NextJsonDocument(customer, record)
                                                    : NextJsonl(customer, record);
  if (more) record->number = ++records_;
  return more;
}

std::string CustomerReader::Where(const CustomerRecord& record) const {
  if (json_) return absl::StrCat("record ", record.number, " (line ", record.line, ")");
  return absl::StrCat("line ", record.line);
}

void CustomerReader::Parse(std::string_view text, persona::v1::Customer* customer,
                           CustomerRecord* record) {
  customer->Clear();
  if (absl::Status status = CustomerFromJson(text, customer); !status.ok()) {
    record->status = absl::InvalidArgumentError(
        absl::StrCat("not a valid persona.v1.Customer: ", status.message()));
  } else {
    record->customer_id = customer->customer_id();
  }
}

bool CustomerReader::NextJsonDocument(persona::v1::Customer* customer, CustomerRecord* record) {
  absl::Status problem;
  if (!json_->Next(&line_, &record->line, &problem)) return false;
  if (!problem.ok()) {
    customer->Clear();
    record->status = absl::InvalidArgumentError(
        absl::StrCat(problem.message(), "; nothing after it is read (", kAcceptedJson, ")"));
    return true;
  }
  Parse(line_, customer, record);
  return true;
}

bool CustomerReader::NextJsonl(persona::v1::Customer* customer, CustomerRecord* record) {
  while (std::getline(*in_, line_)) {
    ++line_number_;
    const std::string_view text = Trim(line_);
    if (text.empty()) continue;  // blank lines are not records
    record->line = line_number_;
    Parse(text, customer, record);
    return true;
  }
  return false;
}

bool CustomerReader::NextCsv(persona::v1::Customer* customer, CustomerRecord* record) {
  std::string error;
  switch (csv_->Next(&fields_, &error)) {
    case CsvReader::Status::kEnd:
      return false;
    case CsvReader::Status::kError:
      record->line = csv_->record_line();
      record->status = absl::InvalidArgumentError(absl::StrCat("bad CSV: ", error));
      return true;
    case CsvReader::Status::kRecord:
      break;
  }
  record->line = csv_->record_line();
  record->customer_id = std::string(schema_->CustomerId(fields_));
  record->status = schema_->Parse(fields_, customer);
  return true;
}

}  // namespace persona
