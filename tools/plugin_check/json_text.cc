#include "tools/plugin_check/json_text.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace persona {
namespace plugin_check {

absl::StatusOr<google::protobuf::Value> ParseJson(const std::string& text,
                                                  const std::string& what) {
  google::protobuf::Value value;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &value);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not valid JSON: ", std::string(status.message())));
  }
  return value;
}

absl::StatusOr<google::protobuf::Value> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseJson(text.str(), path);
}

std::string ToJson(const google::protobuf::Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

std::string Shorten(std::string text, size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

}  // namespace plugin_check
}  // namespace persona
