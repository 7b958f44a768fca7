#include "rfm_rules/rfm_metrics.h"

#include <limits>

namespace persona {
namespace rfm {

Window Window::Make(int64_t as_of_unix_seconds, int window_days) noexcept {
  const int64_t span = static_cast<int64_t>(window_days) * kSecondsPerDay;
  Window window;
  window.as_of_unix_seconds = as_of_unix_seconds;
  if (as_of_unix_seconds < std::numeric_limits<int64_t>::min() + span) {
    window.start_exclusive = std::numeric_limits<int64_t>::min();
  } else {
    window.start_exclusive = as_of_unix_seconds - span;
  }
  return window;
}

int64_t DaysSince(int64_t as_of_unix_seconds, int64_t time_unix_seconds) noexcept {
  if (time_unix_seconds >= as_of_unix_seconds) return 0;
  // as_of > time here, so the difference is positive and integer division is floor; it is
  // computed unsigned because it can exceed INT64_MAX for absurd inputs.
  const uint64_t seconds =
      static_cast<uint64_t>(as_of_unix_seconds) - static_cast<uint64_t>(time_unix_seconds);
  return static_cast<int64_t>(seconds / static_cast<uint64_t>(kSecondsPerDay));
}

}  // namespace rfm
}  // namespace persona
