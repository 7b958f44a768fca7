// The config's `default_time_zone`: "UTC" or a fixed offset ("+07:00", "-05:30", "UTC+7").
// Plugins carry no time-zone database; the host resolves each customer's own zone to the
// offset in force at as_of, so the only zone a plugin ever names itself is this fallback,
// and a fixed offset is all it can honour.
//
// Depends on the plugin SDK only.
#pragma once

#include <cstdint>
#include <persona/segmenter.hpp>
#include <string_view>

namespace persona {
namespace triggers {

// Offsets further from UTC than this are not in use anywhere (Kiribati is +14:00).
inline constexpr int32_t kMaxUtcOffsetSeconds = 14 * 3600;

// Seconds east of UTC for `text`, or a ParamError naming `value`'s path and saying what to
// write instead. An IANA name ("Asia/Jakarta") is refused with that explanation.
int32_t ParseFixedUtcOffset(const sdk::Value& value);

}  // namespace triggers
}  // namespace persona
