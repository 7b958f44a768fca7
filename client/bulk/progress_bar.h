#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/time/time.h"

namespace persona {

// A one-line progress bar on stderr, "[#####.....]  52%  520,000 records  130,000/s  ETA 4s",
// redrawn at most ten times a second. Only for a terminal: when disabled (stderr is a file
// or a pipe) it prints nothing at all, so logs stay clean.
class ProgressBar {
 public:
  // Enabled when stderr is a terminal and `allowed`.
  explicit ProgressBar(bool allowed);

  bool enabled() const { return enabled_; }
  // `done` of `total` units of work (bytes of input) and `records` so far.
  void Update(int64_t done, int64_t total, uint64_t records);
  // Draws the final state and moves to the next line.
  void Finish(int64_t done, int64_t total, uint64_t records);

 private:
  void Draw(int64_t done, int64_t total, uint64_t records, absl::Time now);

  const bool enabled_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
};

// "1,234,567": thousands separated, for humans.
std::string GroupThousands(uint64_t value);

}  // namespace persona
