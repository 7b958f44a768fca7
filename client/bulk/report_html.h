#pragma once

#include <string>
#include <string_view>

#include "client/bulk/html_page.h"  // HtmlEscape, for callers of this page
#include "client/bulk/report.h"

namespace persona {

// The report as one self-contained HTML page: inline CSS and SVG charts, no scripts, no
// external assets, so it can be mailed or archived as a single file. Shows the persona
// distribution (best match per customer, and customers matching none), each persona's score
// histogram, the co-match heatmap (how often two personas match the same customer), the
// most alike pairs, and the customers' labels: best channel, active seasons and top
// categories first, then every other label key. `source` names the scored input in the heading.
std::string ReportToHtml(const Report& report, std::string_view source);

}  // namespace persona
