// A host from before ABI 1.2: the server's own plugin loader (service/plugin_host/
// plugin_library.cc) compiled against the frozen 1.1 header, which this target's include
// path puts first (tests/fixtures/plugins/abi_1_1). It must refuse every plugin built against
// the current ABI, naming both versions, and still load the 1.0 and 1.1 plugins: the other
// half of the rule the current host is held to in abi_compat_test.cc.
#include <filesystem>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/plugin_host/plugin_library.h"

static_assert(PERSONA_SEGMENTER_ABI_MAJOR == 1 && PERSONA_SEGMENTER_ABI_MINOR == 1,
              "this host must be compiled against the frozen 1.1 header");

namespace persona {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  return (fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / ("libsegmenter_" + name + ".so")).string();
}

TEST(Abi11HostTest, RefusesPluginsBuiltAgainstTheCurrentAbiNamingBothVersions) {
  for (const std::string& plugin :
       {Fixture("missing_affinity_zero"), Fixture("toy"), std::string(FIRMOGRAPHIC_PLUGIN)}) {
    SCOPED_TRACE(plugin);
    auto library = PluginLibrary::Load(plugin);
    ASSERT_FALSE(library.ok());
    EXPECT_THAT(std::string(library.status().message()),
                HasSubstr(plugin + ": plugin ABI " CURRENT_ABI_VERSION
                                   " is newer than this server's ABI 1.1"));
  }
}

TEST(Abi11HostTest, LoadsThe1Dot0And1Dot1Plugins) {
  auto v10 = PluginLibrary::Load(Fixture("abi_minor_older"));
  ASSERT_TRUE(v10.ok()) << v10.status();
  EXPECT_EQ((*v10)->abi_version(), "1.0");
  EXPECT_EQ((*v10)->api().params_doc.size, 0u);

  auto v11 = PluginLibrary::Load(Fixture("abi_minor_1_1"));
  ASSERT_TRUE(v11.ok()) << v11.status();
  EXPECT_EQ((*v11)->abi_version(), "1.1");
  EXPECT_EQ((*v11)->api().struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_GT((*v11)->api().params_doc.size, 0u);
  EXPECT_EQ((*v11)->default_missing_affinity(), std::nullopt);
}

}  // namespace
}  // namespace persona
