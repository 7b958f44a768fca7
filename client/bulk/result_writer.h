#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/bulk/score_file.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

enum class ResultFormat { kJsonl, kCsv };

// The format named by `flag` ("jsonl", "csv"), or when empty the one `path` implies (.csv →
// CSV, anything else JSON Lines).
absl::StatusOr<ResultFormat> ResolveResultFormat(std::string_view flag, std::string_view path);

// A buffered output file ("-" = stdout) that reports the first write error on Close.
class OutputFile {
 public:
  static absl::StatusOr<std::unique_ptr<OutputFile>> Open(const std::string& path);
  ~OutputFile();
  void Write(std::string_view text);
  absl::Status Close();

 private:
  OutputFile(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  std::FILE* file_;
  const std::string path_;
  bool failed_ = false;
};

// One line per scored customer, in input order.
//   JSON Lines: {"line":3,"customer_id":"c-1","matches":[{"persona_id":"hemat-fred",
//                "score":0.97}],"labels":{"rfm":"champions"},"catalog_version":"…"}
//   CSV:        line,customer_id,top_persona,top_score,matches,labels,catalog_version
//               with matches "id:score;id:score" and labels "key=value;key=value".
class ResultWriter {
 public:
  static absl::StatusOr<std::unique_ptr<ResultWriter>> Open(const std::string& path,
                                                            ResultFormat format);
  void Write(int64_t line, const persona::v1::ScoreCustomerResponse& result);
  absl::Status Close() { return file_->Close(); }

 private:
  ResultWriter(std::unique_ptr<OutputFile> file, ResultFormat format)
      : file_(std::move(file)), format_(format) {}
  std::unique_ptr<OutputFile> file_;
  const ResultFormat format_;
  std::string buffer_;
};

// One JSON line per rejected record:
//   {"line":7,"record":6,"customer_id":"c-7","code":"INVALID_ARGUMENT","reason":"…"}
class RejectWriter {
 public:
  static absl::StatusOr<std::unique_ptr<RejectWriter>> Open(const std::string& path);
  void Write(const RejectedRecord& rejected);
  absl::Status Close() { return file_->Close(); }

 private:
  explicit RejectWriter(std::unique_ptr<OutputFile> file) : file_(std::move(file)) {}
  std::unique_ptr<OutputFile> file_;
};

}  // namespace persona
