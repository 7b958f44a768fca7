#include "client/bulk/report_html.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/bulk/html_page.h"
#include "client/bulk/progress_bar.h"

namespace persona {
namespace {

constexpr size_t kMaxBars = 40;        // bars in the distribution chart; the rest are summed
constexpr size_t kMaxHistograms = 60;  // small multiples; the JSON has them all

std::string Label(const PersonaSummaryRow& row) {
  return row.display_name.empty() ? row.id : row.display_name;
}

struct Bar {
  std::string label;
  uint64_t count;
  bool muted;
};

// Horizontal bars, each a share of the scored customers.
void BarChart(const Report& report, const std::vector<Bar>& bars, std::string_view aria,
              std::string* out) {
  constexpr int kLabel = 240, kBar = 420, kRow = 22;
  const int height = static_cast<int>(bars.size()) * kRow + 10;
  absl::StrAppend(out, "<svg class=\"chart\" width=\"", kLabel + kBar + 110, "\" height=\"", height,
                  "\" role=\"img\" aria-label=\"", HtmlEscape(aria), "\">\n");
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double share = report.Share(bar.count);
    const int y = static_cast<int>(i) * kRow + 5;
    const int width = static_cast<int>(std::min(share, 1.0) * kBar + 0.5);
    absl::StrAppend(out, "<text x=\"", kLabel - 8, "\" y=\"", y + 15, "\" text-anchor=\"end\">",
                    HtmlEscape(bar.label), "</text>");
    absl::StrAppend(out, "<rect x=\"", kLabel, "\" y=\"", y + 3, "\" width=\"", width,
                    "\" height=\"", kRow - 6, "\" fill=\"", bar.muted ? "#9aa5b1" : "#2f6db3",
                    "\"><title>", HtmlEscape(bar.label), ": ", GroupThousands(bar.count),
                    " customers</title></rect>");
    absl::StrAppend(out, "<text x=\"", kLabel + width + 6, "\" y=\"", y + 15, "\">",
                    HtmlPercent(share), " (", GroupThousands(bar.count), ")</text>\n");
  }
  absl::StrAppend(out, "</svg>\n");
}

void DistributionChart(const Report& report, std::string* out) {
  std::vector<Bar> bars;
  uint64_t others = 0;
  size_t other_personas = 0;
  for (const PersonaSummaryRow& row : report.personas) {
    if (bars.size() < kMaxBars) {
      bars.push_back(Bar{Label(row), row.top_count, false});
    } else {
      others += row.top_count;
      ++other_personas;
    }
  }
  if (other_personas > 0) {
    bars.push_back(
        Bar{absl::StrCat(GroupThousands(other_personas), " other personas"), others, true});
  }
  bars.push_back(Bar{"no persona (unmatched)", report.unmatched, true});
  BarChart(report, bars, "best-matching persona per customer", out);
}

// One label key: its top values, the rest as "other", and the customers without the label.
void LabelChart(const Report& report, const LabelDistribution& label, std::string* out) {
  const uint64_t without = report.scored - label.customers;
  if (label.customers == 0) {
    absl::StrAppend(out, "<p>No scored customer carries <code>", HtmlEscape(label.key),
                    "</code> (is its segmenter in the catalog?).</p>\n");
    return;
  }
  std::vector<Bar> bars;
  for (const LabelValueCount& value : label.values) {
    bars.push_back(Bar{value.value.empty() ? "(empty)" : value.value, value.count, false});
  }
  if (label.other_count > 0) {
    bars.push_back(Bar{OtherValuesName(label), label.other_count, true});
  }
  bars.push_back(Bar{"without the label", without, true});
  BarChart(report, bars, label.key, out);
}

void Histogram(const PersonaSummaryRow& row, std::string* out) {
  constexpr int kWidth = 240, kHeight = 120, kBottom = 100, kTop = 8, kLeft = 10;
  const uint64_t peak = *std::max_element(row.histogram.begin(), row.histogram.end());
  const double mean =
      row.match_count == 0 ? 0.0 : row.score_sum / static_cast<double>(row.match_count);
  absl::StrAppend(out, "<figure><figcaption><b>", HtmlEscape(Label(row)), "</b><br><code>",
                  HtmlEscape(row.id), "</code> · ", GroupThousands(row.match_count),
                  " matches · mean ", absl::StrFormat("%.3f", mean), "</figcaption>\n");
  absl::StrAppend(out, "<svg width=\"", kWidth, "\" height=\"", kHeight,
                  "\" role=\"img\" aria-label=\"score histogram\">");
  const int bin_width = (kWidth - 2 * kLeft) / 10;
  for (int b = 0; b < 10; ++b) {
    const uint64_t count = row.histogram[b];
    const int h =
        peak == 0
            ? 0
            : static_cast<int>(
                  static_cast<double>(count) / static_cast<double>(peak) * (kBottom - kTop) + 0.5);
    absl::StrAppend(out, "<rect x=\"", kLeft + b * bin_width + 1, "\" y=\"", kBottom - h,
                    "\" width=\"", bin_width - 2, "\" height=\"", h,
                    "\" fill=\"#2f6db3\"><title>score ", absl::StrFormat("%.1f", b / 10.0), "–",
                    absl::StrFormat("%.1f", (b + 1) / 10.0), ": ", GroupThousands(count),
                    "</title></rect>");
  }
  absl::StrAppend(out, "<line x1=\"", kLeft, "\" y1=\"", kBottom, "\" x2=\"", kWidth - kLeft,
                  "\" y2=\"", kBottom, "\" stroke=\"#555\"/>");
  for (int tick = 0; tick <= 10; tick += 5) {
    absl::StrAppend(out, "<text x=\"", kLeft + tick * bin_width, "\" y=\"", kBottom + 14,
                    "\" text-anchor=\"middle\" class=\"tick\">",
                    absl::StrFormat("%.1f", tick / 10.0), "</text>");
  }
  absl::StrAppend(out, "</svg></figure>\n");
}

void Heatmap(const Report& report, std::string* out) {
  const size_t n = report.matrix_ids.size();
  if (n == 0) {
    absl::StrAppend(out, "<p>No persona matched any customer.</p>\n");
    return;
  }
  const int cell = n <= 12 ? 40 : (n <= 20 ? 28 : 20);
  constexpr int kLeft = 220, kTop = 150;
  const int size = static_cast<int>(n) * cell;
  // Room on the right for the last column's slanted label.
  absl::StrAppend(out, "<svg width=\"", kLeft + size + 140, "\" height=\"", kTop + size + 20,
                  "\" role=\"img\" aria-label=\"co-match matrix\">\n");
  for (size_t i = 0; i < n; ++i) {
    const int center = static_cast<int>(i) * cell + cell / 2;
    absl::StrAppend(out, "<text x=\"", kLeft - 6, "\" y=\"", kTop + center + 4,
                    "\" text-anchor=\"end\" class=\"tick\">", HtmlEscape(report.matrix_ids[i]),
                    "</text>");
    absl::StrAppend(out, "<text transform=\"translate(", kLeft + center + 4, ",", kTop - 6,
                    ") rotate(-60)\" class=\"tick\">", HtmlEscape(report.matrix_ids[i]),
                    "</text>\n");
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const uint64_t both = report.co_match[i][j];
      const uint64_t either = report.co_match[i][i] + report.co_match[j][j] - both;
      const double jaccard =
          either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
      const int x = kLeft + static_cast<int>(j) * cell;
      const int y = kTop + static_cast<int>(i) * cell;
      absl::StrAppend(out, "<rect x=\"", x, "\" y=\"", y, "\" width=\"", cell - 1, "\" height=\"",
                      cell - 1, "\" fill=\"", i == j ? "#d9dee4" : HeatColor(jaccard), "\"><title>",
                      HtmlEscape(report.matrix_ids[i]), " &amp; ", HtmlEscape(report.matrix_ids[j]),
                      ": ", GroupThousands(both), " customers match both (Jaccard ",
                      absl::StrFormat("%.2f", jaccard), ")</title></rect>");
      if (cell >= 28 && i != j) {
        absl::StrAppend(out, "<text x=\"", x + cell / 2, "\" y=\"", y + cell / 2 + 4,
                        "\" text-anchor=\"middle\" class=\"cell\">",
                        absl::StrFormat("%.0f", jaccard * 100), "</text>");
      }
    }
    absl::StrAppend(out, "\n");
  }
  absl::StrAppend(out, "</svg>\n");
}

