// client/admin/fleet_admin and the persona-cli fleet commands, against in-process fake
// replicas: every step reaches every replica, says what happened on each, merges shadow
// reports, and fails naming the replicas that failed.
#include "client/admin/fleet_admin.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_catalog_admin.h"

namespace persona {
namespace {

using ::testing::ElementsAre;
using testing::FakeCatalogAdmin;
using ::testing::HasSubstr;
using ::testing::Not;

FleetCallOptions Options() {
  FleetCallOptions options;
  options.admin_token = "s3cret";
  options.timeout_seconds = 5;
  return options;
}

struct Printed {
  int code;
  std::string out;
  std::string err;
};

Printed Report(const std::string& step, const std::vector<ReplicaOutcome>& outcomes) {
  std::ostringstream out, err;
  const int code = ReportOutcomes(step, outcomes, out, err);
  return Printed{code, out.str(), err.str()};
}

persona::v1::GetShadowReportResponse ShadowOf(uint64_t compared, uint64_t agreements,
                                              uint64_t entered, const std::string& example) {
  persona::v1::GetShadowReportResponse report;
  report.set_staged(true);
  report.set_live_version("live-1");
  report.set_candidate_version("cand-1");
  report.set_shadow_sample_rate(0.1);
  report.set_compared(compared);
  report.set_top1_agreements(agreements);
  report.set_top1_agreement(static_cast<double>(agreements) / static_cast<double>(compared));
  report.set_dropped(1);
  auto* row = report.add_personas();
  row->set_persona_id("hemat");
  row->set_live_matches(compared / 2);
  row->set_candidate_matches(compared / 2 + entered);
  row->set_entered(entered);
  row->set_mean_abs_score_change(0.2);
  row->add_entered_examples(example);
  return report;
}

TEST(FleetAdminTest, StageReachesEveryReplicaWithTheCatalogAndToken) {
  FakeCatalogAdmin a, b;
  persona::v1::StageCatalogRequest request;
  request.set_catalog_json("{\"version\":\"cand-1\"}");
  request.set_shadow_sample_rate(0.25);
  const Printed printed =
      Report("stage", StageOnFleet({a.replica(), b.replica()}, request, Options()));
  EXPECT_EQ(printed.code, 0) << printed.err;
  EXPECT_EQ(printed.err, "");
  for (FakeCatalogAdmin* fake : {&a, &b}) {
    ASSERT_EQ(fake->stages.size(), 1u);
    EXPECT_EQ(fake->stages[0].catalog_json(), "{\"version\":\"cand-1\"}");
    EXPECT_EQ(fake->stages[0].shadow_sample_rate(), 0.25);
    EXPECT_THAT(fake->authorization, ElementsAre("Bearer s3cret"));
    EXPECT_THAT(printed.out, HasSubstr(fake->address()));
  }
  EXPECT_THAT(printed.out, HasSubstr("ok      staged cand-1 (3 personas) beside live live-1, "
                                     "sampling 25.0%"));
}

TEST(FleetAdminTest, OneFailingReplicaFailsTheStepAndIsNamed) {
  FakeCatalogAdmin a, b;
  b.fail_everything = true;
  persona::v1::StageCatalogRequest request;
  request.set_catalog_json("{}");
  const Printed printed =
      Report("stage", StageOnFleet({a.replica(), b.replica()}, request, Options()));
  EXPECT_EQ(printed.code, 1);
  EXPECT_THAT(printed.out, HasSubstr(absl::StrCat(b.address(),
                                                  "  FAILED  UNAVAILABLE: replica "
                                                  "is down")));
  EXPECT_THAT(printed.out, HasSubstr(absl::StrCat(a.address(), "  ok")));
  EXPECT_EQ(printed.err,
            absl::StrCat("error: stage failed on 1 of 2 replicas: ", b.address(), "\n"));
  // The healthy replica still got its stage.
  EXPECT_EQ(a.stages.size(), 1u);
}

TEST(FleetAdminTest, ACatalogTheServerRefusesFailsWithItsProblems) {
  FakeCatalogAdmin a;
  a.stage_ok = false;
  const Printed printed =
      Report("stage", StageOnFleet({a.replica()}, persona::v1::StageCatalogRequest(), Options()));
  EXPECT_EQ(printed.code, 1);
  EXPECT_THAT(printed.out, HasSubstr("NOT staged (live stays live-1): 1 problem(s)"));
  EXPECT_THAT(printed.out, HasSubstr("personas[x].criteria[0].weight: must be > 0"));
}

TEST(FleetAdminTest, ShadowMergesTheStagedReplicas) {
  FakeCatalogAdmin a, b;
  a.shadow = ShadowOf(100, 90, 4, "c-a");
  b.shadow = ShadowOf(300, 240, 6, "c-b");
  const FleetShadow fleet = ShadowOfFleet({a.replica(), b.replica()}, 7, Options());
  EXPECT_EQ(a.last_examples, 7u);
  const Printed printed = Report("shadow", fleet.outcomes);
  EXPECT_EQ(printed.code, 0);
  EXPECT_THAT(printed.out, HasSubstr("candidate cand-1 beside live live-1, sampling 10.0%: 100 "
                                     "compared, 1 dropped, 0 failed, top-1 agreement 90.0%"));
  EXPECT_EQ(fleet.merged.compared(), 400u);
  EXPECT_EQ(fleet.merged.dropped(), 2u);
  EXPECT_EQ(fleet.merged.top1_agreements(), 330u);
  EXPECT_DOUBLE_EQ(fleet.merged.top1_agreement(), 330.0 / 400.0);
  ASSERT_EQ(fleet.merged.personas_size(), 1);
  const auto& row = fleet.merged.personas(0);
  EXPECT_EQ(row.entered(), 10u);
  EXPECT_EQ(row.live_matches(), 200u);
  EXPECT_DOUBLE_EQ(row.live_match_rate(), 0.5);
  EXPECT_THAT(row.entered_examples(), ElementsAre("c-a", "c-b"));

  const std::string table = FormatShadowReport(fleet.merged);
  EXPECT_THAT(table, HasSubstr("live live-1  →  candidate cand-1"));
  EXPECT_THAT(table, HasSubstr("compared 400, dropped 2, failed 0, top-1 agreement 82.5% (330)"));
  EXPECT_THAT(table, HasSubstr("hemat entered: c-a, c-b"));
}

TEST(FleetAdminTest, AReplicaWithNothingStagedFailsShadowAndIsLeftOutOfTheMerge) {
  FakeCatalogAdmin a, b, c;
  a.shadow = ShadowOf(100, 90, 4, "c-a");
  c.fail_everything = true;
  const FleetShadow fleet = ShadowOfFleet({a.replica(), b.replica(), c.replica()}, 5, Options());
  const Printed printed = Report("shadow", fleet.outcomes);
  EXPECT_EQ(printed.code, 1);
  EXPECT_THAT(printed.out, HasSubstr(absl::StrCat(b.address(), "  FAILED  nothing staged")));
  EXPECT_EQ(printed.err, absl::StrCat("error: shadow failed on 2 of 3 replicas: ", b.address(),
                                      ", ", c.address(), "\n"));
  EXPECT_EQ(fleet.merged.compared(), 100u);
  EXPECT_EQ(FormatShadowReport(persona::v1::GetShadowReportResponse()), "nothing staged\n");
}

TEST(FleetAdminTest, PromoteSendsTheExpectedVersionAndReportsRefusals) {
  FakeCatalogAdmin a, b;
  a.staged_version = "cand-1";
  b.staged_version = "cand-2";  // someone staged something else here
  persona::v1::PromoteCatalogRequest request;
  request.set_expected_candidate_version("cand-1");
  const Printed printed =
      Report("promote", PromoteOnFleet({a.replica(), b.replica()}, request, Options()));
  EXPECT_EQ(printed.code, 1);
  EXPECT_THAT(printed.out, HasSubstr("ok      promoted cand-1 (was live-1)"));
  EXPECT_THAT(printed.out,
              HasSubstr("FAILED  FAILED_PRECONDITION: the staged candidate is cand-2"));
  EXPECT_THAT(a.promote_expectations, ElementsAre("cand-1"));
  EXPECT_EQ(printed.err,
            absl::StrCat("error: promote failed on 1 of 2 replicas: ", b.address(), "\n"));
}

TEST(FleetAdminTest, DiscardWithNothingStagedIsFine) {
  FakeCatalogAdmin a, b;
  a.staged_version = "cand-1";
  const Printed printed = Report("discard", DiscardOnFleet({a.replica(), b.replica()}, Options()));
  EXPECT_EQ(printed.code, 0);
  EXPECT_THAT(printed.out, HasSubstr("ok      discarded cand-1"));
  EXPECT_THAT(printed.out, HasSubstr("ok      nothing was staged"));
}

TEST(FleetAdminTest, RollbackAndHistory) {
  FakeCatalogAdmin a;
  persona::v1::RollbackCatalogRequest request;
  request.set_to_version("live-0");
  Printed printed = Report("rollback", RollbackOnFleet({a.replica()}, request, Options()));
  EXPECT_EQ(printed.code, 0);
  EXPECT_THAT(printed.out, HasSubstr("rolled back to live-0 (was live-1)"));
  EXPECT_THAT(a.rollback_targets, ElementsAre("live-0"));

  a.staged_version = "cand-9";
  printed = Report("history", HistoryOfFleet({a.replica()}, Options()));
  EXPECT_EQ(printed.code, 0);
  EXPECT_THAT(printed.out, HasSubstr("ok      live live-0, staged cand-9"));
  EXPECT_THAT(printed.out, HasSubstr("* live-0"));
  EXPECT_THAT(printed.out, HasSubstr("2026-12-01T00:00:00Z  file     by file  (live)"));
  EXPECT_THAT(printed.out, HasSubstr("promote  by token:ab12  (rollback target)"));
}

// The command line end to end: flags, target list, exit code, one line per replica.
struct CliRun {
  int code;
  std::string out;
};

CliRun Cli(const std::string& args, bool with_stderr = true) {
  const std::string command = absl::StrCat(PERSONA_BUILD_DIR "/client/persona-cli ", args,
                                           with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(FleetCliTest, StageOnTwoReplicasOneDown) {
  FakeCatalogAdmin a, b;
  b.fail_everything = true;
  const std::string catalog = ::testing::TempDir() + "/fleet_candidate.json";
  std::ofstream(catalog) << "{\"version\": \"cand-1\"}";
  const std::string target = absl::StrCat("--target=ipv4:", a.address(), ",", b.address());
  const CliRun run = Cli(absl::StrCat("stage ", target, " --catalog=", catalog, " --sample=0.5"));
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr(absl::StrCat(a.address(), "  ok      staged cand-1")));
  EXPECT_THAT(run.out,
              HasSubstr(absl::StrCat("error: stage failed on 1 of 2 replicas: ", b.address())));
  ASSERT_EQ(a.stages.size(), 1u);
  EXPECT_EQ(a.stages[0].shadow_sample_rate(), 0.5);
  EXPECT_EQ(a.stages[0].catalog_json(), "{\"version\": \"cand-1\"}");
}

TEST(FleetCliTest, ShadowJsonOnStdoutAndUsageErrors) {
  FakeCatalogAdmin a, b;
  a.shadow = ShadowOf(10, 9, 1, "c-1");
  b.shadow = ShadowOf(30, 27, 2, "c-2");
  const std::string target = absl::StrCat("--target=ipv4:", a.address(), ",", b.address());
  CliRun run = Cli(absl::StrCat("shadow ", target));
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("compared 40, dropped 2, failed 0, top-1 agreement 90.0% (36)"));
  run = Cli(absl::StrCat("shadow ", target, " --json=-"), /*with_stderr=*/false);
  EXPECT_EQ(run.code, 0);
  persona::v1::GetShadowReportResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(run.out, &parsed).ok()) << run.out;
  EXPECT_EQ(parsed.compared(), 40u);
  EXPECT_THAT(parsed.personas(0).entered_examples(), ElementsAre("c-1", "c-2"));

  EXPECT_EQ(Cli("stage --target=127.0.0.1:1").code, 2);  // no --catalog
  EXPECT_EQ(Cli(absl::StrCat("stage ", target, " --catalog=/nonexistent.json")).code, 2);
  EXPECT_EQ(Cli("stage --target=127.0.0.1:1 --catalog=x --sample=1.5").code, 2);
  EXPECT_EQ(Cli("shadow --target=127.0.0.1:1 --examples=21").code, 2);
  run = Cli("history --target=persona:0");
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, HasSubstr("the port must be 1..65535"));
  EXPECT_THAT(Cli("--help").out, HasSubstr("--expect"));
}

}  // namespace
}  // namespace persona
