#include "client/admin/diff_html.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/bulk/html_page.h"
#include "client/bulk/progress_bar.h"

namespace persona {
namespace {

constexpr size_t kMaxRateRows = 40;      // personas in the match-rate chart; the table has all
constexpr size_t kMaxFlowPersonas = 12;  // matrix rows/columns besides "other" and "none"
constexpr char kLiveColor[] = "#9aa5b1";
constexpr char kCandidateColor[] = "#2f6db3";

void Legend(std::string* out) {
  absl::StrAppend(
      out, "<p><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" fill=\"",
      kLiveColor, "\"/></svg> live &nbsp; <svg width=\"12\" height=\"12\"><rect ",
      "width=\"12\" height=\"12\" fill=\"", kCandidateColor, "\"/></svg> candidate</p>\n");
}

void MatchRateChart(const persona::v1::GetShadowReportResponse& report, std::string* out) {
  const size_t rows = std::min<size_t>(report.personas_size(), kMaxRateRows);
  if (rows == 0) {
    absl::StrAppend(out, "<p>No persona in either catalog.</p>\n");
    return;
  }
  double peak = 0;
  for (size_t i = 0; i < rows; ++i) {
    peak = std::max(
        {peak, report.personas(i).live_match_rate(), report.personas(i).candidate_match_rate()});
  }
  if (peak <= 0) peak = 1;
  constexpr int kLabel = 240, kBar = 420, kRow = 34;
  absl::StrAppend(out, "<svg class=\"chart\" width=\"", kLabel + kBar + 140, "\" height=\"",
                  static_cast<int>(rows) * kRow + 10,
                  "\" role=\"img\" aria-label=\"match rate per persona, live and candidate\">\n");
  for (size_t i = 0; i < rows; ++i) {
    const persona::v1::PersonaShadowRow& row = report.personas(i);
    const int y = static_cast<int>(i) * kRow + 5;
    const std::string id = HtmlEscape(row.persona_id());
    absl::StrAppend(out, "<text x=\"", kLabel - 8, "\" y=\"", y + 19, "\" text-anchor=\"end\">", id,
                    "</text>");
    const struct {
      double rate;
      uint64_t count;
      const char* color;
      const char* side;
      int dy;
    } bars[] = {
        {row.live_match_rate(), row.live_matches(), kLiveColor, "live", 2},
        {row.candidate_match_rate(), row.candidate_matches(), kCandidateColor, "candidate", 16}};
    for (const auto& bar : bars) {
      const int width = static_cast<int>(bar.rate / peak * kBar + 0.5);
      absl::StrAppend(out, "<rect x=\"", kLabel, "\" y=\"", y + bar.dy, "\" width=\"", width,
                      "\" height=\"13\" fill=\"", bar.color, "\"><title>", id, " ", bar.side, ": ",
                      HtmlPercent(bar.rate), " (", GroupThousands(bar.count), ")</title></rect>");
    }
    const int end = static_cast<int>(
        std::max(row.live_match_rate(), row.candidate_match_rate()) / peak * kBar + 0.5);
    absl::StrAppend(out, "<text x=\"", kLabel + end + 6, "\" y=\"", y + 19, "\">",
                    HtmlPercent(row.live_match_rate()), " → ",
                    HtmlPercent(row.candidate_match_rate()), "</text>\n");
  }
  absl::StrAppend(out, "</svg>\n");
}

void FlowMatrix(const DiffRun& run, std::string* out) {
  if (run.charts.flows.empty()) {
    absl::StrAppend(out, "<p>No customer was compared.</p>\n");
    return;
  }
  // The personas most often best on either side get a row and a column; the rest are summed
  // into "other"; "" (no persona) is "none", always last.
  absl::flat_hash_map<std::string, uint64_t> involvement;
  for (const auto& flow : run.charts.flows) {
    if (!flow.live.empty()) involvement[flow.live] += flow.customers;
    if (!flow.candidate.empty()) involvement[flow.candidate] += flow.customers;
  }
  std::vector<std::pair<std::string, uint64_t>> ranked(involvement.begin(), involvement.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> axis;
  absl::flat_hash_map<std::string, size_t> slot;
  for (const auto& [id, count] : ranked) {
    if (axis.size() == kMaxFlowPersonas) break;
    slot[id] = axis.size();
    axis.push_back(id);
  }
  const bool has_other = ranked.size() > kMaxFlowPersonas;
  const size_t other = axis.size();
  if (has_other) axis.push_back("(other personas)");
  const size_t none = axis.size();
  axis.push_back("(no persona)");
  const auto index = [&](const std::string& id) {
    if (id.empty()) return none;
    auto it = slot.find(id);
    return it == slot.end() ? other : it->second;
  };
  const size_t n = axis.size();
  std::vector<std::vector<uint64_t>> cells(n, std::vector<uint64_t>(n, 0));
  uint64_t total = 0;
  for (const auto& flow : run.charts.flows) {
    cells[index(flow.live)][index(flow.candidate)] += flow.customers;
    total += flow.customers;
  }
  const int cell = n <= 8 ? 56 : 42;
  constexpr int kLeft = 220, kTop = 150;
  const int size = static_cast<int>(n) * cell;
  absl::StrAppend(out, "<svg width=\"", kLeft + size + 140, "\" height=\"", kTop + size + 40,
                  "\" role=\"img\" aria-label=\"best persona live to candidate\">\n");
  for (size_t i = 0; i < n; ++i) {
    const int center = static_cast<int>(i) * cell + cell / 2;
    absl::StrAppend(out, "<text x=\"", kLeft - 6, "\" y=\"", kTop + center + 4,
                    "\" text-anchor=\"end\" class=\"tick\">", HtmlEscape(axis[i]), "</text>");
    absl::StrAppend(out, "<text transform=\"translate(", kLeft + center + 4, ",", kTop - 6,
                    ") rotate(-60)\" class=\"tick\">", HtmlEscape(axis[i]), "</text>\n");
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const uint64_t count = cells[i][j];
      const double share =
          total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
      const int x = kLeft + static_cast<int>(j) * cell;
      const int y = kTop + static_cast<int>(i) * cell;
      // The diagonal (same best persona) in blue, moves in red: the eye goes to the moves.
      const std::string fill =
          count == 0 ? "#f5f7fa"
                     : (i == j && i != other ? "#c6d8ee" : HeatColor(0.15 + 0.85 * share));
      absl::StrAppend(out, "<rect x=\"", x, "\" y=\"", y, "\" width=\"", cell - 1, "\" height=\"",
                      cell - 1, "\" fill=\"", fill, "\"><title>live ", HtmlEscape(axis[i]),
                      " → candidate ", HtmlEscape(axis[j]), ": ", GroupThousands(count),
                      " customers (", HtmlPercent(share), ")</title></rect>");
      if (count > 0) {
        absl::StrAppend(out, "<text x=\"", x + cell / 2, "\" y=\"", y + cell / 2 + 4,
                        "\" text-anchor=\"middle\" class=\"cell\">", GroupThousands(count),
                        "</text>");
      }
    }
    absl::StrAppend(out, "\n");
  }
  absl::StrAppend(out, "<text x=\"", kLeft + size / 2, "\" y=\"", kTop + size + 24,
                  "\" text-anchor=\"middle\">columns: best persona with the candidate</text>");
  absl::StrAppend(out, "</svg>\n");
}

void ScoreChangeHistogram(const DiffChartData& charts, std::string* out) {
  constexpr int kWidth = 620, kBottom = 170, kTop = 10, kLeft = 20;
  constexpr int kBins = 20;
  const int bin_width = (kWidth - 2 * kLeft) / kBins;
  const uint64_t peak =
      *std::max_element(charts.score_change_bins.begin(), charts.score_change_bins.end());
  absl::StrAppend(out, "<svg width=\"", kWidth, "\" height=\"", kBottom + 40,
                  "\" role=\"img\" aria-label=\"histogram of score changes\">");
  for (int b = 0; b < kBins; ++b) {
    const uint64_t count = charts.score_change_bins[b];
    const int h =
        peak == 0
            ? 0
            : static_cast<int>(
                  static_cast<double>(count) / static_cast<double>(peak) * (kBottom - kTop) + 0.5);
    const double from = -1.0 + b / 10.0;
    absl::StrAppend(out, "<rect x=\"", kLeft + b * bin_width + 1, "\" y=\"", kBottom - h,
                    "\" width=\"", bin_width - 2, "\" height=\"", h, "\" fill=\"",
                    from < 0 ? "#c0392b" : kCandidateColor, "\"><title>change ",
                    absl::StrFormat("%+.1f", from), " to ", absl::StrFormat("%+.1f", from + 0.1),
                    ": ", GroupThousands(count), "</title></rect>");
  }
  absl::StrAppend(out, "<line x1=\"", kLeft, "\" y1=\"", kBottom, "\" x2=\"", kWidth - kLeft,
                  "\" y2=\"", kBottom, "\" stroke=\"#555\"/>");
  for (int tick = 0; tick <= kBins; tick += 5) {
    absl::StrAppend(out, "<text x=\"", kLeft + tick * bin_width, "\" y=\"", kBottom + 16,
                    "\" text-anchor=\"middle\" class=\"tick\">",
                    absl::StrFormat("%+.1f", -1.0 + tick / 10.0), "</text>");
  }
  absl::StrAppend(out, "<text x=\"", kWidth / 2, "\" y=\"", kBottom + 34,
                  "\" text-anchor=\"middle\">candidate score − live score</text></svg>\n");
}

void ChangeTable(const persona::v1::GetShadowReportResponse& report, std::string* out) {
  absl::StrAppend(out,
                  "<table><tr><th>persona</th><th>live</th><th>candidate</th><th>entered</th>"
                  "<th>left</th><th>mean |Δscore|</th><th>note</th><th>examples entered</th>"
                  "<th>examples left</th></tr>\n");
  const auto ids = [](const google::protobuf::RepeatedPtrField<std::string>& list) {
    std::vector<std::string> escaped;
    for (const std::string& id : list) escaped.push_back(HtmlEscape(id));
    return absl::StrJoin(escaped, ", ");
  };
  for (const auto& row : report.personas()) {
    absl::StrAppend(out, "<tr><td><code>", HtmlEscape(row.persona_id()),
                    "</code></td><td class=\"num\">", GroupThousands(row.live_matches()), " (",
                    HtmlPercent(row.live_match_rate()), ")</td><td class=\"num\">",
                    GroupThousands(row.candidate_matches()), " (",
                    HtmlPercent(row.candidate_match_rate()), ")</td><td class=\"num\">",
                    GroupThousands(row.entered()), "</td><td class=\"num\">",
                    GroupThousands(row.left()), "</td><td class=\"num\">",
                    absl::StrFormat("%.3f", row.mean_abs_score_change()), "</td><td>",
                    row.only_live()        ? "removed by the candidate"
                    : row.only_candidate() ? "new in the candidate"
                                           : "",
                    "</td><td><code>", ids(row.entered_examples()), "</code></td><td><code>",
                    ids(row.left_examples()), "</code></td></tr>\n");
  }
  absl::StrAppend(out, "</table>\n");
}

}  // namespace

std::string DiffToHtml(const DiffRun& run, std::string_view catalog, std::string_view input) {
  const persona::v1::GetShadowReportResponse& report = run.report;
  std::string out = HtmlPageStart(
      absl::StrCat("Catalog diff: ", absl::string_view(catalog.data(), catalog.size())));
  uint64_t changed = 0;
  for (const auto& row : report.personas()) changed += row.entered() + row.left() > 0 ? 1 : 0;
  absl::StrAppend(&out, "<h1>Catalog diff</h1>\n<p class=\"meta\">Live <code>",
                  HtmlEscape(report.live_version()), "</code> → candidate <code>",
                  HtmlEscape(report.candidate_version()), "</code> (<code>", HtmlEscape(catalog),
                  "</code>) · customers <code>", HtmlEscape(input), "</code></p>\n");
  absl::StrAppend(&out, "<div class=\"cards\"><div class=\"card\"><b>", GroupThousands(run.records),
                  "</b>records</div><div class=\"card\"><b>", GroupThousands(run.compared),
                  "</b>compared</div><div class=\"card\"><b>", GroupThousands(run.rejected),
                  "</b>not compared</div><div class=\"card\"><b>",
                  HtmlPercent(report.top1_agreement()),
                  "</b>same best persona</div><div class=\"card\"><b>", GroupThousands(changed),
                  "</b>personas gain or lose customers</div></div>\n");

  absl::StrAppend(&out,
                  "<h2>Match rates before and after</h2>\n<p>Share of compared customers each "
                  "persona matches, live and with the candidate; personas whose membership "
                  "changes most come first",
                  report.personas_size() > static_cast<int>(kMaxRateRows)
                      ? absl::StrCat(" (the first ", kMaxRateRows, " are drawn; the table has all)")
                      : "",
                  ". Bars are scaled to the largest rate.</p>\n");
  Legend(&out);
  MatchRateChart(report, &out);

  absl::StrAppend(&out,
                  "<h2>Where the best persona goes</h2>\n<p>Rows: each customer's best persona "
                  "live; columns: with the candidate. The diagonal (blue) keeps its best "
                  "persona; every other cell is customers who move, darker for more.</p>\n");
  FlowMatrix(run, &out);

  absl::StrAppend(&out,
                  "<h2>Score changes</h2>\n<p>Candidate score minus live score for each "
                  "customer and persona matched on either side (a side that does not match "
                  "counts as 0), in bins of 0.1. ",
                  GroupThousands(run.charts.unchanged), " unchanged pairs are not drawn.</p>\n");
  ScoreChangeHistogram(run.charts, &out);

  absl::StrAppend(&out, "<h2>Personas</h2>\n");
  ChangeTable(report, &out);
  if (!run.rejections.empty()) {
    absl::StrAppend(&out, "<h2>Records not compared</h2>\n<p>", GroupThousands(run.rejected),
                    " in all; the first are:</p>\n<ul>\n");
    for (const std::string& line : run.rejections) {
      absl::StrAppend(&out, "<li><code>", HtmlEscape(line), "</code></li>\n");
    }
    absl::StrAppend(&out, "</ul>\n");
  }
  absl::StrAppend(&out, HtmlPageEnd());
  return out;
}

}  // namespace persona
