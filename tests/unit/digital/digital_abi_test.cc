// The digital segmenter through the C ABI, the way the host sees it: first through the SDK
// adapter's function table linked in, then through the built shared library, loaded with
// RTLD_NOW | RTLD_LOCAL as the host loads it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <persona/sdk/testing/json_value.hpp>
#include <string>

#include "digital_segmenter.h"
#include "test_support.h"

#ifndef DIGITAL_PLUGIN_PATH
#error "DIGITAL_PLUGIN_PATH must name the built libsegmenter_digital.so"
#endif

namespace persona {
namespace digital {
namespace {

using sdk::testing::JsonValue;
using testing::CustomerBuilder;
using testing::kAsOf;
using testing::kHour;
using testing::On;
using testing::ScoreResult;
using testing::TestHost;

// Runs create -> compile -> score -> release -> destroy through `plugin`'s function table.
void ExerciseFunctionTable(const PersonaSegmenterPlugin& plugin) {
  ASSERT_EQ(plugin.struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin.abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin.abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));
  // No default missing affinity declared: the host's applies.
  EXPECT_EQ(plugin.has_default_missing_affinity, 0);
  EXPECT_NE(std::strstr(std::string(sdk::View(plugin.params_doc)).c_str(), "\"example\""), nullptr);

  char message[256] = "untouched";
  PersonaErrorBuffer error{message, sizeof(message)};

  // A bad config arrives as INVALID_ARGUMENT with the path in the host's buffer.
  JsonValue bad_config(R"({"activity_window_days": 0})");
  PersonaSegmenterInstance* instance = nullptr;
  EXPECT_EQ(plugin.create(&bad_config.root(), &instance, &error), PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(instance, nullptr);
  EXPECT_STREQ(message,
               "config.activity_window_days: must be a whole number of days from 1 to 3650, "
               "got 0");

  JsonValue config("{}");
  ASSERT_EQ(plugin.create(&config.root(), &instance, &error), PERSONA_OK);
  ASSERT_NE(instance, nullptr);

  // Bad params: same, from compile.
  JsonValue bad_params(R"({"primary_device": ["phone"]})");
  PersonaCompiledCriterion* compiled = nullptr;
  EXPECT_EQ(plugin.compile(instance, &bad_params.root(), &compiled, &error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(compiled, nullptr);
  EXPECT_STREQ(message,
               "params.primary_device[0]: unknown device \"phone\" (known: mobile, desktop, "
               "tablet)");

  JsonValue params(R"({"platforms": {"any_of": ["shopee"], "min_sessions_30d": 4},
                       "reachable_on": ["whatsapp"]})");
  ASSERT_EQ(plugin.compile(instance, &params.root(), &compiled, &error), PERSONA_OK) << message;
  ASSERT_NE(compiled, nullptr);

  CustomerBuilder builder;
  builder.Platform("shopee", 2).ContactOptIns({"whatsapp"}).PrimaryDevice("mobile");
  builder.Event("page_view", kAsOf - kHour, On("mobile", "whatsapp"));
  const PersonaCustomer& customer = builder.Build();
  ScoreResult result;
  PersonaScoreSink sink{
      sizeof(PersonaScoreSink), &result, 1,
      [](void* r, PersonaString k, PersonaString v) {
        static_cast<ScoreResult*>(r)->labels.emplace_back(sdk::View(k), sdk::View(v));
      },
      [](void* r, size_t i, PersonaString f, double a, int32_t m, PersonaString why) {
        static_cast<ScoreResult*>(r)->details.push_back(
            {i, std::string(sdk::View(f)), a, m != 0, std::string(sdk::View(why))});
      }};
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), kAsOf, &sink};
  const PersonaCompiledCriterion* criteria[] = {compiled};
  PersonaCriterionScore score{-1.0, -1.0};
  EXPECT_EQ(plugin.score(instance, &customer, criteria, 1, &request, &score, &error), PERSONA_OK);
  // platforms 2/4 and reachable_on 1, equal weights.
  EXPECT_DOUBLE_EQ(score.affinity, 0.75);
  EXPECT_DOUBLE_EQ(score.coverage, 1.0);
  EXPECT_EQ(result.details.size(), 2u);
  EXPECT_EQ(result.Label("best_channel"), "whatsapp");
  EXPECT_EQ(result.Label("primary_device"), "mobile");

  plugin.release_criterion(instance, compiled);
  plugin.destroy(instance);
}

TEST(DigitalAbiTest, AdapterFunctionTable) {
  const PersonaSegmenterPlugin* plugin = testing::Plugin();
  ASSERT_NE(plugin, nullptr);
  ExerciseFunctionTable(*plugin);
}

TEST(DigitalAbiTest, SharedLibraryLoadsAndExportsOnlyTheEntry) {
  // RTLD_NOW: every symbol must resolve at load time, as the host requires.
  void* library = dlopen(DIGITAL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  const auto entry =
      reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(library, PERSONA_SEGMENTER_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr) << dlerror();
  // Hidden visibility: the logic's own symbols stay inside the library.
  EXPECT_EQ(dlsym(library, "_ZN7persona7digital15AtLeastAffinityEdd"), nullptr);

  const PersonaSegmenterPlugin* plugin = entry();
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(sdk::View(plugin->name), "digital");
  EXPECT_EQ(sdk::View(plugin->version), "1.0.0");
  EXPECT_FALSE(sdk::View(plugin->description).empty());
  ExerciseFunctionTable(*plugin);
  dlclose(library);
}

TEST(DigitalAbiTest, LabelsComeWithNoCriteria) {
  TestHost host(testing::Plugin());
  ASSERT_EQ(host.Create(), "");
  CustomerBuilder builder;
  const ScoreResult result = host.Score(builder.Build(), /*explain=*/true, kAsOf);
  EXPECT_EQ(result.status, PERSONA_OK);
  EXPECT_EQ(result.Label("best_channel"), "none");
}

}  // namespace
}  // namespace digital
}  // namespace persona
