#include "tools/plugin_check/params_doc.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {

std::string ParseParamsDoc(const std::string& text, ParamsDoc* doc) {
  absl::StatusOr<google::protobuf::Value> parsed = ParseJson(text, "params_doc");
  if (!parsed.ok()) return std::string(parsed.status().message());
  if (!parsed->has_struct_value()) return "must be a JSON object";
  // Sorted: a protobuf map's order may change from run to run, and the report must not.
  const auto sorted = [](const google::protobuf::Struct& object) {
    std::vector<std::pair<std::string, const google::protobuf::Value*>> members;
    for (const auto& [key, value] : object.fields()) members.emplace_back(key, &value);
    std::sort(members.begin(), members.end());
    return members;
  };
  for (const auto& [key, member] : sorted(parsed->struct_value())) {
    if (key == "params" || key == "config") {
      if (!member->has_struct_value()) return absl::StrCat("\"", key, "\" must be an object");
      for (const auto& [param, meaning] : sorted(member->struct_value())) {
        if (!meaning->has_string_value() || meaning->string_value().empty()) {
          return absl::StrCat("\"", key, ".", param, "\" must be a non-empty description");
        }
        (key == "params" ? doc->params : doc->config).push_back(param);
        doc->descriptions.push_back(meaning->string_value());
      }
    } else if (key == "example") {
      if (!member->has_struct_value()) return "\"example\" must be an object of params";
      doc->example = member->struct_value();
    } else {
      return absl::StrCat("unknown member \"", key, "\" (known: params, config, example)");
    }
  }
  std::sort(doc->params.begin(), doc->params.end());
  if (doc->example && !doc->params.empty()) {
    for (const auto& [key, unused] : doc->example->fields()) {
      if (!std::binary_search(doc->params.begin(), doc->params.end(), key)) {
        return absl::StrCat("example uses \"", key, "\", which \"params\" does not document");
      }
    }
  }
  return "";
}

}  // namespace plugin_check
}  // namespace persona
