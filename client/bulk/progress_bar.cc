#include "client/bulk/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace persona {

std::string GroupThousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

ProgressBar::ProgressBar(bool allowed)
    : enabled_(allowed && isatty(STDERR_FILENO) == 1), start_(absl::Now()) {}

void ProgressBar::Update(int64_t done, int64_t total, uint64_t records) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  Draw(done, total, records, now);
}

void ProgressBar::Finish(int64_t done, int64_t total, uint64_t records) {
  if (!enabled_) return;
  Draw(done, total, records, absl::Now());
  std::fputc('\n', stderr);
}

void ProgressBar::Draw(int64_t done, int64_t total, uint64_t records, absl::Time now) {
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction =
      total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0.0;
  std::string eta = "--";
  if (fraction > 0.001 && fraction < 1.0) {
    eta = absl::StrCat(static_cast<int64_t>(seconds * (1.0 - fraction) / fraction), "s");
  } else if (fraction >= 1.0) {
    eta = "0s";
  }
  std::fprintf(stderr, "\r[%s%s] %3d%%  %s records  %s/s  ETA %s   ",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               static_cast<int>(fraction * 100), GroupThousands(records).c_str(),
               GroupThousands(static_cast<uint64_t>(rate)).c_str(), eta.c_str());
  std::fflush(stderr);
}

}  // namespace persona
