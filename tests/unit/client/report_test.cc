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

persona::v1::ScoreCustomerResponse Labelled(
    std::vector<std::pair<std::string, std::string>> labels) {
  persona::v1::ScoreCustomerResponse response = Scored({{"a", 0.9}});
  for (const auto& [key, value] : labels) {
    auto* label = response.add_labels();
    label->set_key(key);
    label->set_value(value);
  }
  return response;
}

const LabelDistribution& Key(const Report& report, const std::string& key) {
  for (const LabelDistribution& label : report.labels) {
    if (label.key == key) return label;
  }
  static const LabelDistribution* none = new LabelDistribution;
  ADD_FAILURE() << "no label " << key;
  return *none;
}

// Five scored customers:
//   1: whatsapp, seasons "harbolnas,payday", category baby, rfm champions
//   2: whatsapp, seasons "payday",           category baby
//   3: email,    seasons "none",             category toys, rfm champions
//   4: none,     seasons " payday , ramadan" (spaces), category baby
//   5: no labels at all
Report LabelledReport(size_t label_values = 10) {
  ReportBuilder builder(std::vector<std::pair<std::string, std::string>>{{"a", "A"}});
  builder.OnScored(1, 0,
                   Labelled({{"digital.best_channel", "whatsapp"},
                             {"triggers.season", "harbolnas,payday"},
                             {"behavioral.top_category", "baby"},
                             {"rfm", "champions"}}));
  builder.OnScored(2, 1,
                   Labelled({{"digital.best_channel", "whatsapp"},
                             {"triggers.season", "payday"},
                             {"behavioral.top_category", "baby"}}));
  builder.OnScored(3, 2,
                   Labelled({{"digital.best_channel", "email"},
                             {"triggers.season", "none"},
                             {"behavioral.top_category", "toys"},
                             {"rfm", "champions"}}));
  builder.OnScored(4, 3,
                   Labelled({{"digital.best_channel", "none"},
                             {"triggers.season", " payday , ramadan"},
                             {"behavioral.top_category", "baby"}}));
  builder.OnScored(5, 4, Labelled({}));
  builder.OnRejected(RejectedRecord{6, 5, "x", "INVALID_ARGUMENT", "bad"});
  return builder.Build(30, 10, label_values);
}

std::vector<std::pair<std::string, uint64_t>> Values(const LabelDistribution& label) {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const LabelValueCount& value : label.values) out.emplace_back(value.value, value.count);
  return out;
}

using Counts = std::vector<std::pair<std::string, uint64_t>>;

TEST(ReportLabelsTest, NamedKeysComeFirstThenTheRestByKey) {
  const Report report = LabelledReport();
  ASSERT_EQ(report.labels.size(), 4u);
  EXPECT_EQ(report.labels[0].key, "digital.best_channel");
  EXPECT_EQ(report.labels[0].title, "Best channel");
  EXPECT_EQ(report.labels[1].key, "triggers.season");
  EXPECT_EQ(report.labels[1].title, "Active seasons");
  EXPECT_EQ(report.labels[2].key, "behavioral.top_category");
  EXPECT_EQ(report.labels[2].title, "Top categories");
  EXPECT_EQ(report.labels[3].key, "rfm");
  EXPECT_EQ(report.labels[3].title, "");
}

TEST(ReportLabelsTest, CountsCustomersPerValue) {
  const Report report = LabelledReport();
  const LabelDistribution& channel = Key(report, "digital.best_channel");
  EXPECT_EQ(channel.customers, 4u);  // customer 5 carries no label
  EXPECT_EQ(Values(channel), (Counts{{"whatsapp", 2}, {"email", 1}, {"none", 1}}));
  EXPECT_EQ(channel.other_count, 0u);
  EXPECT_FALSE(channel.per_item);
  EXPECT_EQ(Values(Key(report, "behavioral.top_category")), (Counts{{"baby", 3}, {"toys", 1}}));
  EXPECT_EQ(Key(report, "rfm").customers, 2u);
  EXPECT_EQ(Values(Key(report, "rfm")), (Counts{{"champions", 2}}));
}

