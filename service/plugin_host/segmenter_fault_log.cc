#include "service/plugin_host/segmenter_fault_log.h"

#include <utility>

#include "service/common/event_log.h"

namespace persona {

SegmenterFaultLog::SegmenterFaultLog(absl::Duration interval, std::function<absl::Time()> now)
    : interval_(interval), now_(std::move(now)) {}

void SegmenterFaultLog::OnSegmenterFault(const SegmenterInfo& segmenter, std::string_view reason) {
  const absl::Time now = now_();
  uint64_t suppressed = 0;
  {
    absl::MutexLock lock(&mu_);
    Window& window = windows_[segmenter.name];
    if (now - window.last_logged < interval_) {
      ++window.suppressed;
      return;
    }
    suppressed = window.suppressed;
    window.suppressed = 0;
    window.last_logged = now;
  }
  // Written outside the lock: a slow stderr must not hold up other segmenters' faults.
  LogEvent("warning", "segmenter_fault",
           {{"segmenter", segmenter.name},
            {"plugin", segmenter.plugin_file},
            {"plugin_version", segmenter.plugin_version},
            {"reason", std::string(reason)},
            {"suppressed", std::to_string(suppressed)}});
}

}  // namespace persona
