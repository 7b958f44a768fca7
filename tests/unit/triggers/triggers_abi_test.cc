// The triggers segmenter through the C ABI, the way the host sees it: the built shared library,
// loaded with RTLD_NOW | RTLD_LOCAL as the host loads it, and its description (name, version,
// params_doc, the default missing affinity of ABI 1.2).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"
#include "triggers_segmenter.h"

#ifndef TRIGGERS_PLUGIN_PATH
#error "TRIGGERS_PLUGIN_PATH must name the built libsegmenter_triggers.so"
#endif

namespace persona {
namespace triggers {
namespace {

using testing::At;
using testing::CustomerBuilder;
using testing::kIndonesianCalendars;
using testing::ScoreResult;
using testing::TestHost;

class SharedLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(TRIGGERS_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    const auto entry =
        reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(library_, PERSONA_SEGMENTER_ENTRY_SYMBOL));
    ASSERT_NE(entry, nullptr) << dlerror();
    plugin_ = entry();
    ASSERT_NE(plugin_, nullptr);
  }
  void TearDown() override {
    if (library_ != nullptr) dlclose(library_);
  }

  void* library_ = nullptr;
  const PersonaSegmenterPlugin* plugin_ = nullptr;
};

TEST_F(SharedLibraryTest, DescribesItselfAndExportsOnlyTheEntry) {
  EXPECT_EQ(plugin_->struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin_->abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin_->abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));
  EXPECT_EQ(sdk::View(plugin_->name), "triggers");
  EXPECT_EQ(sdk::View(plugin_->version), "1.0.0");
  EXPECT_FALSE(sdk::View(plugin_->description).empty());
  EXPECT_EQ(sdk::View(plugin_->params_doc), TriggersSegmenter::kParamsDoc);
  // Hidden visibility: the logic's own symbols stay inside the library.
  EXPECT_EQ(dlsym(library_,
                  "_ZN7persona8triggers19AnniversaryAffinityERKNS0_16AnniversaryFieldENS0_"
                  "19AnniversaryDistanceE"),
            nullptr);
}

TEST_F(SharedLibraryTest, DeclaresMissingAsNotHappening) {
  TestHost host(plugin_);
  EXPECT_EQ(host.DefaultMissingAffinity(), 0.0);
}

TEST_F(SharedLibraryTest, CreateCompileScoreThroughTheLibrary) {
  TestHost host(plugin_);
  EXPECT_EQ(host.Create(R"({"default_time_zone": "Asia/Jakarta"})"),
            "config.default_time_zone: \"Asia/Jakarta\" is a time-zone name; plugins have no "
            "time-zone database, give the fixed offset, e.g. \"+07:00\" (customers' own "
            "location.time_zone is resolved by the server)");
  ASSERT_EQ(host.Create(kIndonesianCalendars), "");
  EXPECT_EQ(host.Compile(R"({"seasons": ["11.11"]})"),
            "params.seasons[0]: unknown season \"11.11\" (configured: back_to_school, harbolnas, "
            "lebaran, payday, year_end)");
  ASSERT_EQ(host.Compile(R"({"birthday": {"within_days": 14}, "seasons": ["harbolnas"]})"), "");
  ASSERT_EQ(host.Compile(R"({"life_events": {"any_of": ["new_baby"], "within_days": 90}})"), "");

  CustomerBuilder builder;
  builder.BirthDate(1992, 11, 20).TimeZone("Asia/Jakarta", 7 * 3600);
  const ScoreResult r = host.Score(builder.Build(), /*explain=*/true, At(2026, 11, 10));
  ASSERT_EQ(r.status, PERSONA_OK) << r.error;
  EXPECT_EQ(r.scores[0].affinity, 1.0);  // birthday in 10 days, Harbolnas on
  EXPECT_EQ(r.scores[0].coverage, 1.0);
  EXPECT_EQ(r.scores[1].affinity, 0.0);
  EXPECT_EQ(r.scores[1].coverage, 1.0);
  EXPECT_EQ(r.Label("season"), "harbolnas");
  EXPECT_EQ(r.Label("birthday_in_days"), "10");
  EXPECT_EQ(r.details.size(), 3u);
}

}  // namespace
}  // namespace triggers
}  // namespace persona
