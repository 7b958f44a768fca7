// The ABI compatibility rule, end to end through the server's own loader: majors must match
// and the host's minor must be >= the plugin's. A plugin built against an older minor (the
// frozen 1.0 and 1.1 headers) still loads and scores, with every field added since read as
// absent; a newer minor or another major is refused with a message naming both versions
// (abi_1_1_host_test.cc holds an older host to the same rule).
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_loader.h"
#include "service/engine/scoring_engine.h"
#include "service/plugin_host/config_value_tree.h"
#include "service/plugin_host/plugin_library.h"
#include "service/plugin_host/plugin_segmenter.h"

namespace persona {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uint32_t kMajor = PERSONA_SEGMENTER_ABI_MAJOR;
constexpr uint32_t kMinor = PERSONA_SEGMENTER_ABI_MINOR;

std::string Fixture(const std::string& name) {
  return (fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / ("libsegmenter_" + name + ".so")).string();
}

std::string Version(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

TEST(AbiRuleTest, TheHostIsAtLeastAt1Dot1) {
  // 1.1 appended params_doc; the older-minor fixture below is only meaningful from there.
  EXPECT_EQ(kMajor, 1u);
  EXPECT_GE(kMinor, 1u);
}

TEST(AbiRuleTest, SameMajorAndAnOlderOrEqualMinorAreCompatible) {
  for (uint32_t minor = 0; minor <= kMinor; ++minor) {
    EXPECT_TRUE(CheckAbiCompatible(kMajor, minor).ok()) << Version(kMajor, minor);
  }
}

TEST(AbiRuleTest, ANewerMinorIsRefusedNamingBothVersions) {
  const absl::Status status = CheckAbiCompatible(kMajor, kMinor + 1);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("plugin ABI " + Version(kMajor, kMinor + 1) +
                        " is newer than this server's ABI " + Version(kMajor, kMinor)));
}

TEST(AbiRuleTest, AnotherMajorIsRefusedNamingTheSupportedRange) {
  for (uint32_t major : {kMajor - 1, kMajor + 1}) {
    const absl::Status status = CheckAbiCompatible(major, 0);
    ASSERT_FALSE(status.ok()) << major;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("plugin ABI " + Version(major, 0) +
                          " is incompatible: this server supports ABI " + Version(kMajor, 0) +
                          " to " + Version(kMajor, kMinor)));
  }
}

TEST(OlderMinorPluginTest, LoadsAndReadsOnlyTheBytesItDeclared) {
  auto library = PluginLibrary::Load(Fixture("abi_minor_older"));
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->abi_version(), "1.0");
  const PersonaSegmenterPlugin& api = (*library)->api();
  EXPECT_LT(api.struct_size, sizeof(PersonaSegmenterPlugin));
  // The fixture's struct is followed by 0xAB bytes where 1.1's params_doc would be: the
  // host must not have read them.
  EXPECT_EQ(api.params_doc.size, 0u);
  EXPECT_EQ(api.params_doc.data, nullptr);
  EXPECT_EQ(std::string(api.name.data, api.name.size), "legacy");
}

TEST(OlderMinorPluginTest, CreatesCompilesAndScores) {
  auto library = PluginLibrary::Load(Fixture("abi_minor_older"));
  ASSERT_TRUE(library.ok()) << library.status();
  google::protobuf::Struct empty;
  ConfigValueTree config(empty);
  auto segmenter = PluginSegmenter::Create(*library, config.root());
  ASSERT_TRUE(segmenter.ok()) << segmenter.status();
  ConfigValueTree params(empty);
  auto compiled = (*segmenter)->Compile(params.root());
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  PersonaCustomer customer{};
  customer.struct_size = sizeof(customer);
  PersonaScoreSink sink{sizeof(PersonaScoreSink), nullptr, 0,
                        [](void*, PersonaString, PersonaString) {},
                        [](void*, size_t, PersonaString, double, int32_t, PersonaString) {}};
  PersonaScoreRequest request{sizeof(PersonaScoreRequest), 0, &sink};
  PersonaCriterionScore score{};
  char message[64] = {};
  PersonaErrorBuffer error{message, sizeof(message)};
  const PersonaCompiledCriterion* criteria[] = {*compiled};
  ASSERT_TRUE((*segmenter)->Score(customer, criteria, 1, request, &score, &error));
  EXPECT_DOUBLE_EQ(score.affinity, 0.75);
}

