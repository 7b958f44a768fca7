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
                                    ": cannot tell the format from the extension; use .jsonl or "
                                    ".csv, or say --format=jsonl|csv");
}

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
  return format_ == CustomerFormat::kCsv ? NextCsv(customer, record) : NextJsonl(customer, record);
}

bool CustomerReader::NextJsonl(persona::v1::Customer* customer, CustomerRecord* record) {
  while (std::getline(*in_, line_)) {
    ++line_number_;
    const std::string_view text = Trim(line_);
    if (text.empty()) continue;  // blank lines are not records
    record->line = line_number_;
    customer->Clear();
    if (absl::Status status = CustomerFromJson(text, customer); !status.ok()) {
      record->status = absl::InvalidArgumentError(
          absl::StrCat("not a valid persona.v1.Customer: ", status.message()));
    } else {
      record->customer_id = customer->customer_id();
    }
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
