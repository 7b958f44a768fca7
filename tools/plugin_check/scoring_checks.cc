#include "tools/plugin_check/scoring_checks.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/plugin_host/config_value_tree.h"
#include "tools/plugin_check/allocation_counter.h"
#include "tools/plugin_check/json_text.h"
#include "tools/plugin_check/output_capture.h"
#include "tools/plugin_check/params_checks.h"
#include "tools/plugin_check/score_call.h"

namespace persona {
namespace plugin_check {
namespace {

// Every pass's records, customer by customer.
struct Runs {
  size_t n = 0;
  std::string population;  // "N customers (...) x C criteria", for report lines
  std::vector<CallRecord> baseline, rerun, explained, second_run, after_destroy;
  CallRecord empty_call;
  size_t thread_count = 0;
  std::vector<std::vector<CallRecord>> threaded;
  std::string second_problem;  // why the second instance could not score, or ""
  size_t output_bytes = 0;     // what the plugin printed while scoring
  std::string output_head;
};

// A second instance of the same catalog, as a reload builds while the first serves.
std::string ScoreWithSecondInstance(CheckSession& s, std::vector<CallRecord>* out) {
  ConfigValueTree tree(s.config);
  absl::StatusOr<std::unique_ptr<PluginSegmenter>> created =
      PluginSegmenter::Create(s.library, tree.root());
  if (!created.ok()) {
    return absl::StrCat("a second create() with the same config failed: ",
                        created.status().message());
  }
  s.second = *std::move(created);
  std::vector<const PersonaCompiledCriterion*> criteria;
  for (const google::protobuf::Struct& params : s.samples) {
    ConfigValueTree params_tree(params);
    absl::StatusOr<const PersonaCompiledCriterion*> compiled =
        CompileGuarded(*s.second, params_tree);
    if (!compiled.ok()) {
      return absl::StrCat("the second instance refused params the first compiled: ",
                          compiled.status().message());
    }
    criteria.push_back(*compiled);
  }
  for (size_t i = 0; i < s.population.size(); ++i) {
    ScoreOnce(*s.second, s.population.view(i), criteria, s.options.as_of_unix_seconds, false, false,
              &(*out)[i]);
  }
  return "";
}

Runs RunPasses(CheckSession& s) {
  Runs r;
  const size_t n = r.n = s.population.size();
  const int64_t as_of = s.options.as_of_unix_seconds;
  const PluginSegmenter& instance = *s.instance;
  OutputCapture capture;
  capture.Start();
  // Pass 1 warms up (first-call allocations are not the hot path's) and is the baseline.
  r.baseline.resize(n);
  r.rerun.resize(n);
  r.explained.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ScoreOnce(instance, s.population.view(i), s.criteria, as_of, false, false, &r.baseline[i]);
  }
  // Pass 2: the same customers again, counting allocations.
  for (size_t i = 0; i < n; ++i) {
    ScoreOnce(instance, s.population.view(i), s.criteria, as_of, false, true, &r.rerun[i]);
  }
  // Pass 3: with explanations.
  for (size_t i = 0; i < n; ++i) {
    ScoreOnce(instance, s.population.view(i), s.criteria, as_of, true, false, &r.explained[i]);
  }
  // No criteria at all: labels still allowed, details not, and it must succeed.
  ScoreOnce(instance, s.population.view(std::min<size_t>(1, n - 1)), {}, as_of, true, false,
            &r.empty_call);
  // Threads: each scores every customer, starting at a different one.
  r.thread_count = static_cast<size_t>(std::max(1, s.options.threads));
  r.threaded.assign(r.thread_count, std::vector<CallRecord>(n));
  {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < r.thread_count; ++t) {
      threads.emplace_back([&, t] {
        for (size_t k = 0; k < n; ++k) {
          const size_t i = (k + t * n / r.thread_count) % n;
          ScoreOnce(instance, s.population.view(i), s.criteria, as_of, false, false,
                    &r.threaded[t][i]);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  r.second_run.resize(n);
  r.second_problem = ScoreWithSecondInstance(s, &r.second_run);
  r.after_destroy.resize(n);
  if (r.second_problem.empty()) {
    s.second.reset();  // the reload's old snapshot goes away; the other instance keeps going
    for (size_t i = 0; i < n; ++i) {
      ScoreOnce(instance, s.population.view(i), s.criteria, as_of, false, false,
                &r.after_destroy[i]);
    }
  }
  std::tie(r.output_bytes, r.output_head) = capture.Stop();
  return r;
}

// "scoring": every call OK, numbers in range, explain off and on.
void ReportScoring(CheckSession& s, const Runs& r) {
  const size_t n = r.n;
  const std::string& population = r.population;
  const std::vector<CallRecord>& baseline = r.baseline;
  const std::vector<CallRecord>& explained = r.explained;
  const CallRecord& empty_call = r.empty_call;
  size_t failed_calls = 0;
  size_t bad_ranges = 0;
  std::string first_problem;
  for (size_t i = 0; i < n; ++i) {
    for (const CallRecord* record : {&baseline[i], &explained[i]}) {
      std::string problem = record->ok ? ScoreProblem(*record) : record->error;
      if (problem.empty()) continue;
      (record->ok ? bad_ranges : failed_calls) += 1;
      if (first_problem.empty()) {
        first_problem = absl::StrCat("customer ", s.population.id(i),
                                     record == &explained[i] ? " (explain on)" : "", ": ", problem);
      }
    }
  }
  if (!empty_call.ok) {
    ++failed_calls;
    if (first_problem.empty()) {
      first_problem = absl::StrCat("a call with no criteria: ", empty_call.error);
    }
  }
  if (failed_calls == 0 && bad_ranges == 0) {
    s.report.Pass("scoring", absl::StrCat(population,
                                          ", explain off and on: every call OK, "
                                          "affinity and coverage finite and in [0,1]"));
  } else {
    s.report.Fail(
        "scoring",
        absl::StrCat(failed_calls, " failed call", failed_calls == 1 ? "" : "s", ", ", bad_ranges,
                     " out-of-contract result", bad_ranges == 1 ? "" : "s", " over ", population));
    s.report.Note(first_problem);
  }
}

// "sink": labels and details only through the sink, used as the ABI says.
void ReportSink(CheckSession& s, const Runs& r) {
  const size_t n = r.n;
  const std::vector<CallRecord>& baseline = r.baseline;
  const std::vector<CallRecord>& explained = r.explained;
  const CallRecord& empty_call = r.empty_call;
  const size_t output_bytes = r.output_bytes;
  const std::string& output_head = r.output_head;
  s.report.Begin("sink");
  std::vector<std::string> sink_problems;
  for (size_t i = 0; i < n && sink_problems.empty(); ++i) {
    for (const CallRecord* record : {&baseline[i], &explained[i]}) {
      if (!record->sink_violation.empty()) {
        sink_problems.push_back(
            absl::StrCat("customer ", s.population.id(i),
                         record == &explained[i] ? " (explain on): " : " (explain off): ",
                         record->sink_violation));
        break;
      }
    }
  }
  if (!empty_call.sink_violation.empty()) {
    sink_problems.push_back(absl::StrCat("a call with no criteria: ", empty_call.sink_violation));
  }
  size_t label_changes = 0;
  size_t details_seen = 0;
  for (size_t i = 0; i < n; ++i) {
    if (baseline[i].ok && explained[i].ok && baseline[i].labels != explained[i].labels) {
      ++label_changes;
    }
    details_seen += explained[i].details;
  }
  if (label_changes > 0) {
    sink_problems.push_back(absl::StrCat("labels differ with explain on for ", label_changes,
                                         " customers (labels are emitted on every call, the "
                                         "same either way)"));
  }
  if (output_bytes > 0) {
    sink_problems.push_back(
        absl::StrCat("wrote ", output_bytes,
                     " bytes to stdout/stderr while scoring (that is the server's "
                     "log, once per request; report through the sink): \"",
                     Shorten(output_head, 80), "\""));
  }
  size_t labelled = 0;
  for (const CallRecord& record : baseline) labelled += record.labels.empty() ? 0 : 1;
  if (sink_problems.empty()) {
    s.report.Pass("sink", absl::StrCat("labels on ", labelled, " of ", n,
                                       " customers, identical with explain on; ", details_seen,
                                       " details only with explain, indices in range; nothing "
                                       "printed"));
  } else {
    s.report.Fail("sink", sink_problems.front());
    for (size_t i = 1; i < sink_problems.size(); ++i) s.report.Note(sink_problems[i]);
  }
}

// "determinism": the same bits across runs, explain, threads and a second instance.
void ReportDeterminism(CheckSession& s, const Runs& r) {
  const size_t n = r.n;
  const std::vector<CallRecord>& baseline = r.baseline;
  const std::vector<CallRecord>& rerun = r.rerun;
  const std::vector<CallRecord>& explained = r.explained;
  const std::vector<std::vector<CallRecord>>& threaded = r.threaded;
  const size_t thread_count = r.thread_count;
  const std::vector<CallRecord>& second_run = r.second_run;
  const std::string& second_problem = r.second_problem;
  s.report.Begin("determinism");
  std::vector<std::string> differences;
  const auto compare = [&](const std::vector<CallRecord>& other, const std::string& what,
                           bool numbers_only) {
    size_t differing = 0;
    size_t first = n;
    for (size_t i = 0; i < n; ++i) {
      const bool same =
          numbers_only ? SameNumbers(baseline[i], other[i]) : SameResult(baseline[i], other[i]);
      if (!same) {
        ++differing;
        if (first == n) first = i;
      }
    }
    if (differing == 0) return;
    differences.push_back(absl::StrCat(what, ": ", differing, " of ", n, " customers differ, e.g. ",
                                       s.population.id(first), ": ", Describe(baseline[first]),
                                       " vs ", Describe(other[first])));
  };
  compare(rerun, "second run, same instance", false);
  compare(explained, "explain on vs off (numbers)", true);
  for (size_t t = 0; t < thread_count; ++t) {
    compare(threaded[t], absl::StrCat("thread ", t + 1, " of ", thread_count), false);
  }
  if (second_problem.empty()) compare(second_run, "a second instance", false);
  if (differences.empty()) {
    s.report.Pass("determinism",
                  absl::StrCat("bit-identical across 2 runs, explain on/off, ", thread_count,
                               " concurrent threads (each in a different order) and a second "
                               "instance"));
  } else {
    s.report.Fail("determinism", differences.front());
    for (size_t i = 1; i < differences.size(); ++i) s.report.Note(differences[i]);
  }
}

// "allocation": none in the warm second pass with explain off.
void ReportAllocation(CheckSession& s, const Runs& r) {
  const size_t n = r.n;
  const std::vector<CallRecord>& rerun = r.rerun;
  s.report.Begin("allocation");
  uint64_t allocations = 0;
  size_t allocating_calls = 0;
  size_t first_allocating = n;
  for (size_t i = 0; i < n; ++i) {
    allocations += rerun[i].allocations;
    if (rerun[i].allocations > 0) {
      ++allocating_calls;
      if (first_allocating == n) first_allocating = i;
    }
  }
  if (!AllocationCounter::Available() || !AllocationCounter::SelfTest()) {
    s.report.Fail("allocation",
                  "this build of persona-plugin-check cannot count allocations (self-test "
                  "failed), so it cannot vouch for the plugin");
  } else if (allocations == 0) {
    s.report.Pass("allocation",
                  absl::StrCat("0 heap allocations in ", n, " warm score calls with explain off"));
  } else {
    s.report.Fail("allocation",
                  absl::StrCat(allocations, " heap allocation", allocations == 1 ? "" : "s", " in ",
                               allocating_calls, " of ", n,
                               " warm score calls with explain off (first: customer ",
                               s.population.id(first_allocating),
                               "); score must not allocate: precompute in compile, use the "
                               "stack"));
  }
}

// The lifecycle verdict is printed once the instances are destroyed (see RunChecks).
void DecideLifecycle(CheckSession& s, const Runs& r) {
  const size_t n = r.n;
  const std::vector<CallRecord>& baseline = r.baseline;
  const std::string& second_problem = r.second_problem;
  const std::vector<CallRecord>& after_destroy = r.after_destroy;
  s.lifecycle_checked = true;
  if (!second_problem.empty()) {
    s.lifecycle_problem = second_problem;
  } else {
    size_t differing = 0;
    for (size_t i = 0; i < n; ++i) differing += SameResult(baseline[i], after_destroy[i]) ? 0 : 1;
    if (differing > 0) {
      s.lifecycle_problem =
          absl::StrCat("after a second instance was destroyed, the first scored ", differing,
                       " of ", n, " customers differently (shared state between instances?)");
    }
  }
}

std::string Population(const CheckSession& s) {
  std::string parts = absl::StrCat(s.generated, " generated (seed ", s.options.generator.seed, ")");
  if (s.from_file > 0)
    absl::StrAppend(&parts, ", ", s.from_file, " from ", s.options.customers_path);
  if (s.derived > 0) absl::StrAppend(&parts, ", ", s.derived, " derived");
  return absl::StrCat(s.population.size(), " customers (", parts, ") x ", s.criteria.size(),
                      " criteri", s.criteria.size() == 1 ? "on" : "a");
}

}  // namespace

void CheckScoring(CheckSession& s) {
  s.report.Begin("scoring");
  Runs runs = RunPasses(s);
  runs.population = Population(s);
  ReportScoring(s, runs);
  ReportSink(s, runs);
  ReportDeterminism(s, runs);
  ReportAllocation(s, runs);
  DecideLifecycle(s, runs);
}

}  // namespace plugin_check
}  // namespace persona
