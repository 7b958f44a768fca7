#include "tools/plugin_check/exercise_check.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/plugin_check/customer_derivation.h"
#include "tools/plugin_check/output_capture.h"
#include "tools/plugin_check/score_call.h"

namespace persona {
namespace plugin_check {
namespace {

// How far a set of customers got into the plugin.
struct Reach {
  size_t customers = 0;  // reached it
  size_t calls = 0;
  size_t failed_calls = 0;
  size_t graded_scores = 0;   // scores with coverage > 0
  size_t graded_details = 0;  // details not flagged missing
  size_t labelled = 0;        // customers with at least one label
  std::vector<bool> criteria;
};

Reach Probe(CheckSession& s, size_t begin, size_t end) {
  Reach reach;
  reach.criteria.assign(s.criteria.size(), false);
  // What the plugin prints is the sink check's business; here it must not reach the report.
  OutputCapture capture;
  capture.Start();
  CallRecord record;
  for (size_t i = begin; i < end; ++i) {
    ScoreOnce(*s.instance, s.population.view(i), s.criteria, s.options.as_of_unix_seconds,
              /*explain=*/true, /*count_allocations=*/false, &record);
    ++reach.calls;
    if (!record.ok) {
      ++reach.failed_calls;
      continue;
    }
    bool reached = !record.labels.empty();
    if (reached) ++reach.labelled;
    for (size_t c = 0; c < record.scores.size(); ++c) {
      if (record.scores[c].coverage > 0) {  // false for NaN and for an unwritten score
        reach.criteria[c] = true;
        ++reach.graded_scores;
        reached = true;
      }
    }
    for (size_t c : record.graded_details) {
      reach.criteria[c] = true;
      ++reach.graded_details;
      reached = true;
    }
    if (reached) ++reach.customers;
  }
  capture.Stop();
  return reach;
}

std::string Describe(const Reach& reach) {
  size_t criteria = 0;
  for (bool reached : reach.criteria) criteria += reached ? 1 : 0;
  std::string text =
      absl::StrCat(reach.customers, " of ", reach.calls, " customers reached it: ", criteria,
                   " of ", reach.criteria.size(), " criteria graded");
  if (reach.labelled > 0) absl::StrAppend(&text, ", ", reach.labelled, " labelled");
  return text;
}

std::string Quoted(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values) quoted.push_back(absl::StrCat("\"", value, "\""));
  return absl::StrJoin(quoted, ", ");
}

}  // namespace

void CheckExercise(CheckSession& s) {
  s.report.Begin("exercise");
  const size_t existing = s.population.size();
  std::string sources =
      absl::StrCat(s.generated, " generated customers (seed ", s.options.generator.seed, ")");
  if (s.from_file > 0) {
    absl::StrAppend(&sources, " and ", s.from_file, " from ", s.options.customers_path);
  }
  const Reach first = Probe(s, 0, existing);
  if (first.customers > 0) {
    s.report.Pass("exercise", absl::StrCat("the plugin's grading is reached: ", Describe(first),
                                           " (", sources, ")"));
    return;
  }

  // Nobody got past the missing-data path: ask the plugin's own documentation and params what
  // it reads, and try customers that carry it.
  std::vector<const persona::v1::Customer*> bases;
  for (size_t i = 2; i < s.generated; ++i) bases.push_back(&s.population.customer(i));
  if (bases.empty()) bases.push_back(&s.population.customer(0));
  const DerivedCustomers derived = DeriveCustomers(s.doc, s.samples, bases);
  size_t refused = 0;
  for (const persona::v1::Customer& customer : derived.customers) {
    if (s.population.Add(customer).empty()) {
      ++s.derived;
    } else {
      ++refused;
    }
  }
  const Reach second = Probe(s, existing, s.population.size());
  std::vector<std::string> tried;
  if (!derived.attributes.empty()) {
    tried.push_back(absl::StrCat("attributes tried: ", absl::StrJoin(derived.attributes, ", ")));
  }
  if (!derived.fields.empty()) {
    tried.push_back(absl::StrCat("customer fields tried: ", absl::StrJoin(derived.fields, ", ")));
  }
  if (!derived.values.empty()) {
    tried.push_back(absl::StrCat("each set in turn to ", derived.values.size(),
                                 " values: ", Quoted(derived.values)));
  }
  if (refused > 0) {
    tried.push_back(
        absl::StrCat(refused, " derived customers the server would refuse were left out"));
  }
  const std::string hint =
      "feed customers that carry what the plugin reads: --customers=FILE.jsonl (persona.v1."
      "Customer per line) or --attribute_values=key=v1|v2; name the attributes it reads in "
      "params_doc";
  if (second.customers > 0) {
    s.report.Pass("exercise",
                  absl::StrCat("reached only by customers derived from params_doc and the params: ",
                               Describe(second), "; none of the ", sources, " did"));
    for (const std::string& line : tried) s.report.Note(line);
    s.report.Note(absl::StrCat("the checks below include the ", s.derived,
                               " derived customers; to check with realistic ones, ", hint));
    return;
  }
  std::string verdict = absl::StrCat(
      "no customer reached the plugin's grading (every score had coverage 0, no label, no "
      "detail that was not missing) over ",
      sources);
  if (derived.customers.empty()) {
    absl::StrAppend(&verdict, "; nothing to derive customers from: ",
                    s.doc.descriptions.empty() ? "no params_doc" : "params_doc",
                    " and the params name no attribute or customer field");
  } else {
    absl::StrAppend(&verdict, " and ", second.calls,
                    " customers derived from params_doc and the params");
  }
  s.report.Fail("exercise", verdict);
  for (const std::string& line : tried) s.report.Note(line);
  const size_t failed = first.failed_calls + second.failed_calls;
  if (failed > 0) {
    s.report.Note(absl::StrCat(failed, " of ", first.calls + second.calls,
                               " score calls failed (see scoring)"));
  }
  s.report.Note(hint);
}

}  // namespace plugin_check
}  // namespace persona
