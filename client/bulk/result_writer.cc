#include "client/bulk/result_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/text/customer_csv.h"
#include "client/text/json_writer.h"
#include "client/text/strings.h"

namespace persona {

absl::StatusOr<ResultFormat> ResolveResultFormat(std::string_view flag, std::string_view path) {
  const std::string name = AsciiLower(flag);
  if (name == "jsonl" || name == "json" || name == "ndjson") return ResultFormat::kJsonl;
  if (name == "csv") return ResultFormat::kCsv;
  if (!name.empty()) {
    return absl::InvalidArgumentError("unknown output format \"" + std::string(flag) +
                                      "\" (jsonl, csv)");
  }
  return EndsWith(AsciiLower(path), ".csv") ? ResultFormat::kCsv : ResultFormat::kJsonl;
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  // "-" is stdout, duplicated so closing the file leaves the process's stdout alone.
  std::FILE* file = path == "-" ? fdopen(dup(STDOUT_FILENO), "wb") : std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  std::setvbuf(file, nullptr, _IOFBF, 1 << 20);
  return std::unique_ptr<OutputFile>(new OutputFile(file, path));
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void OutputFile::Write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

absl::Status OutputFile::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) {
    return absl::DataLossError(absl::StrCat(path_, ": write failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ResultWriter>> ResultWriter::Open(const std::string& path,
                                                                 ResultFormat format) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Open(path);
  if (!file.ok()) return file.status();
  std::unique_ptr<ResultWriter> writer(new ResultWriter(*std::move(file), format));
  if (format == ResultFormat::kCsv) {
    writer->file_->Write("line,customer_id,top_persona,top_score,matches,labels,catalog_version\n");
  }
  return writer;
}

void ResultWriter::Write(int64_t line, const persona::v1::ScoreCustomerResponse& result) {
  buffer_.clear();
  if (format_ == ResultFormat::kJsonl) {
    JsonWriter json;
    json.BeginObject().Key("line").Int(line).Key("customer_id").String(result.customer_id());
    json.Key("matches").BeginArray();
    for (const auto& m : result.matches()) {
      json.BeginObject().Key("persona_id").String(m.persona_id());
      json.Key("score").Number(m.score()).EndObject();
    }
    json.EndArray().Key("labels").BeginObject();
    for (const auto& label : result.labels()) json.Key(label.key()).String(label.value());
    json.EndObject().Key("catalog_version").String(result.catalog_version()).EndObject();
    buffer_ = json.Take();
  } else {
    absl::StrAppend(&buffer_, line, ",");
    AppendCsvField(result.customer_id(), &buffer_);
    buffer_.push_back(',');
    if (!result.matches().empty()) {
      AppendCsvField(result.matches(0).persona_id(), &buffer_);
      absl::StrAppend(&buffer_, ",", FormatDouble(result.matches(0).score()));
    } else {
      buffer_.push_back(',');
    }
    std::string cell;
    for (const auto& m : result.matches()) {
      absl::StrAppend(&cell, cell.empty() ? "" : ";", m.persona_id(), ":", FormatDouble(m.score()));
    }
    buffer_.push_back(',');
    AppendCsvField(cell, &buffer_);
    cell.clear();
    for (const auto& label : result.labels()) {
      absl::StrAppend(&cell, cell.empty() ? "" : ";", label.key(), "=", label.value());
    }
    buffer_.push_back(',');
    AppendCsvField(cell, &buffer_);
    buffer_.push_back(',');
    AppendCsvField(result.catalog_version(), &buffer_);
  }
  buffer_.push_back('\n');
  file_->Write(buffer_);
}

absl::StatusOr<std::unique_ptr<RejectWriter>> RejectWriter::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Open(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<RejectWriter>(new RejectWriter(*std::move(file)));
}

void RejectWriter::Write(const RejectedRecord& rejected) {
  JsonWriter json;
  json.BeginObject().Key("line").Int(rejected.line).Key("record").Uint(rejected.record);
  json.Key("customer_id").String(rejected.customer_id).Key("code").String(rejected.code);
  json.Key("reason").String(rejected.reason).EndObject();
  std::string text = json.Take();
  text.push_back('\n');
  file_->Write(text);
}

}  // namespace persona
