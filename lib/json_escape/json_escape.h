// JSON string quoting shared by everything that writes JSON by hand (the client's JSON
// writer, the server's event log), so they escape alike. Standard library only.
#pragma once

#include <string>
#include <string_view>

namespace persona {

// Appends `value` to `out` as a quoted JSON string: '"' and '\' are escaped, \n \r \t get
// their short escapes, other control characters below 0x20 become \u00XX; every other byte,
// UTF-8 included, is copied as is (invalid UTF-8 is not repaired).
void AppendJsonString(std::string_view value, std::string* out);

}  // namespace persona
