// How raw R, F and M values come out of a list of orders. Shared by the rfm segmenter (one
// customer's orders per score call) and rfm-calibrate (a whole order file, streamed), so
// that calibration and scoring agree to the second. Standard library only.
#pragma once

#include <cstdint>

namespace persona {
namespace rfm {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int kDefaultWindowDays = 365;
// Bounds window_days so that window arithmetic cannot overflow (about 273 years).
inline constexpr int kMaxWindowDays = 100000;

// The F/M window: an order counts when its time is strictly after
// as_of - window_days * 86400, i.e. the window is (as_of - window, as_of].
struct Window {
  int64_t as_of_unix_seconds = 0;
  int64_t start_exclusive = 0;

  // window_days in 1..kMaxWindowDays. Saturates instead of overflowing for as_of values
  // near the int64 limits.
  static Window Make(int64_t as_of_unix_seconds, int window_days) noexcept;

  bool Contains(int64_t time_unix_seconds) const noexcept {
    return time_unix_seconds > start_exclusive;
  }
};

// Whole days from `time` to `as_of`, rounded down: floor((as_of - time) / 86400). An order
// after as_of (which the host rejects) counts as 0 days rather than a negative number.
int64_t DaysSince(int64_t as_of_unix_seconds, int64_t time_unix_seconds) noexcept;

// A running per-customer aggregate of orders: O(1) memory however many orders are added,
// in any time order. rfm-calibrate keeps one per customer; the segmenter one per call.
struct OrderTally {
  int64_t orders = 0;     // every order added, inside the window or not
  int64_t last_time = 0;  // latest order time; valid when orders > 0
  int64_t window_orders = 0;
  double window_spend = 0.0;

  void Add(const Window& window, int64_t time_unix_seconds, double amount) noexcept {
    if (orders == 0 || time_unix_seconds > last_time) last_time = time_unix_seconds;
    ++orders;
    if (window.Contains(time_unix_seconds)) {
      ++window_orders;
      window_spend += amount;
    }
  }

  // R's raw value: days since the latest order (orders outside the window still count).
  int64_t Days(const Window& window) const noexcept {
    return DaysSince(window.as_of_unix_seconds, last_time);
  }
};

}  // namespace rfm
}  // namespace persona
