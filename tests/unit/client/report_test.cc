// persona-cli report's numbers on a small known input, and the page being self-contained.
#include "client/bulk/report.h"

#include <string>
#include <utility>
#include <vector>

#include "client/bulk/report_html.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

persona::v1::ScoreCustomerResponse Scored(std::vector<std::pair<std::string, double>> matches) {
  persona::v1::ScoreCustomerResponse response;
  response.set_catalog_version("v1");
  for (const auto& [id, score] : matches) {
    auto* m = response.add_matches();
    m->set_persona_id(id);
    m->set_score(score);
  }
  return response;
}

// Six customers, three personas (a, b, c) plus "d" that never matches:
//   1: a .95, b .70     2: a .90, b .65     3: b .80
//   4: c .60            5: (none)           6: a 1.0, b .55, c .52
// and one rejected record.
Report KnownReport() {
  ReportBuilder builder({{"a", "Persona A"}, {"b", "Persona B"}, {"c", "C & <co>"}, {"d", "D"}});
  builder.OnScored(1, 0, Scored({{"a", 0.95}, {"b", 0.70}}));
  builder.OnScored(2, 1, Scored({{"a", 0.90}, {"b", 0.65}}));
  builder.OnScored(3, 2, Scored({{"b", 0.80}}));
  builder.OnScored(4, 3, Scored({{"c", 0.60}}));
  builder.OnScored(5, 4, Scored({}));
  builder.OnRejected(RejectedRecord{6, 5, "x", "INVALID_ARGUMENT", "bad"});
  builder.OnScored(7, 6, Scored({{"a", 1.0}, {"b", 0.55}, {"c", 0.52}}));
  return builder.Build();
}

const PersonaSummaryRow& Row(const Report& report, const std::string& id) {
  for (const PersonaSummaryRow& row : report.personas) {
    if (row.id == id) return row;
  }
  static const PersonaSummaryRow* none = new PersonaSummaryRow;
  ADD_FAILURE() << "no row " << id;
  return *none;
}

TEST(ReportTest, CountsSharesHistogramsAndPairs) {
  const Report report = KnownReport();
  EXPECT_EQ(report.records, 7u);
  EXPECT_EQ(report.scored, 6u);
  EXPECT_EQ(report.rejected, 1u);
  EXPECT_EQ(report.unmatched, 1u);
  EXPECT_DOUBLE_EQ(report.Share(report.unmatched), 1.0 / 6);
  EXPECT_EQ(report.catalog_versions, std::vector<std::string>{"v1"});

  // Ordered by how often each is the best match, then id.
  ASSERT_EQ(report.personas.size(), 4u);
  EXPECT_EQ(report.personas[0].id, "a");
  EXPECT_EQ(report.personas[1].id, "b");
  EXPECT_EQ(report.personas[2].id, "c");
  EXPECT_EQ(report.personas[3].id, "d");

  EXPECT_EQ(Row(report, "a").top_count, 3u);
  EXPECT_EQ(Row(report, "a").match_count, 3u);
  EXPECT_EQ(Row(report, "b").top_count, 1u);
  EXPECT_EQ(Row(report, "b").match_count, 4u);
  EXPECT_EQ(Row(report, "c").top_count, 1u);
  EXPECT_EQ(Row(report, "c").match_count, 2u);
  EXPECT_EQ(Row(report, "d").match_count, 0u);
  EXPECT_NEAR(Row(report, "b").score_sum, 0.70 + 0.65 + 0.80 + 0.55, 1e-12);

  // a: .95 .90 1.0 → bins 9, 9, 9 (1.0 goes in the last bin).
  EXPECT_THAT(Row(report, "a").histogram, ::testing::ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 3));
  // b: .70 .65 .80 .55 → bins 7, 6, 8, 5.
  EXPECT_THAT(Row(report, "b").histogram, ::testing::ElementsAre(0, 0, 0, 0, 0, 1, 1, 1, 1, 0));

  // Matrix over matched personas, most matched first: b(4), a(3), c(2).
  EXPECT_THAT(report.matrix_ids, ::testing::ElementsAre("b", "a", "c"));
  EXPECT_THAT(report.co_match[0], ::testing::ElementsAre(4, 3, 1));
  EXPECT_THAT(report.co_match[1], ::testing::ElementsAre(3, 3, 1));
  EXPECT_THAT(report.co_match[2], ::testing::ElementsAre(1, 1, 2));

  // Jaccard: a&b 3/4, a&c 1/4, b&c 1/5.
  ASSERT_EQ(report.most_alike.size(), 3u);
  EXPECT_EQ(report.most_alike[0].a, "a");
  EXPECT_EQ(report.most_alike[0].b, "b");
  EXPECT_EQ(report.most_alike[0].both, 3u);
  EXPECT_DOUBLE_EQ(report.most_alike[0].jaccard, 0.75);
  EXPECT_EQ(report.most_alike[1].b, "c");
  EXPECT_DOUBLE_EQ(report.most_alike[1].jaccard, 0.25);
  EXPECT_DOUBLE_EQ(report.most_alike[2].jaccard, 0.2);
}

TEST(ReportTest, JsonCarriesTheSameNumbers) {
  const std::string json = ReportToJson(KnownReport());
  EXPECT_THAT(json, HasSubstr(R"("records":7,"scored":6,"rejected":1,"unmatched":1,)"));
  EXPECT_THAT(json, HasSubstr(R"("unmatched_share":0.16666666666666666)"));
  EXPECT_THAT(json, HasSubstr(R"({"id":"a","display_name":"Persona A","top_count":3,)"
                              R"("top_share":0.5,"match_count":3,"match_share":0.5,)"));
  EXPECT_THAT(json, HasSubstr(R"("score_histogram":[0,0,0,0,0,0,0,0,0,3])"));
  EXPECT_THAT(json, HasSubstr(R"("co_match":{"personas":["b","a","c"],)"
                              R"("counts":[[4,3,1],[3,3,1],[1,1,2]]})"));
  EXPECT_THAT(json, HasSubstr(R"({"a":"a","b":"b","both":3,"jaccard":0.75})"));
}

TEST(ReportTest, HtmlIsSelfContained) {
  const std::string html = ReportToHtml(KnownReport(), "customers <2026>.jsonl");
  EXPECT_THAT(html, ::testing::StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("Persona distribution"));
  EXPECT_THAT(html, HasSubstr("Score histograms"));
  EXPECT_THAT(html, HasSubstr("Co-match matrix"));
  EXPECT_THAT(html, HasSubstr("no persona (unmatched)"));
  EXPECT_THAT(html, HasSubstr("16.7%"));  // the unmatched share
  EXPECT_THAT(html, HasSubstr("customers &lt;2026&gt;.jsonl"));
  EXPECT_THAT(html, HasSubstr("C &amp; &lt;co&gt;"));
  // No scripts and nothing fetched from elsewhere.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
}

TEST(ReportTest, AnEmptyInputStillMakesAPage) {
  ReportBuilder builder(std::vector<std::pair<std::string, std::string>>{{"a", "A"}});
  const Report report = builder.Build();
  EXPECT_EQ(report.scored, 0u);
  EXPECT_DOUBLE_EQ(report.Share(report.unmatched), 0.0);
  EXPECT_THAT(ReportToHtml(report, "empty.jsonl"), HasSubstr("No persona matched"));
  EXPECT_THAT(ReportToJson(report), HasSubstr(R"("records":0)"));
}

}  // namespace
}  // namespace persona
