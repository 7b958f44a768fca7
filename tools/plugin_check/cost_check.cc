#include "tools/plugin_check/cost_check.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/plugin_check/output_capture.h"

namespace persona {
namespace plugin_check {

void CheckCost(CheckSession& s) {
  s.report.Begin("cost");
  // A sink that records nothing: the plugin's cost, not the tool's bookkeeping.
  const PersonaScoreSink sink{sizeof(PersonaScoreSink), nullptr, 0,
                              [](void*, PersonaString, PersonaString) {},
                              [](void*, size_t, PersonaString, double, int32_t, PersonaString) {}};
  const PersonaScoreRequest request{sizeof(PersonaScoreRequest), s.options.as_of_unix_seconds,
                                    &sink};
  std::vector<PersonaCriterionScore> scores(s.criteria.size());
  char buffer[1024];
  PersonaErrorBuffer error{buffer, sizeof(buffer)};
  using Clock = std::chrono::steady_clock;
  // Whatever the plugin prints (the sink check reported it) must not flood the report.
  OutputCapture discard;
  discard.Start();
  const auto started = Clock::now();
  const auto budget = std::chrono::duration<double>(s.options.cost_seconds);
  uint64_t calls = 0;
  do {
    for (size_t i = 0; i < s.population.size(); ++i) {
      s.instance->Score(s.population.view(i), s.criteria.data(), s.criteria.size(), request,
                        scores.data(), &error);
      ++calls;
    }
  } while (Clock::now() - started < budget && calls < 50'000'000);
  const double nanos = std::chrono::duration<double, std::nano>(Clock::now() - started).count();
  discard.Stop();
  const double per_call = nanos / static_cast<double>(calls);
  const double per_criterion = per_call / static_cast<double>(s.criteria.size());
  const std::string message = absl::StrCat(
      absl::SixDigits(per_criterion), " ns per criterion per customer (", absl::SixDigits(per_call),
      " ns per score call with ", s.criteria.size(), " criteri",
      s.criteria.size() == 1 ? "on" : "a", ", ", calls, " calls, one thread)");
  if (s.options.max_ns_per_criterion > 0 && per_criterion > s.options.max_ns_per_criterion) {
    s.report.Fail(
        "cost",
        absl::StrCat(message, " exceeds --max_ns_per_criterion=", s.options.max_ns_per_criterion));
  } else {
    s.report.Pass("cost", message);
  }
}

}  // namespace plugin_check
}  // namespace persona
