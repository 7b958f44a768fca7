#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "client/admin/diff_charts.h"
#include "client/admin/fleet_admin.h"
#include "client/admin/target_expansion.h"
#include "client/text/customer_reader.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

struct DiffOptions {
  std::string catalog_json;  // the candidate's text, sent as a file would be read
  std::string input;         // customers
  CustomerFormat format = CustomerFormat::kJsonl;
  std::optional<int64_t> as_of_unix_seconds;  // copied into every request
  uint32_t examples_per_change = 5;
  // Drop a candidate someone else staged instead of refusing.
  bool replace = false;
};

// What a diff found. `exit_code`: 0 every record compared, 1 the server refused something
// (a candidate already staged, the catalog not staged, records rejected, the stream failed,
// the candidate not discarded), 2 a local problem (the input could not be opened);
// `error` says what, when not 0.
struct DiffRun {
  int exit_code = 0;
  std::string error;
  persona::v1::GetShadowReportResponse report;  // failed = records the server rejected
  DiffChartData charts;
  uint64_t records = 0;
  uint64_t compared = 0;
  uint64_t rejected = 0;                // unreadable records and records the server rejected
  std::vector<std::string> rejections;  // the first kMaxRejectionsListed, "line 7 (c-7): …"
  static constexpr size_t kMaxRejectionsListed = 10;
};

// Stages `options.catalog_json` on `replica` with shadow sampling 0 (refusing when a
// candidate is already staged, unless `replace`), streams every customer of the input
// through CompareCandidate (every match: top_k 0), aggregates the answers with
// CatalogComparison and DiffChartBuilder, and discards the candidate at the end, also when
// something failed after staging. Progress lines go to `log`.
DiffRun RunDiff(const Replica& replica, const DiffOptions& options,
                const FleetCallOptions& call_options, std::ostream& log);

}  // namespace persona
