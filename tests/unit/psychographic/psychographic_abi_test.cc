// The psychographic segmenter through the C ABI, the way the host sees it: first through the
// SDK adapter's function table linked in, then through the built shared library, loaded with
// RTLD_NOW | RTLD_LOCAL as the host loads it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "psychographic_segmenter.h"
#include "test_support.h"

#ifndef PSYCHOGRAPHIC_PLUGIN_PATH
#error "PSYCHOGRAPHIC_PLUGIN_PATH must name the built libsegmenter_psychographic.so"
#endif

namespace persona {
namespace psychographic {
namespace {

using testing::CustomerBuilder;
using testing::JsonTree;
using testing::RecordingSink;

using Adapter = sdk::internal::Adapter<PsychographicSegmenter>;

// Runs create -> compile -> score -> release -> destroy through `plugin`'s function table.
void ExerciseFunctionTable(const PersonaSegmenterPlugin& plugin) {
  ASSERT_EQ(plugin.struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin.abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin.abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));

  char message[256] = "untouched";
  PersonaErrorBuffer error{message, sizeof(message)};

  // A bad config arrives as INVALID_ARGUMENT with the path in the host's buffer.
  JsonTree bad_config(R"({"personality_tolerance": 3})");
  PersonaSegmenterInstance* instance = nullptr;
  EXPECT_EQ(plugin.create(bad_config.root(), &instance, &error), PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(instance, nullptr);
  EXPECT_STREQ(message, "config.personality_tolerance: must be between 0 and 1, got 3");

  JsonTree config("{}");
  ASSERT_EQ(plugin.create(config.root(), &instance, &error), PERSONA_OK);
  ASSERT_NE(instance, nullptr);

  // Bad params: same, from compile.
  JsonTree bad_params(R"({"interests": {"discounts": 1.5}})");
  PersonaCompiledCriterion* compiled = nullptr;
  EXPECT_EQ(plugin.compile(instance, bad_params.root(), &compiled, &error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(compiled, nullptr);
  EXPECT_STREQ(message, "params.interests.discounts: must be between 0 and 1, got 1.5");

  JsonTree duplicate(R"({"values": ["Eco", "eco"]})");
  EXPECT_EQ(plugin.compile(instance, duplicate.root(), &compiled, &error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(message, "params.values[1]: duplicate tag \"eco\""), nullptr) << message;

  // A buffer shorter than the message gets a truncated, NUL-terminated prefix.
  char tiny[8];
  PersonaErrorBuffer tiny_error{tiny, sizeof(tiny)};
  EXPECT_EQ(plugin.compile(instance, bad_params.root(), &compiled, &tiny_error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_STREQ(tiny, "params.");

  JsonTree params(R"({"interests": {"discounts": 1.0, "coupons": 0.8}, "values": ["frugality"]})");
  ASSERT_EQ(plugin.compile(instance, params.root(), &compiled, &error), PERSONA_OK) << message;
  ASSERT_NE(compiled, nullptr);

  CustomerBuilder builder;
  builder.Interest("discounts", 0.9).Values({"frugality"});
  const PersonaCustomer& customer = builder.Build();
  RecordingSink sink(/*explain=*/true);
  const PersonaCompiledCriterion* criteria[] = {compiled};
  PersonaCriterionScore score{-1.0, -1.0};
  EXPECT_EQ(plugin.score(instance, &customer, criteria, 1, sink.request(), &score, &error),
            PERSONA_OK);
  // interests 0.5 and values 1, equal weights.
  EXPECT_NEAR(score.affinity, 0.75, 1e-12);
  EXPECT_NEAR(score.coverage, 1.0, 1e-12);
  EXPECT_EQ(sink.details.size(), 2u);
  ASSERT_EQ(sink.labels.size(), 1u);
  EXPECT_EQ(sink.labels[0].first, "top_interest");
  EXPECT_EQ(sink.labels[0].second, "discounts");

  plugin.release_criterion(instance, compiled);
  plugin.destroy(instance);
}

TEST(AbiTest, AdapterFunctionTable) {
  const PersonaSegmenterPlugin* plugin =
      Adapter::Describe("psychographic", "1.0.0", "psychographic lens");
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(sdk::View(plugin->name), "psychographic");
  ExerciseFunctionTable(*plugin);
}

TEST(AbiTest, SharedLibraryLoadsAndExportsOnlyTheEntry) {
  // RTLD_NOW: every symbol must resolve at load time, as the host requires.
  void* library = dlopen(PSYCHOGRAPHIC_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  const auto entry =
      reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(library, PERSONA_SEGMENTER_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr) << dlerror();
  // Hidden visibility: the logic's own symbols stay inside the library.
  EXPECT_EQ(dlsym(library, "_ZN7persona13psychographic13TraitAffinityEddd"), nullptr);

  const PersonaSegmenterPlugin* plugin = entry();
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(sdk::View(plugin->name), "psychographic");
  EXPECT_EQ(sdk::View(plugin->version), "1.0.0");
  EXPECT_FALSE(sdk::View(plugin->description).empty());
  ExerciseFunctionTable(*plugin);
  dlclose(library);
}

}  // namespace
}  // namespace psychographic
}  // namespace persona