TEST(OlderMinorPluginTest, A1Dot1PluginLoadsWithItsParamsDocAndWithout1Dot2Fields) {
  auto library = PluginLibrary::Load(Fixture("abi_minor_1_1"));
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->abi_version(), "1.1");
  const PersonaSegmenterPlugin& api = (*library)->api();
  EXPECT_LT(api.struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_THAT(std::string(api.params_doc.data, api.params_doc.size), HasSubstr("\"example\""));
  // 0xAB bytes follow the fixture's struct where 1.2's fields would be: not read.
  EXPECT_EQ(api.has_default_missing_affinity, 0);
  EXPECT_EQ(api.default_missing_affinity, 0.0);
  EXPECT_EQ((*library)->default_missing_affinity(), std::nullopt);
}

class CatalogAbiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("abi_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.plugin_dir = PERSONA_FIXTURE_PLUGIN_DIR;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CatalogLoadResult Load(const std::string& legacy_plugin) {
    const std::string path = (dir_ / "catalog.json").string();
    std::ofstream(path) << R"({"version": "abi-1",
      "segmenters": [{"name": "legacy", "plugin": ")"
                        << legacy_plugin << R"("},
                     {"name": "toy", "plugin": "libsegmenter_toy.so"}],
      "personas": [{"id": "mixed", "display_name": "Mixed ABI minors",
        "criteria": [{"segmenter": "legacy", "weight": 1},
                     {"segmenter": "toy", "weight": 1, "params": {"affinity": 0.25}}]}]})";
    return LoadCatalog(path, options_);
  }

  fs::path dir_;
  CatalogLoaderOptions options_;
};

TEST_F(CatalogAbiTest, OlderMinorServesBesideCurrentMinor) {
  CatalogLoadResult result = Load("libsegmenter_abi_minor_older.so");
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  const CatalogSnapshot& snapshot = *result.snapshot;
  ASSERT_EQ(snapshot.segmenters.size(), 2u);
  EXPECT_EQ(snapshot.segmenters[0].info.abi_version, "1.0");
  EXPECT_EQ(snapshot.segmenters[1].info.abi_version, Version(kMajor, kMinor));

  PersonaCustomer customer{};
  customer.struct_size = sizeof(customer);
  ScoreOptions options;
  ScoreResult scored;
  ScoreCustomer(snapshot, customer, options, &scored);
  EXPECT_EQ(scored.segmenter_faults, 0u);
  ASSERT_EQ(scored.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(scored.matches[0].score, (0.75 + 0.25) / 2);
  ASSERT_FALSE(scored.labels.empty());
  EXPECT_EQ(scored.labels[0].key, "legacy");
  EXPECT_EQ(scored.labels[0].value, "legacy");
}

TEST_F(CatalogAbiTest, A1Dot1PluginServesBesideCurrentMinor) {
  CatalogLoadResult result = Load("libsegmenter_abi_minor_1_1.so");
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  const CatalogSnapshot& snapshot = *result.snapshot;
  EXPECT_EQ(snapshot.segmenters[0].info.abi_version, "1.1");
  EXPECT_EQ(snapshot.segmenters[0].info.default_missing_affinity, 0.5);

  PersonaCustomer customer{};
  customer.struct_size = sizeof(customer);
  ScoreOptions options;
  ScoreResult scored;
  ScoreCustomer(snapshot, customer, options, &scored);
  EXPECT_EQ(scored.segmenter_faults, 0u);
  ASSERT_EQ(scored.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(scored.matches[0].score, (0.625 + 0.25) / 2);
  ASSERT_FALSE(scored.labels.empty());
  EXPECT_EQ(scored.labels[0].value, "legacy_1_1");
}

TEST_F(CatalogAbiTest, NewerMinorIsRefusedWithBothVersions) {
  CatalogLoadResult result = Load("libsegmenter_abi_minor_newer.so");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problems[0].field, "segmenters[legacy].plugin");
  EXPECT_THAT(result.problems[0].message,
              HasSubstr("plugin ABI " + Version(kMajor, kMinor + 1) + " is newer than this " +
                        "server's ABI " + Version(kMajor, kMinor)));
}

TEST_F(CatalogAbiTest, OtherMajorIsRefusedWithBothVersions) {
  CatalogLoadResult result = Load("libsegmenter_abi_major_mismatch.so");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(
      result.problems[0].message,
      HasSubstr("plugin ABI " + Version(kMajor + 1, 0) + " is incompatible: this " +
                "server supports ABI " + Version(kMajor, 0) + " to " + Version(kMajor, kMinor)));
}

TEST_F(CatalogAbiTest, APluginsDeclaredMissingAffinityIsItsCriteriasDefault) {
  const std::string path = (dir_ / "catalog.json").string();
  std::ofstream(path) << R"({"version": "abi-1.2",
    "segmenters": [{"name": "triggers", "plugin": "libsegmenter_missing_affinity_zero.so"},
                   {"name": "legacy", "plugin": "libsegmenter_abi_minor_older.so"}],
    "personas": [{"id": "declared", "display_name": "Declared default",
                  "criteria": [{"segmenter": "triggers", "weight": 1},
                               {"segmenter": "legacy", "weight": 1}]},
                 {"id": "overridden", "display_name": "Catalog's own",
                  "criteria": [{"segmenter": "triggers", "weight": 1,
                                "missing_affinity": 0.3}]}]})";
  CatalogLoadResult result = LoadCatalog(path, options_);
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  const CatalogSnapshot& snapshot = *result.snapshot;
  EXPECT_EQ(snapshot.segmenters[0].info.default_missing_affinity, 0.0);
  EXPECT_EQ(snapshot.segmenters[1].info.default_missing_affinity, 0.5);  // a 1.0 plugin
  ASSERT_EQ(snapshot.personas.size(), 2u);
  EXPECT_EQ(snapshot.personas[0].id, "declared");
  EXPECT_EQ(snapshot.personas[0].criteria[0].missing_affinity, 0.0);
  EXPECT_EQ(snapshot.personas[0].criteria[1].missing_affinity, 0.5);
  EXPECT_EQ(snapshot.personas[1].criteria[0].missing_affinity, 0.3);

  // The fixture grades nothing: its criterion is worth exactly the missing_affinity.
  PersonaCustomer customer{};
  customer.struct_size = sizeof(customer);
  ScoreOptions options;
  ScoreResult scored;
  ScoreCustomer(snapshot, customer, options, &scored);
  ASSERT_EQ(scored.matches.size(), 2u);
  EXPECT_EQ(scored.matches[0].persona, 0u);  // "declared"
  EXPECT_DOUBLE_EQ(scored.matches[0].score, (0.0 + 0.75) / 2);
  EXPECT_EQ(scored.matches[1].persona, 1u);  // "overridden"
  EXPECT_DOUBLE_EQ(scored.matches[1].score, 0.3);
}

