#include "service/grpc/time_zone_cache.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace persona {
namespace {

constexpr size_t kMaxZoneNameBytes = 64;

// IANA names are ASCII letters, digits and "/_-+", never absolute and never with "." (so
// never "..": a name cannot climb out of the database directory).
bool LooksLikeZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameBytes || name.front() == '/') return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

bool ZoneFileExists(std::string_view name) {
  const char* dir = std::getenv("TZDIR");
  const std::string path =
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo", "/",
                   absl::string_view(name.data(), name.size()));
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

bool FindTimeZone(std::string_view name, absl::TimeZone* zone) {
  thread_local absl::flat_hash_map<std::string, absl::TimeZone> found;
  const absl::string_view key(name.data(), name.size());
  if (const auto it = found.find(key); it != found.end()) {
    *zone = it->second;
    return true;
  }
  if (!LooksLikeZoneName(name) || !ZoneFileExists(name)) return false;
  absl::TimeZone loaded;
  if (!absl::LoadTimeZone(key, &loaded)) return false;
  found.emplace(std::string(key), loaded);
  *zone = loaded;
  return true;
}

}  // namespace persona
