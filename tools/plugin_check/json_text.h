#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace persona {
namespace plugin_check {

// JSON as the catalog holds it (protobuf's Value), with `what` naming the source in errors.
absl::StatusOr<google::protobuf::Value> ParseJson(const std::string& text, const std::string& what);
absl::StatusOr<google::protobuf::Value> ReadJsonFile(const std::string& path);
std::string ToJson(const google::protobuf::Struct& object);

// One line of at most `max` bytes, for quoting what a plugin said in a report line.
std::string Shorten(std::string text, size_t max = 160);

inline absl::string_view ViewOf(PersonaString s) {
  return s.size == 0 || s.data == nullptr ? absl::string_view() : absl::string_view(s.data, s.size);
}

// A string the ABI forbids: a NULL pointer with a non-zero size.
inline bool BadString(PersonaString s) { return s.size > 0 && s.data == nullptr; }

}  // namespace plugin_check
}  // namespace persona
