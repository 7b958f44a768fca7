#include "service/catalog/catalog_loader.h"

#include <persona/segmenter_abi.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/catalog/catalog_reloader.h"
#include "service/engine/scoring_engine.h"

namespace persona {
namespace {

// "major.minor" of this build's plugin ABI, plus `minor_offset` on the minor.
std::string HostAbi(int minor_offset = 0) {
  return std::to_string(PERSONA_SEGMENTER_ABI_MAJOR) + "." +
         std::to_string(PERSONA_SEGMENTER_ABI_MINOR + minor_offset);
}

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGoodCatalog[] = R"({
  "version": "v1",
  "segmenters": [{"name": "toy", "plugin": "libsegmenter_toy.so", "config": {"label": "seen"}}],
  "personas": [
    {"id": "hemat-fred", "display_name": "Hemat Fred",
     "criteria": [{"segmenter": "toy", "weight": 1, "params": {"affinity": 0.8}}]},
    {"id": "champion", "display_name": "Champion",
     "criteria": [{"segmenter": "toy", "weight": 2, "params": {"affinity": 0.4}},
                  {"segmenter": "toy", "weight": 1, "required": true, "min_affinity": 0.3,
                   "params": {"affinity": 0.9}}]}]})";

class CatalogLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("catalog_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.plugin_dir = PERSONA_FIXTURE_PLUGIN_DIR;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  CatalogLoadResult LoadText(const std::string& text) {
    return LoadCatalog(Write("catalog.json", text), options_);
  }

  fs::path dir_;
  CatalogLoaderOptions options_;
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

MATCHER_P2(Problem, field, message_part, "") {
  return arg.field == field && arg.message.find(message_part) != std::string::npos;
}

TEST_F(CatalogLoaderTest, LoadsAGoodCatalogIntoASnapshot) {
  CatalogLoadResult result = LoadText(kGoodCatalog);
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  const CatalogSnapshot& snapshot = *result.snapshot;
  EXPECT_EQ(snapshot.version, "v1");
  ASSERT_EQ(snapshot.personas.size(), 2u);
  EXPECT_EQ(snapshot.personas[0].id, "champion");  // sorted by id
  EXPECT_EQ(snapshot.personas[1].id, "hemat-fred");
  EXPECT_DOUBLE_EQ(snapshot.personas[0].total_weight, 3.0);
  EXPECT_TRUE(snapshot.personas[0].criteria[1].required);
  EXPECT_DOUBLE_EQ(snapshot.personas[0].criteria[1].min_affinity, 0.3);
  EXPECT_DOUBLE_EQ(snapshot.personas[0].criteria[0].missing_affinity, 0.5);
  ASSERT_EQ(snapshot.segmenters.size(), 1u);
  EXPECT_EQ(snapshot.segmenters[0].criteria.size(), 3u);
  EXPECT_EQ(snapshot.segmenters[0].info.plugin_name, "toy");
  EXPECT_EQ(snapshot.segmenters[0].info.abi_version, HostAbi());
  EXPECT_EQ(snapshot.segmenters[0].info.sha256.size(), 64u);
  EXPECT_EQ(snapshot.criterion_count, 3u);
}