TEST_F(CatalogAbiTest, ADeclaredMissingAffinityOutsideTheUnitIntervalIsRefusedAtLoad) {
  auto library = PluginLibrary::Load(Fixture("missing_affinity_out_of_range"));
  ASSERT_FALSE(library.ok());
  EXPECT_THAT(std::string(library.status().message()),
              HasSubstr("libsegmenter_missing_affinity_out_of_range.so: default_missing_affinity "
                        "must be a number in [0, 1], got 1.5"));
  CatalogLoadResult result = Load("libsegmenter_missing_affinity_out_of_range.so");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problems[0].field, "segmenters[legacy].plugin");
  EXPECT_THAT(result.problems[0].message, HasSubstr("default_missing_affinity"));
}

TEST(CurrentMinorPluginTest, ADeclaredMissingAffinityIsReadOnlyWhenDeclared) {
  auto zero = PluginLibrary::Load(Fixture("missing_affinity_zero"));
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_EQ((*zero)->default_missing_affinity(), std::optional<double>(0.0));
  auto legacy = PluginLibrary::Load(Fixture("abi_minor_older"));
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ((*legacy)->default_missing_affinity(), std::nullopt);
}

TEST(CurrentMinorPluginTest, ParamsDocIsReadWhenTheStructHasIt) {
  auto library = PluginLibrary::Load(FIRMOGRAPHIC_PLUGIN);
  ASSERT_TRUE(library.ok()) << library.status();
  const PersonaSegmenterPlugin& api = (*library)->api();
  EXPECT_EQ(api.struct_size, sizeof(PersonaSegmenterPlugin));
  ASSERT_GT(api.params_doc.size, 0u);
  EXPECT_THAT(std::string(api.params_doc.data, api.params_doc.size), HasSubstr("\"example\""));
}

}  // namespace
}  // namespace persona
