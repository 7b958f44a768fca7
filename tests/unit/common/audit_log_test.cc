// The audit log: one JSON line per admin action, appended and never fatal to the caller.
#include "service/common/audit_log.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

AuditRecord Example() {
  AuditRecord record;
  record.time = absl::FromUnixMillis(1796731200123);  // 2026-12-08T12:00:00.123Z
  record.actor = "token:0123456789ab";
  record.action = "PromoteCatalog";
  record.version_before = "v1";
  record.version_after = "v2";
  record.candidate_version = "v2";
  record.outcome = "ok";
  return record;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(AuditLogTest, LineHasEveryFieldInAFixedOrder) {
  EXPECT_EQ(FormatAuditLine(Example()),
            R"({"time":"2026-12-08T12:00:00.123Z","actor":"token:0123456789ab",)"
            R"("action":"PromoteCatalog","version_before":"v1","version_after":"v2",)"
            R"("candidate_version":"v2","outcome":"ok","problems":[]})");
}

TEST(AuditLogTest, ProblemsAndOddCharactersAreEscaped) {
  AuditRecord record = Example();
  record.outcome = "failed";
  record.actor = "cert:CN=ops \"admin\"";
  record.problems = {"<request>: personas[0].min_score: must be in [0, 1]", "line\nbreak"};
  const std::string line = FormatAuditLine(record);
  EXPECT_THAT(line, ::testing::HasSubstr(R"("actor":"cert:CN=ops \"admin\"")"));
  EXPECT_THAT(line, ::testing::HasSubstr(
                        R"("problems":["<request>: personas[0].min_score: must be in [0, 1]",)"
                        R"("line\nbreak"]})"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AuditLogTest, OnlyChangingActionsAreAudited) {
  for (const char* method :
       {"ReloadCatalog", "StageCatalog", "PromoteCatalog", "DiscardCatalog", "RollbackCatalog"}) {
    EXPECT_TRUE(IsAuditedAdminAction(method)) << method;
  }
  for (const char* method : {"GetCatalogStatus", "ValidateCatalog", "GetShadowReport",
                             "ListCatalogHistory", "CompareCandidate"}) {
    EXPECT_FALSE(IsAuditedAdminAction(method)) << method;
  }
}

TEST(AuditLogTest, AppendsOneLinePerRecordToAnExistingFile) {
  const fs::path path = fs::path(::testing::TempDir()) / "audit_append.log";
  fs::remove(path);
  std::ofstream(path) << "earlier line\n";
  {
    auto log = AuditLog::Open(path.string());
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Append(Example());
    AuditRecord second = Example();
    second.action = "RollbackCatalog";
    (*log)->Append(second);
    // Written through at once: readable before the log is closed.
    EXPECT_THAT(ReadAll(path), ::testing::HasSubstr("RollbackCatalog"));
    EXPECT_EQ((*log)->write_failures(), 0u);
  }
  const std::string text = ReadAll(path);
  EXPECT_EQ(text, "earlier line\n" + FormatAuditLine(Example()) + "\n" + FormatAuditLine([] {
                    AuditRecord r = Example();
                    r.action = "RollbackCatalog";
                    return r;
                  }()) +
                      "\n");
  fs::remove(path);
}

TEST(AuditLogTest, NewFileIsOwnerOnly) {
  const fs::path path = fs::path(::testing::TempDir()) / "audit_mode.log";
  fs::remove(path);
  ASSERT_TRUE(AuditLog::Open(path.string()).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  fs::remove(path);
}

TEST(AuditLogTest, UnopenablePathIsAnErrorNamingTheFlag) {
  auto log = AuditLog::Open("/nonexistent-dir/audit.log");
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(log.status().message(), ::testing::HasSubstr("--audit_log=/nonexistent-dir/"));
}

TEST(AuditLogTest, WriteFailureIsCountedAndNeverThrown) {
  // /dev/full accepts the open and fails every write with ENOSPC.
  auto log = AuditLog::Open("/dev/full");
  ASSERT_TRUE(log.ok()) << log.status();
  int told = 0;
  (*log)->set_failure_listener([&told] { ++told; });
  (*log)->Append(Example());
  (*log)->Append(Example());
  EXPECT_EQ((*log)->write_failures(), 2u);
  EXPECT_EQ(told, 2);
}

}  // namespace
}  // namespace persona