TEST(ReportLabelsTest, EachSeasonOfACommaListCountsOnce) {
  const Report report = LabelledReport();
  const LabelDistribution& season = Key(report, "triggers.season");
  EXPECT_TRUE(season.per_item);
  EXPECT_EQ(season.customers, 4u);
  // payday: customers 1, 2 and 4 (spaces trimmed); harbolnas 1; ramadan 4; none 3.
  EXPECT_EQ(Values(season), (Counts{{"payday", 3}, {"harbolnas", 1}, {"none", 1}, {"ramadan", 1}}));
}

TEST(ReportLabelsTest, ACustomerCountsOncePerValueEvenIfRepeated) {
  ReportBuilder builder(std::vector<std::pair<std::string, std::string>>{{"a", "A"}});
  builder.OnScored(1, 0,
                   Labelled({{"triggers.season", "payday,payday"},
                             {"rfm", "champions"},
                             {"rfm", "champions"},
                             {"rfm", "loyal"}}));
  const Report report = builder.Build();
  EXPECT_EQ(Values(Key(report, "triggers.season")), (Counts{{"payday", 1}}));
  EXPECT_EQ(Key(report, "rfm").customers, 1u);
  EXPECT_EQ(Values(Key(report, "rfm")), (Counts{{"champions", 1}, {"loyal", 1}}));
}

TEST(ReportLabelsTest, TopValuesThenOther) {
  const Report report = LabelledReport(/*label_values=*/1);
  const LabelDistribution& season = Key(report, "triggers.season");
  EXPECT_EQ(Values(season), (Counts{{"payday", 3}}));
  EXPECT_EQ(season.other_count, 3u);
  EXPECT_EQ(season.other_values, 3u);
  EXPECT_FALSE(season.capped);
}

TEST(ReportLabelsTest, DistinctValuesAreCappedAndTheRestCountAsOther) {
  ReportBuilder builder(std::vector<std::pair<std::string, std::string>>{{"a", "A"}});
  const size_t cap = LabelTally::kMaxValuesPerKey;
  for (size_t i = 0; i < cap + 5; ++i) {
    builder.OnScored(static_cast<int64_t>(i), i,
                     Labelled({{"behavioral.top_category", "c" + std::to_string(i)}}));
  }
  // A tracked value still counts after the cap is reached.
  builder.OnScored(0, 0, Labelled({{"behavioral.top_category", "c0"}}));
  const Report report = builder.Build(30, 10, 10);
  const LabelDistribution& category = Key(report, "behavioral.top_category");
  EXPECT_EQ(category.customers, cap + 6);
  EXPECT_TRUE(category.capped);
  ASSERT_EQ(category.values.size(), 10u);
  EXPECT_EQ(category.values[0].value, "c0");
  EXPECT_EQ(category.values[0].count, 2u);
  // Past the cap: 5 untracked; past the top 10: cap - 10 tracked values of one customer each.
  EXPECT_EQ(category.other_count, 5 + (cap - 10));
  EXPECT_EQ(category.other_values, cap - 10);
  EXPECT_EQ(OtherValuesName(category), "990+ other values");  // more exist than were tracked
}

TEST(ReportLabelsTest, KeysAreCappedToo) {
  ReportBuilder builder(std::vector<std::pair<std::string, std::string>>{{"a", "A"}});
  std::vector<std::pair<std::string, std::string>> labels;
  for (size_t i = 0; i < LabelTally::kMaxKeys + 2; ++i) {
    labels.emplace_back("k" + std::to_string(i), "v");
  }
  builder.OnScored(1, 0, Labelled(labels));
  const Report report = builder.Build();
  EXPECT_EQ(report.labels.size(), LabelTally::kMaxKeys);
  // The three named keys take their places up front: 3 + 2 keys are not tracked.
  EXPECT_EQ(report.labels_untracked, 5u);
}

