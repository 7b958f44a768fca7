// persona-plugin-check, run as a child process the way an author runs it: good plugins pass
// with exit 0, and each fixture that breaks one rule fails exactly the check for that rule.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct CheckRun {
  int exit_code = -1;
  std::string output;
};

// Runs persona-plugin-check with `arguments` (already shell-quoted where needed).
CheckRun Check(const std::string& arguments) {
  const std::string command = std::string(PERSONA_PLUGIN_CHECK) + " " + arguments +
                              " --generate=200 --cost_seconds=0.05 2>&1";
  CheckRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string Fixture(const std::string& name) {
  return (fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / ("libsegmenter_" + name + ".so")).string();
}

std::string Bundled(const std::string& name) {
  return (fs::path(PERSONA_PLUGIN_DIR) / ("libsegmenter_" + name + ".so")).string();
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const fs::path path = fs::path(::testing::TempDir()) / ("plugin_check_" + name);
  std::ofstream(path) << text;
  return path.string();
}

// One line of the report, e.g. "FAIL  allocation".
std::string Verdict(const std::string& verdict, const std::string& check) {
  std::string line = verdict + "  " + check;
  line.resize(std::max(line.size(), verdict.size() + 2 + 12), ' ');
  return "\n" + line;
}

TEST(PluginCheckTest, ToyFixturePassesEveryCheck) {
  const CheckRun run = Check(Fixture("toy") + " --params=" +
                             WriteFile("toy.json", R"({"affinity": 0.5, "coverage": 0.75})"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* check :
       {"abi", "exports", "metadata", "config", "params", "malformed", "exercise", "scoring",
        "sink", "determinism", "allocation", "cost", "lifecycle"}) {
    EXPECT_THAT(run.output, HasSubstr(Verdict("PASS", check))) << check;
  }
  EXPECT_THAT(run.output, HasSubstr("RESULT: PASS (13 checks)"));
}

TEST(PluginCheckTest, BundledPluginsPassWithTheDefaultCatalogsParams) {
  for (const char* name :
       {"demographic", "rfm", "psychographic", "behavioral", "digital", "triggers"}) {
    const CheckRun run =
        Check(Bundled(name) + " --catalog=" + PERSONA_SOURCE_DIR + "/deploy/catalog");
    EXPECT_EQ(run.exit_code, 0) << name << "\n" << run.output;
    EXPECT_THAT(run.output, HasSubstr("from every criterion of segmenter")) << name;
  }
}

TEST(PluginCheckTest, TemplatePassesWithItsOwnExampleParams) {
  const CheckRun run = Check(FIRMOGRAPHIC_PLUGIN);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("the plugin's params_doc example"));
  EXPECT_THAT(run.output, HasSubstr("params_doc documents 4 params with an example"));
}

TEST(PluginCheckTest, OlderMinorPluginPasses) {
  const CheckRun run = Check(Fixture("abi_minor_older"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("built against ABI 1.0"));
}

TEST(PluginCheckTest, AllocatingPluginFailsTheAllocationCheckOnly) {
  const CheckRun run = Check(Fixture("check_allocates"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "allocation")));
  EXPECT_THAT(run.output, HasSubstr("RESULT: FAIL (1 of 13 checks failed)"));
}

TEST(PluginCheckTest, NondeterministicPluginFailsDeterminism) {
  const CheckRun run = Check(Fixture("check_random"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "determinism")));
  EXPECT_THAT(run.output, HasSubstr("second run, same instance"));
  EXPECT_THAT(run.output, HasSubstr(Verdict("PASS", "scoring")));
}

TEST(PluginCheckTest, NanPluginFailsScoringNamingTheCustomer) {
  const CheckRun run = Check(Fixture("check_nan"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "scoring")));
  EXPECT_THAT(run.output, AllOf(HasSubstr("customer check-"), HasSubstr(".affinity is nan")));
  // Its explanation carries the NaN too: reported as a misuse of the sink.
  EXPECT_THAT(run.output, HasSubstr("with affinity nan"));
}

TEST(PluginCheckTest, PluginAcceptingGarbageFailsMalformed) {
  const CheckRun run = Check(Fixture("check_lenient") +
                             " --params=" + WriteFile("lenient.json", R"({"min_age": 30})"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "malformed")));
  EXPECT_THAT(run.output, HasSubstr("unknown key \"persona_plugin_check_unknown_key\": accepted"));
  EXPECT_THAT(run.output, HasSubstr("\"min_age\" as true instead of a number: accepted"));
}

TEST(PluginCheckTest, ChattyPluginFailsTheSinkCheck) {
  const CheckRun run = Check(Fixture("check_chatty"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "sink")));
  EXPECT_THAT(run.output, HasSubstr("add_detail called with explain off"));
  EXPECT_THAT(run.output, HasSubstr("to stdout/stderr while scoring"));
  // What it printed was captured, not mixed into the report.
  EXPECT_THAT(run.output, Not(HasSubstr("\nscoring check-")));
}

