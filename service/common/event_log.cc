#include "service/common/event_log.h"

#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "json_escape/json_escape.h"

namespace persona {

void LogEvent(std::string_view level, std::string_view event,
              std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  std::string line = "{\"ts\":";
  AppendJsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                   &line);
  line.append(",\"level\":");
  AppendJsonString(level, &line);
  line.append(",\"event\":");
  AppendJsonString(event, &line);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendJsonString(key, &line);
    line.push_back(':');
    AppendJsonString(value, &line);
  }
  line.append("}\n");
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace persona
