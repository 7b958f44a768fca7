#pragma once

#include <string>
#include <string_view>

namespace persona {

// Building blocks of the CLI's self-contained HTML pages (report, diff): one look, inline
// CSS, no scripts, no external assets.

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

// "<!DOCTYPE html>…<body>" with the shared stylesheet; `title` is escaped here.
std::string HtmlPageStart(std::string_view title);
// "</body></html>".
std::string HtmlPageEnd();

// "12.3%" for a share of 0.123.
std::string HtmlPercent(double share);

// White → red as `share` goes 0 → 1 (heatmap cells), as "#rrggbb".
std::string HeatColor(double share);

}  // namespace persona