TEST_F(CatalogLoaderTest, ABuiltSnapshotAlreadyHoldsTheEngineIndex) {
  CatalogLoadResult result = LoadText(kGoodCatalog);
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  const CatalogSnapshot& snapshot = *result.snapshot;
  // Complete as published: no request has scored against it yet.
  const EngineIndex& index = snapshot.engine_index;
  ASSERT_EQ(index.personas().size(), 2u);
  ASSERT_EQ(index.criteria().size(), 3u);
  EXPECT_EQ(index.personas()[0].criteria_end, 2u);  // champion: two criteria
  EXPECT_DOUBLE_EQ(index.personas()[0].total_weight, 3.0);
  EXPECT_DOUBLE_EQ(index.criteria()[1].required_min, 0.3);
  EXPECT_EQ(index.criteria()[2].score_index, 2u);  // hemat-fred's, after champion's two

  // Many requests on many threads read that very index and never replace it.
  const EngineIndex::Persona* personas = index.personas().data();
  const EngineIndex::Criterion* criteria = index.criteria().data();
  std::vector<std::future<std::vector<uint32_t>>> rankings;
  for (int t = 0; t < 4; ++t) {
    rankings.push_back(std::async(std::launch::async, [&snapshot] {
      PersonaCustomer customer{};
      customer.struct_size = sizeof(customer);
      ScoreResult scored;
      std::vector<uint32_t> ranking;
      for (int i = 0; i < 200; ++i) {
        ScoreCustomer(snapshot, customer, {}, &scored);
        ranking.clear();
        for (const PersonaScore& match : scored.matches) ranking.push_back(match.persona);
      }
      return ranking;
    }));
  }
  for (auto& ranking : rankings) {
    EXPECT_EQ(ranking.get(), (std::vector<uint32_t>{1, 0}));  // hemat-fred 0.8, champion 0.57
  }
  EXPECT_EQ(index.personas().data(), personas);
  EXPECT_EQ(index.criteria().data(), criteria);
  EXPECT_EQ(index.personas().size(), 2u);
}

TEST_F(CatalogLoaderTest, UnknownFieldNamesFileAndField) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, R"("display_name": "Hemat Fred",)",
                       R"("display_name": "Hemat Fred", "colour": "blue",)"));
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_THAT(result.problems[0].file, HasSubstr("catalog.json"));
  EXPECT_THAT(result.problems[0].message, HasSubstr("colour"));
}

TEST_F(CatalogLoaderTest, MalformedJsonIsRejected) {
  CatalogLoadResult result = LoadText("{\"version\": ");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0].message, HasSubstr("not a valid persona.v1.PersonaCatalog"));
}

TEST_F(CatalogLoaderTest, SchemaProblemsAreAllReportedWithPaths) {
  std::string text = Replace(kGoodCatalog, R"("version": "v1",)", "");
  text = Replace(text, R"("id": "champion")", R"("id": "Champion!")");
  text = Replace(text, R"("weight": 2)", R"("weight": -2)");
  text = Replace(text, R"({"segmenter": "toy", "weight": 1, "params": {"affinity": 0.8}})",
                 R"({"segmenter": "tyo", "weight": 1, "params": {"affinity": 0.8}})");
  CatalogLoadResult result = LoadText(text);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(
      result.problems,
      ::testing::UnorderedElementsAre(
          Problem("version", "is required"), Problem("personas[1].id", "must match"),
          Problem("personas[1].criteria[0].weight", "must be > 0"),
          Problem("personas[hemat-fred].criteria[0].segmenter", "unknown segmenter \"tyo\"")));
}

TEST_F(CatalogLoaderTest, DuplicatePersonaIdIsRejected) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, R"("id": "champion")", R"("id": "hemat-fred")"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("personas[hemat-fred].id", "duplicate persona id"));
}

TEST_F(CatalogLoaderTest, MinAffinityWithoutRequiredIsAMistake) {
  CatalogLoadResult result = LoadText(Replace(kGoodCatalog, R"("required": true, )", ""));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0],
              Problem("personas[champion].criteria[1].min_affinity", "only applies to a required"));
}

TEST_F(CatalogLoaderTest, PluginParamErrorsCarryTheFullPath) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, R"("affinity": 0.8)", R"("affinity": 1.8)"));
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_THAT(result.problems[0], Problem("personas[hemat-fred].criteria[0].params.affinity",
                                          "must be between 0 and 1, got 1.8"));
}

TEST_F(CatalogLoaderTest, PluginConfigErrorsCarryTheFullPath) {
  CatalogLoadResult result = LoadText(
      Replace(kGoodCatalog, R"("config": {"label": "seen"})", R"("config": {"lable": "seen"})"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("segmenters[toy].config.lable", "unknown parameter"));
}

TEST_F(CatalogLoaderTest, ExceptionInCompileBecomesAProblem) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, R"("affinity": 0.8)", R"("affinity": 0.8, "throw": true)"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("personas[hemat-fred].criteria[0].params", "toy threw"));
}

TEST_F(CatalogLoaderTest, MissingPluginFileIsNamed) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_nonexistent.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0],
              Problem("segmenters[toy].plugin", "libsegmenter_nonexistent.so does not exist"));
}

