#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace persona {

// One admin action as written to the audit log.
struct AuditRecord {
  absl::Time time;
  std::string actor;   // token fingerprint, client certificate subject, "loopback", …
  std::string action;  // "ReloadCatalog", "StageCatalog", "PromoteCatalog", …
  std::string version_before;
  std::string version_after;
  std::string candidate_version;
  std::string outcome;  // "ok", "refused" or "failed"
  std::vector<std::string> problems;
};

// The CatalogAdmin methods that change or stage something, and so are audited (refused
// callers included): ReloadCatalog, StageCatalog, PromoteCatalog, DiscardCatalog,
// RollbackCatalog.
bool IsAuditedAdminAction(std::string_view method);

// The record as one JSON object on one line (no newline), keys in a fixed order:
//   {"time":"2026-12-08T10:00:00.123Z","actor":"token:3f1c…","action":"PromoteCatalog",
//    "version_before":"a","version_after":"b","candidate_version":"b","outcome":"ok",
//    "problems":[]}
std::string FormatAuditLine(const AuditRecord& record);

// The append-only audit file (--audit_log). Each record is one write(2) of one line on a file
// opened O_APPEND, so lines are never interleaved or half-buffered in the process. A failed
// write is logged and counted and never reaches the caller: auditing must not fail an RPC.
class AuditLog {
 public:
  // Opens (creating, mode 0600) `path` for appending; an error names the path and reason.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void Append(const AuditRecord& record);
  uint64_t write_failures() const;
  // Called (outside any lock of the caller) after each failed write, e.g. a metrics counter.
  void set_failure_listener(std::function<void()> listener) { on_failure_ = std::move(listener); }

 private:
  AuditLog(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string path_;
  const int fd_;
  mutable std::mutex mu_;
  uint64_t write_failures_ = 0;  // guarded by mu_
  std::function<void()> on_failure_;
};

}  // namespace persona