TEST(ReportLabelsTest, JsonHasTheDistributions) {
  const std::string json = ReportToJson(LabelledReport(/*label_values=*/2));
  EXPECT_THAT(json, HasSubstr(R"({"key":"digital.best_channel","title":"Best channel",)"
                              R"("per_item":false,"customers":4,"share":0.8,"without":1,)"
                              R"("without_share":0.2,"values":[{"value":"whatsapp","count":2,)"
                              R"("share":0.4},{"value":"email","count":1,"share":0.2}],)"
                              R"("other":{"count":1,"share":0.2,"values":1,"capped":false}})"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"triggers.season","title":"Active seasons",)"
                              R"("per_item":true,)"));
  EXPECT_THAT(json, HasSubstr(R"({"key":"rfm","per_item":false,"customers":2,)"));
  EXPECT_THAT(json, HasSubstr(R"("labels_untracked":0})"));
}

TEST(ReportLabelsTest, HtmlShowsTheNamedLabelsFirstThenTheRest) {
  const std::string html = ReportToHtml(LabelledReport(/*label_values=*/2), "in.jsonl");
  const size_t channel = html.find("Best channel");
  const size_t seasons = html.find("Active seasons");
  const size_t categories = html.find("Top categories");
  const size_t rest = html.find("<h3><code>rfm</code></h3>");
  ASSERT_NE(channel, std::string::npos);
  ASSERT_NE(seasons, std::string::npos);
  ASSERT_NE(categories, std::string::npos);
  ASSERT_NE(rest, std::string::npos);
  EXPECT_LT(channel, seasons);
  EXPECT_LT(seasons, categories);
  EXPECT_LT(categories, rest);
  EXPECT_THAT(html, HasSubstr(">whatsapp</text>"));
  EXPECT_THAT(html, HasSubstr("40.0% (2)"));  // whatsapp
  EXPECT_THAT(html, HasSubstr(">payday</text>"));
  EXPECT_THAT(html, HasSubstr("60.0% (3)"));               // payday, counted in three customers
  EXPECT_THAT(html, HasSubstr(">2 other values</text>"));  // seasons past the top 2
  EXPECT_THAT(html, HasSubstr(">without the label</text>"));
  EXPECT_THAT(html, HasSubstr("more than 100%"));
}

TEST(ReportLabelsTest, TextListsTheNamedLabelsFirstThenTheRest) {
  const std::string text = LabelsToText(LabelledReport(/*label_values=*/2));
  EXPECT_EQ(text,
            "Best channel (digital.best_channel): 4 of 5 scored customers\n"
            "  whatsapp                                  2   40.0%\n"
            "  email                                     1   20.0%\n"
            "  1 other value                             1   20.0%\n"
            "  without the label                         1   20.0%\n"
            "Active seasons (triggers.season): 4 of 5 scored customers (one in several counts in "
            "each)\n"
            "  payday                                    3   60.0%\n"
            "  harbolnas                                 1   20.0%\n"
            "  2 other values                            2   40.0%\n"
            "  without the label                         1   20.0%\n"
            "Top categories (behavioral.top_category): 4 of 5 scored customers\n"
            "  baby                                      3   60.0%\n"
            "  toys                                      1   20.0%\n"
            "  without the label                         1   20.0%\n"
            "rfm: 2 of 5 scored customers\n"
            "  champions                                 2   40.0%\n"
            "  without the label                         3   60.0%\n");
  EXPECT_THAT(LabelsToText(KnownReport()),
              HasSubstr("Best channel (digital.best_channel): no scored customer carries it\n"));
}

TEST(ReportLabelsTest, HtmlSaysWhenNoCustomerCarriesANamedLabel) {
  const std::string html = ReportToHtml(KnownReport(), "in.jsonl");
  EXPECT_THAT(html, HasSubstr("No scored customer carries <code>digital.best_channel</code>"));
  EXPECT_THAT(html, HasSubstr("No other labels."));
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
