// The behavioral segmenter through the C ABI, the way the host sees it: first through the SDK
// adapter's function table linked in, then through the built shared library, loaded with
// RTLD_NOW | RTLD_LOCAL as the host loads it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

#ifndef BEHAVIORAL_PLUGIN_PATH
#error "BEHAVIORAL_PLUGIN_PATH must name the built libsegmenter_behavioral.so"
#endif

namespace persona {
namespace behavioral {
namespace {

using testing::CustomerBuilder;
using testing::DaysBefore;
using testing::Item;
using testing::kAsOf;
using testing::OrderDetailData;
using testing::ScoreResult;
using testing::TestHost;

// create -> compile -> score -> release -> destroy through `plugin`'s function table.
void ExerciseFunctionTable(const PersonaSegmenterPlugin* plugin) {
  ASSERT_EQ(plugin->struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin->abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin->abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));
  // No default missing affinity: a data gap is an unknown, the host's 0.5.
  EXPECT_EQ(plugin->has_default_missing_affinity, 0);
  EXPECT_FALSE(sdk::View(plugin->params_doc).empty());

  TestHost host(plugin);
  EXPECT_EQ(host.Create(R"({"label_window_days": -1})"),
            "config.label_window_days: must be between 1 and 36600, got -1");
  ASSERT_EQ(host.Create("{}"), "");
  EXPECT_EQ(host.Compile(R"({"nps": ["fan"]})"),
            "params.nps[0]: unknown band \"fan\" (valid: promoter, passive, detractor)");
  ASSERT_EQ(host.Compile(R"({"categories": {"any_of": ["baby"], "min_share": 0.5},
                             "nps": ["promoter"]})"),
            "");
  EXPECT_FALSE(host.DefaultMissingAffinity().has_value());

  CustomerBuilder builder;
  OrderDetailData detail;
  detail.items = {Item("baby", 20), Item("food", 80)};
  detail.voucher_code = "X";
  builder.Order("o1", DaysBefore(2), 100, detail);
  const ScoreResult r = host.Score(builder.Build(), /*explain=*/true, kAsOf);
  ASSERT_EQ(r.status, PERSONA_OK) << r.error;
  EXPECT_DOUBLE_EQ(r.scores[0].affinity, 0.4);  // 0.2 / 0.5; nps missing
  EXPECT_DOUBLE_EQ(r.scores[0].coverage, 0.5);
  EXPECT_EQ(r.details.size(), 2u);
  EXPECT_EQ(r.Label("top_category"), "food");
  EXPECT_EQ(r.Label("discount_share"), "1.00");
}

TEST(BehavioralAbiTest, AdapterFunctionTable) { ExerciseFunctionTable(testing::Plugin()); }

TEST(BehavioralAbiTest, SharedLibraryLoadsAndExportsOnlyTheEntry) {
  void* library = dlopen(BEHAVIORAL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  const auto entry =
      reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(library, PERSONA_SEGMENTER_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr) << dlerror();
  // Hidden visibility: the logic's own symbols stay inside the library.
  EXPECT_EQ(dlsym(library, "_ZN7persona10behavioral13ShareAffinityEdd"), nullptr);

  const PersonaSegmenterPlugin* plugin = entry();
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(sdk::View(plugin->name), "behavioral");
  EXPECT_EQ(sdk::View(plugin->version), "1.0.0");
  EXPECT_FALSE(sdk::View(plugin->description).empty());
  ExerciseFunctionTable(plugin);
  dlclose(library);
}

}  // namespace
}  // namespace behavioral
}  // namespace persona
