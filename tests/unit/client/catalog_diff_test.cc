// client/admin/catalog_diff and diff_html: persona-cli diff against an in-process fake
// replica: stage with sampling 0, compare every record, always discard, refuse to trample a
// staged candidate, and draw the page.
#include "client/admin/catalog_diff.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/admin/diff_html.h"
#include "client/persona_client.h"
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

constexpr char kCandidate[] = R"({"version": "cand-1", "personas": [
  {"id": "hemat"}, {"id": "baru"}]})";

// Customers: what each side answers is in the attributes the fake reads.
std::string WriteCustomers(const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path);
  // c1: hemat both sides (score 0.8 → 0.65); c2: sultan live → baru candidate;
  // c3: nothing either side; c4 rejected by the server; line 5 is not JSON.
  out << R"({"customer_id":"c1","attributes":{"live":"hemat:0.8","candidate":"hemat:0.65"}})"
      << "\n"
      << R"({"customer_id":"c2","attributes":{"live":"sultan:0.7","candidate":"baru:0.9"}})"
      << "\n"
      << R"({"customer_id":"c3"})"
      << "\n"
      << R"({"customer_id":"reject-4"})"
      << "\n"
      << "{not json\n";
  return path;
}

DiffOptions Options(const std::string& input) {
  DiffOptions options;
  options.catalog_json = kCandidate;
  options.input = input;
  options.examples_per_change = 5;
  return options;
}

FleetCallOptions Calls() {
  FleetCallOptions options;
  options.timeout_seconds = 5;
  options.admin_token = "tok";
  return options;
}

const persona::v1::PersonaShadowRow* Row(const persona::v1::GetShadowReportResponse& report,
                                         const std::string& id) {
  for (const auto& row : report.personas()) {
    if (row.persona_id() == id) return &row;
  }
  return nullptr;
}

TEST(CatalogDiffTest, ComparesEveryRecordAndDiscards) {
  FakeCatalogAdmin fake;
  std::ostringstream log;
  const DiffRun run = RunDiff(fake.replica(), Options(WriteCustomers("diff1.jsonl")), Calls(), log);
  EXPECT_EQ(run.exit_code, 1);  // two records were not compared
  EXPECT_EQ(run.error, "2 of 5 records were not compared");
  ASSERT_EQ(fake.stages.size(), 1u);
  EXPECT_EQ(fake.stages[0].shadow_sample_rate(), 0.0);
  EXPECT_EQ(fake.stages[0].catalog_json(), kCandidate);
  EXPECT_EQ(fake.discards, 1);
  EXPECT_EQ(fake.staged_version, "");
  EXPECT_THAT(fake.authorization, ::testing::Each("Bearer tok"));
  EXPECT_THAT(log.str(), HasSubstr("staged cand-1 beside live live-1"));
  EXPECT_THAT(log.str(), HasSubstr("discarded cand-1"));

  EXPECT_EQ(run.records, 5u);
  EXPECT_EQ(run.compared, 3u);
  EXPECT_EQ(run.rejected, 2u);
  EXPECT_THAT(run.rejections,
              ElementsAre(HasSubstr("line 5"),
                          "line 4 (reject-4): INVALID_ARGUMENT: customer.demographics.age: must "
                          "be 0..150"));
  const persona::v1::GetShadowReportResponse& report = run.report;
  EXPECT_TRUE(report.staged());
  EXPECT_EQ(report.live_version(), "live-1");
  EXPECT_EQ(report.candidate_version(), "cand-1");
  EXPECT_EQ(report.compared(), 3u);
  EXPECT_EQ(report.failed(), 1u);
  EXPECT_EQ(report.top1_agreements(), 2u);  // c1 and c3
  const auto* sultan = Row(report, "sultan");
  ASSERT_NE(sultan, nullptr);
  EXPECT_TRUE(sultan->only_live());  // not in the candidate's file
  EXPECT_THAT(sultan->left_examples(), ElementsAre("c2"));
  const auto* baru = Row(report, "baru");
  ASSERT_NE(baru, nullptr);
  EXPECT_TRUE(baru->only_candidate());
  EXPECT_EQ(baru->entered(), 1u);
  EXPECT_NEAR(Row(report, "hemat")->mean_abs_score_change(), 0.15, 1e-9);

  // Flows: hemat→hemat, sultan→baru, none→none; score changes −0.15, −0.7, +0.9.
  ASSERT_EQ(run.charts.flows.size(), 3u);
  EXPECT_EQ(run.charts.unchanged, 0u);
  EXPECT_EQ(run.charts.score_change_bins[8], 1u);   // −0.15 in [−0.2, −0.1)
  EXPECT_EQ(run.charts.score_change_bins[3], 1u);   // −0.7 in [−0.7, −0.6)
  EXPECT_EQ(run.charts.score_change_bins[19], 1u);  // +0.9 in [0.9, 1.0]
}

