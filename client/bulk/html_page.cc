#include "client/bulk/html_page.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace persona {
namespace {

constexpr char kStyle[] = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; font-size: 1.2em; }
h3 { margin: 1.2em 0 0.3em; font-size: 1em; }
.meta { color: #616e7c; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { border: 1px solid #d9dee4; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.card b { display: block; font-size: 1.5em; }
svg text { font-size: 12px; fill: #1f2933; } svg text.tick { font-size: 11px; fill: #52606d; }
svg text.cell { font-size: 10px; }
.grid { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; }
figure { margin: 0; } figcaption { font-size: 12px; }
table { border-collapse: collapse; } th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #e4e7eb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
)";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlPageStart(std::string_view title) {
  return absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
                      "<title>", HtmlEscape(title), "</title>\n<style>", kStyle,
                      "</style>\n</head>\n<body>\n");
}

std::string HtmlPageEnd() { return "</body>\n</html>\n"; }

std::string HtmlPercent(double share) { return absl::StrFormat("%.1f%%", share * 100.0); }

std::string HeatColor(double share) {
  share = std::clamp(share, 0.0, 1.0);
  const auto channel = [share](int from, int to) {
    return static_cast<int>(from + (to - from) * share + 0.5);
  };
  return absl::StrFormat("#%02x%02x%02x", channel(255, 192), channel(255, 57), channel(255, 43));
}

}  // namespace persona
