#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

namespace persona {
namespace plugin_check {

// Redirects stdout and stderr to a temporary file: whatever a plugin prints while scoring
// would land in the server's log, once per request.
class OutputCapture {
 public:
  OutputCapture() = default;
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;
  ~OutputCapture() { Stop(0); }

  void Start();
  // Restores the streams; returns how much was written and its first `max_bytes`.
  std::pair<size_t, std::string> Stop(size_t max_bytes = 120);

 private:
  std::FILE* file_ = nullptr;
  int saved_out_ = -1;
  int saved_err_ = -1;
};

// Runs `fn` with stdout/stderr captured and echoes what was printed to stderr, minus the
// plugin host's own event-log lines ({"ts":…,"event":"plugin_loaded",…}): the server's log
// format is noise in a report.
void WithoutHostLog(const std::function<void()>& fn);

// While an OutputCapture is running, the file descriptor holding what was captured; else -1.
// A dying process dumps it so a sanitizer's report is not lost.
int CapturedOutputFd();

}  // namespace plugin_check
}  // namespace persona
