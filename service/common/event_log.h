#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace persona {

// One structured line per event on stderr, as JSON, e.g.
//   {"ts":"2026-11-22T14:00:00.123Z","level":"info","event":"catalog_loaded","version":"…"}
// Events only (start, reload, shutdown): never a line per request.
void LogEvent(std::string_view level, std::string_view event,
              std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace persona
