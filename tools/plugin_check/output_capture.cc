#include "tools/plugin_check/output_capture.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace persona {
namespace plugin_check {
namespace {

std::atomic<int> g_capture_fd{-1};

}  // namespace

void OutputCapture::Start() {
  std::fflush(stdout);
  std::fflush(stderr);
  file_ = std::tmpfile();
  if (file_ == nullptr) return;
  saved_out_ = dup(STDOUT_FILENO);
  saved_err_ = dup(STDERR_FILENO);
  dup2(fileno(file_), STDOUT_FILENO);
  dup2(fileno(file_), STDERR_FILENO);
  g_capture_fd.store(fileno(file_));
}

std::pair<size_t, std::string> OutputCapture::Stop(size_t max_bytes) {
  if (file_ == nullptr) return {0, ""};
  std::fflush(stdout);
  std::fflush(stderr);
  g_capture_fd.store(-1);
  dup2(saved_out_, STDOUT_FILENO);
  dup2(saved_err_, STDERR_FILENO);
  close(saved_out_);
  close(saved_err_);
  // The redirected descriptors share the file's offset: its end is what was written.
  const off_t size = std::max<off_t>(lseek(fileno(file_), 0, SEEK_END), 0);
  std::string head(std::min(static_cast<size_t>(size), max_bytes), '\0');
  if (!head.empty()) {
    const ssize_t got = pread(fileno(file_), head.data(), head.size(), 0);
    head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  }
  std::fclose(file_);
  file_ = nullptr;
  return {static_cast<size_t>(size), head};
}

void WithoutHostLog(const std::function<void()>& fn) {
  OutputCapture capture;
  capture.Start();
  fn();
  const std::string text = capture.Stop(1 << 16).second;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "{\"ts\":") && absl::StrContains(line, "\"event\":\"plugin_")) {
      continue;
    }
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

int CapturedOutputFd() { return g_capture_fd.load(); }

}  // namespace plugin_check
}  // namespace persona
