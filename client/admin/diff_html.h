#pragma once

#include <string>
#include <string_view>

#include "client/admin/catalog_diff.h"

namespace persona {

// A diff as one self-contained HTML page in the report's look (client/bulk/html_page.h):
// inline CSS and SVG, no scripts, nothing fetched. Shows each persona's match rate before
// and after (paired bars), where customers' best persona goes (a live-top × candidate-top
// matrix over the most involved personas), a histogram of score changes, and a table of
// entered/left counts with example customer ids. `catalog` and `input` name the files in the
// heading.
std::string DiffToHtml(const DiffRun& run, std::string_view catalog, std::string_view input);

}  // namespace persona
