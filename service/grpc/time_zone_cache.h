#pragma once

#include <string_view>

#include "absl/time/time.h"

namespace persona {

// Finds the IANA time zone `name` names ("Asia/Jakarta"). False for a name the time zone
// database (TZDIR, else /usr/share/zoneinfo) does not know.
//
// Each thread keeps the zones it has found: once warm, a lookup takes no lock and allocates
// nothing (absl::LoadTimeZone locks a global map on every call). Unknown names are not kept,
// and are looked up in the database only when a file of that name exists there, so a caller
// sending made-up names cannot grow any cache (Abseil's own map keeps failed names forever).
bool FindTimeZone(std::string_view name, absl::TimeZone* zone);

}  // namespace persona
