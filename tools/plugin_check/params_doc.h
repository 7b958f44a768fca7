#pragma once

#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"

namespace persona {
namespace plugin_check {

// A plugin's params_doc (ABI 1.1): {"params": {key: meaning}, "config": {key: meaning},
// "example": {params}}. The malformed-params probes use the documented keys; the exercise
// check mines every name and description for the customer data the plugin reads.
struct ParamsDoc {
  std::vector<std::string> params;  // documented param keys, sorted
  std::vector<std::string> config;  // documented config keys
  std::optional<google::protobuf::Struct> example;
  std::vector<std::string> descriptions;  // every meaning text, params then config
};

// Parses and validates `text` into `doc`; returns what is wrong with it, or "".
std::string ParseParamsDoc(const std::string& text, ParamsDoc* doc);

}  // namespace plugin_check
}  // namespace persona
