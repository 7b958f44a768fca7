#include "service/plugin_host/plugin_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class PluginStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("store_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "plugins");
    auto store = PluginStore::Create((root_ / "cache").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  // Installs a fixture plugin into the operator's plugin directory the way operators should:
  // write a new file, then rename it over the old name.
  std::string Install(const std::string& fixture, const std::string& as,
                      const std::string& trailer = "") {
    const fs::path target = root_ / "plugins" / as;
    const fs::path temporary = root_ / "plugins" / (".tmp-" + as);
    fs::copy_file(fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / fixture, temporary,
                  fs::copy_options::overwrite_existing);
    if (!trailer.empty()) std::ofstream(temporary, std::ios::app | std::ios::binary) << trailer;
    fs::rename(temporary, target);
    return target.string();
  }

  size_t CachedFiles() const {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(root_ / "cache")) n += entry.is_regular_file();
    return n;
  }

  fs::path root_;
  std::unique_ptr<PluginStore> store_;
};

TEST_F(PluginStoreTest, LoadsFromAContentAddressedCopy) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  auto loaded = store_->Load(path, "");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->sha256.size(), 64u);
  EXPECT_EQ(loaded->library->path().filename().string(), loaded->sha256 + "-libsegmenter_toy.so");
  EXPECT_EQ(loaded->library->path().parent_path(), root_ / "cache");
}

TEST_F(PluginStoreTest, SameBytesShareOneLibrary) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  auto first = store_->Load(path, "");
  auto second = store_->Load(path, "");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->library.get(), second->library.get());
  EXPECT_EQ(CachedFiles(), 1u);
}

TEST_F(PluginStoreTest, ANewBuildUnderTheSameNameLoadsAsNewCode) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  auto old_build = store_->Load(path, "");
  ASSERT_TRUE(old_build.ok());
  Install("libsegmenter_toy.so", "libsegmenter_toy.so", "a different build");
  auto new_build = store_->Load(path, "");
  ASSERT_TRUE(new_build.ok()) << new_build.status();
  EXPECT_NE(old_build->sha256, new_build->sha256);
  EXPECT_NE(old_build->library->path(), new_build->library->path());
  EXPECT_NE(old_build->library.get(), new_build->library.get());
  EXPECT_EQ(CachedFiles(), 2u);  // both live: a snapshot may still use the old one

  const fs::path old_copy = old_build->library->path();
  old_build->library.reset();  // the last user of the old build lets go
  EXPECT_FALSE(fs::exists(old_copy));
  EXPECT_EQ(CachedFiles(), 1u);
}

TEST_F(PluginStoreTest, PinMismatchOpensNothing) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  auto loaded = store_->Load(path, std::string(64, 'a'));
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("pinned aaaa"));
  EXPECT_EQ(CachedFiles(), 0u);
}

TEST_F(PluginStoreTest, LoadErrorsNameTheOperatorsFileNotTheCopy) {
  const std::string path = Install("libsegmenter_abi_major_mismatch.so", "libsegmenter_x.so");
  auto loaded = store_->Load(path, "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
  EXPECT_THAT(loaded.status().message(), Not(HasSubstr((root_ / "cache").string())));
  EXPECT_EQ(CachedFiles(), 0u);
}

TEST(PluginStoreOwnedDirTest, PrivateCacheIsRemovedWithTheStore) {
  auto store = PluginStore::Create("");
  ASSERT_TRUE(store.ok());
  const std::string dir = (*store)->cache_dir();
  EXPECT_TRUE(fs::is_directory(dir));
  store->reset();
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace persona

namespace persona {
namespace {

class PluginStorePermissionTest : public PluginStoreTest {};

TEST_F(PluginStorePermissionTest, PluginWritableByOthersIsRefused) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  fs::permissions(path, fs::perms::others_write, fs::perm_options::add);
  auto loaded = store_->Load(path, "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("writable by others"));
  EXPECT_EQ(CachedFiles(), 0u);
}

TEST_F(PluginStorePermissionTest, PluginWritableByGroupIsRefused) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  fs::permissions(path, fs::perms::group_write, fs::perm_options::add);
  auto loaded = store_->Load(path, "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("writable by its group"));
}

TEST_F(PluginStorePermissionTest, PluginDirectoryWritableByOthersIsRefused) {
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  fs::permissions(root_ / "plugins", fs::perms::others_write, fs::perm_options::add);
  auto loaded = store_->Load(path, "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("plugin directory"));
  fs::permissions(root_ / "plugins", fs::perms::others_write, fs::perm_options::remove);
  EXPECT_TRUE(store_->Load(path, "").ok());
}

TEST_F(PluginStorePermissionTest, PluginOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  const std::string path = Install("libsegmenter_toy.so", "libsegmenter_toy.so");
  ASSERT_EQ(chown(path.c_str(), 4242, 4242), 0);
  auto loaded = store_->Load(path, "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("owned by uid 4242"));
}

}  // namespace
}  // namespace persona