TEST(CatalogDiffTest, RefusesWhenACandidateIsAlreadyStaged) {
  FakeCatalogAdmin fake;
  fake.staged_version = "someone-elses";
  std::ostringstream log;
  DiffRun run = RunDiff(fake.replica(), Options(WriteCustomers("diff2.jsonl")), Calls(), log);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.error, HasSubstr("already stages candidate someone-elses"));
  EXPECT_THAT(run.error, HasSubstr("--replace"));
  EXPECT_TRUE(fake.stages.empty());
  EXPECT_EQ(fake.discards, 0);  // theirs is left alone
  EXPECT_FALSE(run.report.staged());

  DiffOptions replace = Options(WriteCustomers("diff2.jsonl"));
  replace.replace = true;
  run = RunDiff(fake.replica(), replace, Calls(), log);
  EXPECT_EQ(fake.stages.size(), 1u);
  EXPECT_EQ(run.compared, 3u);
  EXPECT_THAT(log.str(), HasSubstr("(replaced a candidate)"));
}

TEST(CatalogDiffTest, DiscardsAlsoWhenTheStreamFails) {
  FakeCatalogAdmin fake;
  fake.fail_stream_after = 1;
  std::ostringstream log;
  const DiffRun run = RunDiff(fake.replica(), Options(WriteCustomers("diff3.jsonl")), Calls(), log);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.error, HasSubstr("the CompareCandidate stream failed after 1 of"));
  EXPECT_THAT(run.error, HasSubstr("UNAVAILABLE: the replica went away"));
  EXPECT_EQ(fake.discards, 1);
  EXPECT_EQ(run.compared, 1u);
}

TEST(CatalogDiffTest, ACandidateTheServerRefusesIsNotCompared) {
  FakeCatalogAdmin fake;
  fake.stage_ok = false;
  std::ostringstream log;
  const DiffRun run = RunDiff(fake.replica(), Options(WriteCustomers("diff4.jsonl")), Calls(), log);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.error, HasSubstr("the candidate was not staged:\n  "
                                   "personas[x].criteria[0].weight: must be > 0"));
  EXPECT_EQ(fake.discards, 0);
}

TEST(CatalogDiffTest, AFailedDiscardIsAnError) {
  FakeCatalogAdmin fake;
  fake.discard_fails = true;
  std::ostringstream log;
  DiffOptions options = Options(WriteCustomers("diff5.jsonl"));
  const DiffRun run = RunDiff(fake.replica(), options, Calls(), log);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.error, HasSubstr("the candidate could not be discarded (persona-cli discard): "
                                   "INTERNAL: discard broke"));
}

TEST(CatalogDiffTest, AMissingInputIsALocalError) {
  FakeCatalogAdmin fake;
  std::ostringstream log;
  const DiffRun run =
      RunDiff(fake.replica(), Options("/nonexistent/customers.jsonl"), Calls(), log);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(fake.stages.empty());
}

TEST(DiffHtmlTest, DrawsTheChartsAndEscapesIds) {
  DiffRun run;
  run.records = 3;
  run.compared = 3;
  run.report.set_staged(true);
  run.report.set_live_version("live<1>");
  run.report.set_candidate_version("cand-1");
  run.report.set_compared(3);
  auto* row = run.report.add_personas();
  row->set_persona_id("<script>alert(1)</script>");
  row->set_live_matches(1);
  row->set_live_match_rate(1.0 / 3);
  row->set_candidate_matches(2);
  row->set_candidate_match_rate(2.0 / 3);
  row->set_entered(1);
  row->add_entered_examples("cust\"&<x>");
  run.charts.flows.push_back({"<script>alert(1)</script>", "", 2});
  run.charts.flows.push_back({"", "", 1});
  run.charts.score_change_bins[12] = 4;
  run.rejections.push_back("line 9 (<i>): PARSE_ERROR: x");
  const std::string html = DiffToHtml(run, "new<catalog>.json", "customers.jsonl");
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("aria-label=\"match rate per persona, live and candidate\""));
  EXPECT_THAT(html, HasSubstr("aria-label=\"best persona live to candidate\""));
  EXPECT_THAT(html, HasSubstr("aria-label=\"histogram of score changes\""));
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_GE(svgs, 3u);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html, HasSubstr("line 9 (&lt;i&gt;)"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("cust&quot;&amp;&lt;x&gt;"));
  EXPECT_THAT(html, HasSubstr("new&lt;catalog&gt;.json"));
  EXPECT_THAT(html, HasSubstr("live&lt;1&gt;"));
  EXPECT_THAT(html, HasSubstr("33.3% → 66.7%"));
  // Self-contained: nothing is fetched.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
}

TEST(DiffHtmlTest, TheJsonIsTheShadowReport) {
  FakeCatalogAdmin fake;
  std::ostringstream log;
  const DiffRun run = RunDiff(fake.replica(), Options(WriteCustomers("diff6.jsonl")), Calls(), log);
  persona::v1::GetShadowReportResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ToJson(run.report), &parsed).ok());
  EXPECT_EQ(parsed.compared(), 3u);
  EXPECT_EQ(parsed.candidate_version(), "cand-1");
  EXPECT_EQ(parsed.personas_size(), run.report.personas_size());
}

}  // namespace
}  // namespace persona