TEST_F(CatalogLoaderTest, PluginPathsOutsideThePluginDirectoryAreRefused) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "../plugins/libsegmenter_toy.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("segmenters[toy].plugin", "must be a file name"));
}

TEST_F(CatalogLoaderTest, AbiMajorMismatchIsRefusedNamingBothVersions) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_abi_major_mismatch.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("segmenters[toy].plugin",
                                          "plugin ABI 2.0 is incompatible: this server "
                                          "supports ABI 1.0 to " +
                                              HostAbi()));
}

TEST_F(CatalogLoaderTest, NewerAbiMinorIsRefused) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_abi_minor_newer.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0],
              Problem("segmenters[toy].plugin", "plugin ABI " + HostAbi(1) + " is newer"));
}

TEST_F(CatalogLoaderTest, LibraryWithoutEntrySymbolIsRefused) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_no_entry_symbol.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0],
              Problem("segmenters[toy].plugin", "does not export persona_segmenter_plugin"));
}

TEST_F(CatalogLoaderTest, UnresolvedSymbolFailsAtLoadNotAtFirstCall) {
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_undefined_symbol.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0],
              Problem("segmenters[toy].plugin", "fixture_function_that_does_not_exist"));
}

TEST_F(CatalogLoaderTest, MissingDependencyIsNamed) {
  // Copy the plugin alone into a fresh plugin directory: its dependency stays behind.
  const fs::path plugins = dir_ / "plugins";
  fs::create_directories(plugins);
  fs::copy_file(fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / "libsegmenter_missing_dependency.so",
                plugins / "libsegmenter_missing_dependency.so");
  options_.plugin_dir = plugins.string();
  CatalogLoadResult result =
      LoadText(Replace(kGoodCatalog, "libsegmenter_toy.so", "libsegmenter_missing_dependency.so"));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("segmenters[toy].plugin", "libfixture_dependency.so"));
}

TEST_F(CatalogLoaderTest, Sha256PinIsCheckedBeforeLoading) {
  CatalogLoadResult good = LoadText(kGoodCatalog);
  ASSERT_TRUE(good.ok());
  const std::string actual = good.snapshot->segmenters[0].info.sha256;
  const std::string pinned =
      Replace(kGoodCatalog, R"("plugin": "libsegmenter_toy.so",)",
              R"("plugin": "libsegmenter_toy.so", "sha256": ")" + actual + R"(",)");
  EXPECT_TRUE(LoadText(pinned).ok());
  std::string wrong = actual;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  CatalogLoadResult rejected = LoadText(Replace(pinned, actual, wrong));
  ASSERT_FALSE(rejected.ok());
  EXPECT_THAT(rejected.problems[0], Problem("segmenters[toy].sha256", "has SHA-256 " + actual));
}

TEST_F(CatalogLoaderTest, DirectoryFilesAreMergedAndHiddenEntriesSkipped) {
  Write("a-segmenters.json", R"({"version": "v7", "segmenters": [
      {"name": "toy", "plugin": "libsegmenter_toy.so"}]})");
  Write("b-personas.json", R"({"version": "v7", "personas": [
      {"id": "solo", "display_name": "Solo",
       "criteria": [{"segmenter": "toy", "weight": 1}]}]})");
  Write(".hidden.json", "not json at all");
  Write("notes.txt", "ignored");
  CatalogLoadResult result = LoadCatalog(dir_.string(), options_);
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  EXPECT_EQ(result.snapshot->version, "v7");
  ASSERT_EQ(result.snapshot->personas.size(), 1u);
}

TEST_F(CatalogLoaderTest, DirectoryFilesMustAgreeOnVersion) {
  Write("a.json", R"({"version": "v1", "segmenters": [
      {"name": "toy", "plugin": "libsegmenter_toy.so"}]})");
  Write("b.json", R"({"version": "v2", "personas": [
      {"id": "solo", "display_name": "Solo", "criteria": [{"segmenter": "toy", "weight": 1}]}]})");
  CatalogLoadResult result = LoadCatalog(dir_.string(), options_);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.problems[0], Problem("version", "disagrees"));
  EXPECT_THAT(result.problems[0].file, HasSubstr("b.json"));
}

