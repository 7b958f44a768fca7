#include "tools/plugin_check/plugin_checker.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/plugin_check/check_inputs.h"
#include "tools/plugin_check/check_session.h"
#include "tools/plugin_check/cost_check.h"
#include "tools/plugin_check/exercise_check.h"
#include "tools/plugin_check/metadata_check.h"
#include "tools/plugin_check/output_capture.h"
#include "tools/plugin_check/params_checks.h"
#include "tools/plugin_check/plugin_loading.h"
#include "tools/plugin_check/scoring_checks.h"

namespace persona {
namespace plugin_check {
namespace {

void RunScoringChecks(CheckSession& s) {
  if (s.criteria.empty()) {
    for (const char* check : {"exercise", "scoring", "sink", "determinism", "allocation", "cost"}) {
      s.report.Skip(check, "not run: no sample params compiled");
    }
    return;
  }
  CheckExercise(s);
  CheckScoring(s);
  CheckCost(s);
}

// Releases every criterion and destroys every instance, as a catalog swap does, before the
// verdict: a crash there is reported against "lifecycle".
void CheckLifecycle(CheckSession& s) {
  s.report.Begin("lifecycle");
  s.second.reset();
  s.instance.reset();
  if (!s.lifecycle_checked) return;
  if (s.lifecycle_problem.empty()) {
    s.report.Pass("lifecycle",
                  "two instances side by side (as during a reload); destroying one left the "
                  "other scoring identically; release_criterion and destroy returned");
  } else {
    s.report.Fail("lifecycle", s.lifecycle_problem);
  }
}

}  // namespace

int RunChecks(const CheckOptions& options, std::FILE* out) {
  CheckSession s(options, out);
  if (!ReadInputs(s)) return -1;
  s.report.Raw(absl::StrCat("persona-plugin-check: ", options.plugin_path));
  s.report.Raw(absl::StrCat("host: segmenter ABI ", PERSONA_SEGMENTER_ABI_MAJOR, ".",
                            PERSONA_SEGMENTER_ABI_MINOR, " (loads plugins built against ",
                            PERSONA_SEGMENTER_ABI_MAJOR, ".0 to ", PERSONA_SEGMENTER_ABI_MAJOR, ".",
                            PERSONA_SEGMENTER_ABI_MINOR, ")"));
  s.report.Raw(absl::StrCat(
      "as_of: ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(options.as_of_unix_seconds),
                       absl::UTCTimeZone()),
      options.as_of_unix_seconds == kDefaultAsOf ? " (the default; --as_of to change)" : ""));
  if (CheckAbi(s)) {
    CheckExports(s);
    CheckMetadata(s);
    if (!ResolveSamples(s)) return -1;
    if (CheckConfig(s)) {
      CheckParams(s);
      CheckMalformed(s);
      RunScoringChecks(s);
    }
    CheckLifecycle(s);
    WithoutHostLog([&] { s.library.reset(); });
  }
  s.report.Begin("result");
  if (s.report.failures() == 0) {
    s.report.Raw(absl::StrCat("RESULT: PASS (", s.report.checks(), " checks)"));
  } else {
    s.report.Raw(absl::StrCat("RESULT: FAIL (", s.report.failures(), " of ", s.report.checks(),
                              " checks failed)"));
  }
  return s.report.failures();
}

}  // namespace plugin_check
}  // namespace persona