TEST(PluginCheckTest, CrashingPluginIsReportedAgainstTheRunningCheck) {
  const CheckRun run = Check(Fixture("check_crashes"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  // A signal in a plain build; a sanitizer's report in an ASan/UBSan build.
  // The first calls into score() are the exercise check's.
  EXPECT_THAT(run.output,
              ::testing::AnyOf(HasSubstr("FAIL  exercise: the process crashed with SIG"),
                               HasSubstr("FAIL  exercise: a sanitizer stopped")));
  EXPECT_THAT(run.output, HasSubstr("RESULT: FAIL"));
}

TEST(PluginCheckTest, ScoreErrorsAndOutOfRangeValuesFailScoring) {
  const CheckRun failing =
      Check(Fixture("toy") + " --params=" + WriteFile("fail.json", R"({"emit": "fail"})"));
  EXPECT_EQ(failing.exit_code, 1) << failing.output;
  EXPECT_THAT(failing.output, HasSubstr(Verdict("FAIL", "scoring")));
  EXPECT_THAT(failing.output, HasSubstr("exception escaped score"));

  const CheckRun out_of_range =
      Check(Fixture("toy") + " --params=" + WriteFile("range.json", R"({"emit": "out_of_range"})"));
  EXPECT_EQ(out_of_range.exit_code, 1) << out_of_range.output;
  EXPECT_THAT(out_of_range.output, HasSubstr(".affinity is 1.5 (must be finite and in [0,1])"));
}

TEST(PluginCheckTest, MetadataNamesTheDefaultMissingAffinity) {
  EXPECT_THAT(Check(Fixture("toy")).output,
              HasSubstr("; default_missing_affinity 0.5 (host default)\n"));
  const CheckRun declared = Check(Fixture("missing_affinity_zero"));
  EXPECT_THAT(declared.output, HasSubstr(Verdict("PASS", "metadata")));
  EXPECT_THAT(declared.output, HasSubstr("; default_missing_affinity 0 (declared)\n"));
}

// The server refuses these at load; the checker says why, against metadata.
TEST(PluginCheckTest, ADefaultMissingAffinityOutsideZeroToOneOrNanFailsMetadata) {
  for (const auto& [fixture, value] :
       {std::pair<std::string, std::string>{"out_of_range", "1.5"}, {"nan", "nan"}}) {
    const CheckRun run = Check(Fixture("missing_affinity_" + fixture));
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_THAT(run.output, HasSubstr(Verdict("PASS", "abi")));
    EXPECT_THAT(run.output,
                HasSubstr(Verdict("FAIL", "metadata") + " default_missing_affinity " + value +
                          " is not a number in [0, 1]: the server refuses to load the plugin"));
    EXPECT_THAT(run.output, HasSubstr("RESULT: FAIL (1 of 2 checks failed)"));
  }
}

TEST(PluginCheckTest, ExtraExportsAreNamed) {
  const CheckRun run = Check(Fixture("check_exports_extra"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(Verdict("FAIL", "exports")));
  EXPECT_THAT(run.output, HasSubstr("fixture_exported_helper"));
}

TEST(PluginCheckTest, AbiMismatchesAreRefusedWithBothVersions) {
  const CheckRun other_major = Check(Fixture("abi_major_mismatch"));
  EXPECT_EQ(other_major.exit_code, 1) << other_major.output;
  EXPECT_THAT(other_major.output, HasSubstr(Verdict("FAIL", "abi")));
  EXPECT_THAT(other_major.output, HasSubstr("is incompatible: this server supports ABI 1.0 to 1."));
  const CheckRun newer_minor = Check(Fixture("abi_minor_newer"));
  EXPECT_EQ(newer_minor.exit_code, 1) << newer_minor.output;
  EXPECT_THAT(newer_minor.output, HasSubstr("is newer than this server's ABI"));
}

TEST(PluginCheckTest, GeneratedCustomersReachTheBundledAndToyPlugins) {
  const CheckRun run = Check(Fixture("toy"));
  EXPECT_THAT(run.output,
              HasSubstr(Verdict("PASS", "exercise") + " the plugin's grading is reached"));
  EXPECT_THAT(run.output, HasSubstr("as_of: 2026-11-22T00:00:00Z (the default"));
}

// check_seats grades only attribute seat_count, which no generated customer carries; its
// params_doc says so, and customers derived from that reach it.
TEST(PluginCheckTest, AttributeReaderIsReachedThroughItsParamsDoc) {
  const CheckRun run = Check(Fixture("check_seats"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output,
              HasSubstr(Verdict("PASS", "exercise") +
                        " reached only by customers derived from params_doc and the params"));
  EXPECT_THAT(run.output, HasSubstr("attributes tried: seat_count, min_seats"));
  EXPECT_THAT(run.output, HasSubstr("RESULT: PASS (13 checks)"));
}

TEST(PluginCheckTest, PluginNoCustomerReachesFailsTheExerciseCheckNamingWhatWasTried) {
  const CheckRun run = Check(Fixture("check_seats_undocumented"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output,
              HasSubstr(Verdict("FAIL", "exercise") + " no customer reached the plugin's grading"));
  EXPECT_THAT(
      run.output,
      AllOf(HasSubstr("200 generated customers (seed 1)"),
            HasSubstr("customers derived from params_doc and the params"),
            HasSubstr("attributes tried: min_seats, fewest, licensed, seats, fully, match\n"),
            HasSubstr("each set in turn to"), HasSubstr("\"50\"")));
  EXPECT_THAT(run.output, HasSubstr("RESULT: FAIL (1 of 13 checks failed)"));
}

TEST(PluginCheckTest, CustomersFileAndAttributeValuesReachWhatTheDocDoesNotName) {
  const std::string customers =
      WriteFile("seats.jsonl",
                "{\"customer_id\": \"c-1\", \"attributes\": {\"seat_count\": \"80\"}}\n"
                "\n"
                "{\"customer_id\": \"c-2\", \"demographics\": {\"age\": 40}}\n");
  const CheckRun from_file =
      Check(Fixture("check_seats_undocumented") + " --customers=" + customers);
  EXPECT_EQ(from_file.exit_code, 0) << from_file.output;
  EXPECT_THAT(from_file.output, HasSubstr("1 of 202 customers reached it"));
  EXPECT_THAT(from_file.output, HasSubstr("and 2 from " + customers));

  const CheckRun from_flag =
      Check(Fixture("check_seats_undocumented") + " '--attribute_values=seat_count=5|500'");
  EXPECT_EQ(from_flag.exit_code, 0) << from_flag.output;
  EXPECT_THAT(from_flag.output,
              HasSubstr(Verdict("PASS", "exercise") + " the plugin's grading is reached"));
}

TEST(PluginCheckTest, BadCustomersFilesAreUsageErrorsNamingLineAndField) {
  const CheckRun unknown =
      Check(Fixture("toy") + " --customers=" +
            WriteFile("unknown.jsonl",
                      "{\"customer_id\": \"c-1\"}\n{\"customer_id\": \"c-2\", \"agee\": 3}\n"));
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output,
              AllOf(HasSubstr("unknown.jsonl:2: not a persona.v1.Customer"), HasSubstr("agee")));
  const CheckRun invalid = Check(
      Fixture("toy") + " --customers=" +
      WriteFile("invalid.jsonl", "{\"customer_id\": \"c-1\", \"demographics\": {\"age\": 200}}\n"));
  EXPECT_EQ(invalid.exit_code, 2) << invalid.output;
  EXPECT_THAT(invalid.output,
              HasSubstr("invalid.jsonl:1: the server would refuse this customer: "
                        "customer.demographics.age: must be between 0 and 130, got 200"));
  // --customers used to be the generated count.
  const CheckRun count = Check(Fixture("toy") + " --customers=300");
  EXPECT_EQ(count.exit_code, 2) << count.output;
  EXPECT_THAT(count.output, HasSubstr("use --generate=300"));
}

TEST(PluginCheckTest, AsOfIsTheReferenceTimeAndIsReported) {
  const CheckRun run = Check(Fixture("toy") + " --as_of=2020-02-29T12:00:00Z");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("as_of: 2020-02-29T12:00:00Z\n"));
  const CheckRun bad = Check(Fixture("toy") + " --as_of=yesterday");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("--as_of=yesterday: not an RFC 3339 time"));
}

TEST(PluginCheckTest, HelpListsThisProgramsFlagsWithDefaults) {
  for (const char* flag : {"--help", "--helpshort"}) {
    const CheckRun run = Check(flag);
    EXPECT_THAT(run.output, Not(HasSubstr("No flags matched"))) << flag;
    EXPECT_THAT(run.output, AllOf(HasSubstr("-customers"), HasSubstr("-as_of"),
                                  HasSubstr("default: \"2026-11-22T00:00:00Z\""),
                                  HasSubstr("-generate"), HasSubstr("default: 400"),
                                  HasSubstr("-attribute_values"), HasSubstr("-params")))
        << flag << "\n"
        << run.output;
  }
}

TEST(PluginCheckTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Check("").exit_code, 2);
  EXPECT_EQ(Check(Fixture("toy") + " --params=/nonexistent/params.json").exit_code, 2);
  EXPECT_EQ(Check(Fixture("toy") + " --params=" + WriteFile("bad.json", "[1, 2]")).exit_code, 2);
}

}  // namespace