TEST_F(CatalogLoaderTest, KubernetesConfigMapLayoutReadsThroughDataSymlink) {
  // What kubelet writes for a ConfigMap volume: a timestamped directory, `..data` pointing at
  // it, and one symlink per key through `..data`.
  const fs::path volume = dir_ / "volume";
  fs::create_directories(volume / "..2026_11_22_10_00_00.000000001");
  std::ofstream(volume / "..2026_11_22_10_00_00.000000001" / "catalog.json") << kGoodCatalog;
  fs::create_directory_symlink("..2026_11_22_10_00_00.000000001", volume / "..data");
  fs::create_symlink("..data/catalog.json", volume / "catalog.json");
  CatalogLoadResult result = LoadCatalog(volume.string(), options_);
  ASSERT_TRUE(result.ok()) << result.problems.front().ToString();
  EXPECT_EQ(result.snapshot->personas.size(), 2u);
}

TEST_F(CatalogLoaderTest, EmptyDirectoryAndMissingPathAreProblems) {
  fs::create_directories(dir_ / "empty");
  EXPECT_THAT(LoadCatalog((dir_ / "empty").string(), options_).problems[0].message,
              HasSubstr("no *.json"));
  EXPECT_THAT(LoadCatalog((dir_ / "nope").string(), options_).problems[0].message,
              HasSubstr("no such file"));
}

TEST_F(CatalogLoaderTest, RejectedReloadKeepsTheServingSnapshot) {
  const std::string path = Write("catalog.json", kGoodCatalog);
  ServingCatalog serving;
  CatalogReloader reloader(&serving, path, options_);
  ASSERT_TRUE(reloader.ReloadNow().applied);
  const auto first = serving.Current();
  ASSERT_NE(first, nullptr);

  Write("catalog.json", Replace(kGoodCatalog, R"("affinity": 0.8)", R"("affinity": 2)"));
  ReloadOutcome rejected = reloader.ReloadNow();
  EXPECT_FALSE(rejected.applied);
  EXPECT_EQ(rejected.version, "v1");
  EXPECT_EQ(serving.Current(), first);
  EXPECT_EQ(reloader.status().reloads_rejected, 1u);
  EXPECT_THAT(reloader.status().last_problems, ::testing::SizeIs(1));

  Write("catalog.json", Replace(kGoodCatalog, R"("version": "v1")", R"("version": "v2")"));
  ReloadOutcome applied = reloader.ReloadNow();
  EXPECT_TRUE(applied.applied);
  EXPECT_EQ(serving.Current()->version, "v2");
  EXPECT_THAT(reloader.status().last_problems, IsEmpty());
  // The old snapshot is still usable by whoever holds it.
  EXPECT_EQ(first->version, "v1");
  EXPECT_EQ(first->segmenters[0].criteria.size(), 3u);
}

TEST_F(CatalogLoaderTest, ReloadIfChangedSkipsUnchangedCatalogs) {
  const std::string path = Write("catalog.json", kGoodCatalog);
  ServingCatalog serving;
  CatalogReloader reloader(&serving, path, options_);
  std::promise<void> first_done;
  reloader.PostReload([&](const ReloadOutcome&) { first_done.set_value(); });
  first_done.get_future().wait();
  EXPECT_EQ(reloader.status().reloads_ok, 1u);

  // The loader thread runs tasks in order: a validate posted after a task is a barrier.
  const auto drain = [&reloader] {
    std::promise<void> done;
    reloader.PostValidate(CatalogSource(), [&](const CatalogLoadResult&) { done.set_value(); });
    done.get_future().wait();
  };
  reloader.PostReloadIfChanged();  // nothing changed: no reload
  drain();                         // the check above must see the old bytes, not the write below
  EXPECT_EQ(reloader.status().reloads_ok, 1u);
  Write("catalog.json", Replace(kGoodCatalog, R"("version": "v1")", R"("version": "v2")"));
  reloader.PostReloadIfChanged();  // changed: reload
  drain();
  EXPECT_EQ(reloader.status().reloads_ok, 2u);
  EXPECT_EQ(serving.Current()->version, "v2");
}

}  // namespace
}  // namespace persona
