#include "service/common/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "json_escape/json_escape.h"
#include "service/common/event_log.h"

namespace persona {
namespace {

void AppendField(std::string* out, const char* key, const std::string& value) {
  absl::StrAppend(out, "\"", key, "\":");
  AppendJsonString(value, out);
  out->push_back(',');
}

}  // namespace

bool IsAuditedAdminAction(std::string_view method) {
  return method == "ReloadCatalog" || method == "StageCatalog" || method == "PromoteCatalog" ||
         method == "DiscardCatalog" || method == "RollbackCatalog";
}

std::string FormatAuditLine(const AuditRecord& record) {
  std::string line = "{";
  AppendField(&line, "time",
              absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", record.time, absl::UTCTimeZone()));
  AppendField(&line, "actor", record.actor);
  AppendField(&line, "action", record.action);
  AppendField(&line, "version_before", record.version_before);
  AppendField(&line, "version_after", record.version_after);
  AppendField(&line, "candidate_version", record.candidate_version);
  AppendField(&line, "outcome", record.outcome);
  line += "\"problems\":[";
  for (size_t i = 0; i < record.problems.size(); ++i) {
    if (i > 0) line.push_back(',');
    AppendJsonString(record.problems[i], &line);
  }
  line += "]}";
  return line;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--audit_log=", path, ": cannot open for appending: ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(path, fd));
}

AuditLog::~AuditLog() { ::close(fd_); }

void AuditLog::Append(const AuditRecord& record) {
  const std::string line = FormatAuditLine(record) + "\n";
  std::string error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = n < 0 ? std::strerror(errno) : "nothing written";
        break;
      }
      written += static_cast<size_t>(n);
    }
    if (!error.empty()) ++write_failures_;
  }
  if (error.empty()) return;
  LogEvent("error", "audit_write_failed",
           {{"path", path_}, {"action", record.action}, {"reason", error}});
  if (on_failure_) on_failure_();
}

uint64_t AuditLog::write_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_failures_;
}

}  // namespace persona