void MostAlike(const Report& report, std::string* out) {
  if (report.most_alike.empty()) return;
  absl::StrAppend(out,
                  "<table><tr><th>persona</th><th>persona</th><th>customers matching both</th>"
                  "<th>Jaccard</th></tr>\n");
  for (const PersonaPair& pair : report.most_alike) {
    absl::StrAppend(out, "<tr><td><code>", HtmlEscape(pair.a), "</code></td><td><code>",
                    HtmlEscape(pair.b), "</code></td><td class=\"num\">", GroupThousands(pair.both),
                    "</td><td class=\"num\">", absl::StrFormat("%.3f", pair.jaccard),
                    "</td></tr>\n");
  }
  absl::StrAppend(out, "</table>\n");
}

// Every label key the named section above does not show.
void LabelSections(const Report& report, std::string* out) {
  absl::StrAppend(out,
                  "<h2>Labels</h2>\n<p>Every other label key: the share of scored customers "
                  "carrying each of its most frequent values; the rest are summed as other "
                  "values.");
  if (report.labels_untracked > 0) {
    absl::StrAppend(out, " ", GroupThousands(report.labels_untracked),
                    " labels of keys past the first ", LabelTally::kMaxKeys, " are not counted.");
  }
  absl::StrAppend(out, "</p>\n");
  bool any = false;
  for (const LabelDistribution& label : report.labels) {
    if (!label.title.empty() || label.customers == 0) continue;
    any = true;
    absl::StrAppend(out, "<h3><code>", HtmlEscape(label.key), "</code></h3>\n");
    LabelChart(report, label, out);
  }
  if (!any) absl::StrAppend(out, "<p>No other labels.</p>\n");
}

}  // namespace

