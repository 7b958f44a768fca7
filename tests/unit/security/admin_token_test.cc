#include "service/security/admin_token.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AdminTokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "admin-token-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& contents, mode_t mode) {
    const std::string path = dir_ + "/token";
    std::filesystem::remove(path);
    std::ofstream(path, std::ios::binary) << contents;
    chmod(path.c_str(), mode);
    return path;
  }

  std::string dir_;
};

TEST_F(AdminTokenFileTest, DropsOneTrailingNewline) {
  for (const char* contents : {"s3cret-token", "s3cret-token\n", "s3cret-token\r\n"}) {
    absl::StatusOr<AdminToken> token = AdminToken::LoadFromFile(Write(contents, 0600));
    ASSERT_TRUE(token.ok()) << token.status();
    EXPECT_TRUE(token->Matches("s3cret-token")) << contents;
    EXPECT_FALSE(token->Matches("s3cret-token\n"));
    EXPECT_FALSE(token->Matches("s3cret-toke"));
    EXPECT_FALSE(token->Matches("s3cret-token2"));
    EXPECT_FALSE(token->Matches(""));
  }
}

TEST_F(AdminTokenFileTest, OwnerOnlyModesAreAccepted) {
  EXPECT_TRUE(AdminToken::LoadFromFile(Write("t", 0600)).ok());
  EXPECT_TRUE(AdminToken::LoadFromFile(Write("t", 0400)).ok());
}

TEST_F(AdminTokenFileTest, GroupOrOtherAccessIsRefusedWithTheMode) {
  for (mode_t mode : {0644, 0640, 0604, 0660, 0602}) {
    absl::StatusOr<AdminToken> token = AdminToken::LoadFromFile(Write("secret-value", mode));
    ASSERT_FALSE(token.ok()) << std::oct << mode;
    EXPECT_THAT(token.status().message(), HasSubstr("--admin_token_file="));
    EXPECT_THAT(token.status().message(), HasSubstr("group or others"));
    EXPECT_THAT(token.status().message(), Not(HasSubstr("secret-value")));
  }
}

TEST_F(AdminTokenFileTest, EmptyOrBadTokensAreRefusedWithoutEchoingThem) {
  EXPECT_FALSE(AdminToken::LoadFromFile(Write("", 0600)).ok());
  EXPECT_FALSE(AdminToken::LoadFromFile(Write("\n", 0600)).ok());
  EXPECT_FALSE(AdminToken::LoadFromFile(Write("two\n\n", 0600)).ok());
  absl::StatusOr<AdminToken> spaced = AdminToken::LoadFromFile(Write("has space-x9", 0600));
  ASSERT_FALSE(spaced.ok());
  EXPECT_THAT(spaced.status().message(), Not(HasSubstr("space-x9")));
  EXPECT_FALSE(AdminToken::LoadFromFile(Write(std::string(5000, 'a'), 0600)).ok());
}

TEST_F(AdminTokenFileTest, MissingFileOrDirectoryIsRefused) {
  absl::StatusOr<AdminToken> missing = AdminToken::LoadFromFile(dir_ + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot open"));
  chmod(dir_.c_str(), 0700);
  absl::StatusOr<AdminToken> directory = AdminToken::LoadFromFile(dir_);
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.status().message(), HasSubstr("not a regular file"));
}

TEST(AdminTokenTest, FromSecret) {
  absl::StatusOr<AdminToken> token = AdminToken::FromSecret("abc");
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(token->Matches("abc"));
  EXPECT_FALSE(token->Matches("ABC"));
  EXPECT_FALSE(AdminToken::FromSecret("").ok());
  EXPECT_FALSE(AdminToken::FromSecret("a\tb").ok());
}

}  // namespace
}  // namespace persona::security
