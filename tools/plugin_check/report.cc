#include "tools/plugin_check/report.h"

#include <atomic>

namespace persona {
namespace plugin_check {
namespace {

std::atomic<const char*> g_current_check{"startup"};

}  // namespace

void Reporter::Begin(const char* check) { g_current_check.store(check); }

void Reporter::Fail(const char* check, const std::string& message) {
  ++failures_;
  Line("FAIL", check, message);
}

void Reporter::Note(const std::string& message) {
  std::fprintf(out_, "      %s\n", message.c_str());
  std::fflush(out_);
}

void Reporter::Raw(const std::string& message) {
  std::fprintf(out_, "%s\n", message.c_str());
  std::fflush(out_);
}

void Reporter::Line(const char* verdict, const char* check, const std::string& message) {
  ++checks_;
  std::fprintf(out_, "%-4s  %-12s %s\n", verdict, check, message.c_str());
  std::fflush(out_);
}

const char* CurrentCheck() { return g_current_check.load(); }

}  // namespace plugin_check
}  // namespace persona