std::string ReportToHtml(const Report& report, std::string_view source) {
  std::string out;
  absl::StrAppend(&out, HtmlPageStart(absl::StrCat(
                            "Persona report: ", absl::string_view(source.data(), source.size()))));
  absl::StrAppend(&out, "<h1>Persona report</h1>\n<p class=\"meta\">Input <code>",
                  HtmlEscape(source), "</code> · catalog version ",
                  HtmlEscape(absl::StrJoin(report.catalog_versions, ", ")), " · ",
                  GroupThousands(report.personas.size()), " personas</p>\n");
  absl::StrAppend(&out, "<div class=\"cards\">", "<div class=\"card\"><b>",
                  GroupThousands(report.records), "</b>records</div>", "<div class=\"card\"><b>",
                  GroupThousands(report.scored), "</b>scored</div>", "<div class=\"card\"><b>",
                  GroupThousands(report.rejected), "</b>rejected</div>", "<div class=\"card\"><b>",
                  HtmlPercent(report.Share(report.unmatched)),
                  "</b>match no persona</div></div>\n");

  absl::StrAppend(&out,
                  "<h2>Persona distribution</h2>\n<p>Share of scored customers whose best match "
                  "is each persona; the last bar is customers no persona matched.</p>\n");
  DistributionChart(report, &out);

  absl::StrAppend(&out,
                  "<h2>Channels, seasons and categories</h2>\n<p>What the segmenters concluded "
                  "about the scored customers (their labels), as shares of the scored "
                  "customers.</p>\n");
  for (const LabelDistribution& label : report.labels) {
    if (label.title.empty()) continue;
    absl::StrAppend(&out, "<h3>", HtmlEscape(label.title), " <code>", HtmlEscape(label.key),
                    "</code></h3>\n");
    if (label.per_item) {
      absl::StrAppend(&out,
                      "<p>A customer in several at once counts once in each, so the shares can "
                      "add up to more than 100%.</p>\n");
    }
    LabelChart(report, label, &out);
  }

  absl::StrAppend(&out,
                  "<h2>Score histograms</h2>\n<p>Scores of each persona's matches, in bins of "
                  "0.1 (scores below a persona's <code>min_score</code> are not matches).");
  size_t shown = 0;
  std::string figures;
  for (const PersonaSummaryRow& row : report.personas) {
    if (row.match_count == 0) continue;
    if (shown++ == kMaxHistograms) break;
    Histogram(row, &figures);
  }
  if (shown > kMaxHistograms) {
    absl::StrAppend(&out, " The ", kMaxHistograms,
                    " personas that are most often the best match are shown; the JSON has all.");
  }
  absl::StrAppend(&out, "</p>\n<div class=\"grid\">\n", figures, "</div>\n");

  absl::StrAppend(
      &out,
      "<h2>Co-match matrix</h2>\n<p>How often two personas match the same customer: "
      "each cell is the Jaccard index (customers matching both ÷ customers matching "
      "either, in %). A high value means the two personas do not tell customers "
      "apart: consider merging them or sharpening their criteria.",
      report.matrix_ids.size() < report.personas.size()
          ? absl::StrCat(" Showing the ", report.matrix_ids.size(), " most matched personas.")
          : "",
      "</p>\n");
  Heatmap(report, &out);
  absl::StrAppend(&out, "<h2>Most alike pairs</h2>\n");
  MostAlike(report, &out);
  LabelSections(report, &out);
  absl::StrAppend(&out, HtmlPageEnd());
  return out;
}

}  // namespace persona
