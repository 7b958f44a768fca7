#pragma once

#include <cstdio>
#include <string>

namespace persona {
namespace plugin_check {

// The report: one PASS/FAIL/SKIP line per check, indented evidence under it, flushed line by
// line so a crash report that follows is not ahead of what was already decided.
class Reporter {
 public:
  explicit Reporter(std::FILE* out) : out_(out) {}

  // Names the check in progress, for a crash or timeout report from a signal handler.
  void Begin(const char* check);
  void Pass(const char* check, const std::string& message) { Line("PASS", check, message); }
  void Fail(const char* check, const std::string& message);
  void Skip(const char* check, const std::string& message) { Line("SKIP", check, message); }
  // An indented line under the last check: the evidence behind a verdict.
  void Note(const std::string& message);
  void Raw(const std::string& message);
  int failures() const { return failures_; }
  int checks() const { return checks_; }

 private:
  void Line(const char* verdict, const char* check, const std::string& message);

  std::FILE* out_;
  int failures_ = 0;
  int checks_ = 0;
};

// The name of the check in progress (the last Reporter::Begin), for a crash or timeout
// report from a signal handler.
const char* CurrentCheck();

}  // namespace plugin_check
}  // namespace persona
