#pragma once

#include <persona/segmenter_abi.h>

#include <deque>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"

namespace persona {

// Owns a PersonaValue tree built from a protobuf Struct (a catalog `config` or `params`), so
// plugins read configuration through the C ABI without knowing protobuf. Immutable after
// construction; the root stays valid as long as the tree does.
class ConfigValueTree {
 public:
  explicit ConfigValueTree(const google::protobuf::Struct& object);
  ConfigValueTree(const ConfigValueTree&) = delete;
  ConfigValueTree& operator=(const ConfigValueTree&) = delete;

  const PersonaValue& root() const { return root_; }

 private:
  PersonaValue Convert(const google::protobuf::Value& value);
  PersonaValue ConvertStruct(const google::protobuf::Struct& object);
  PersonaString Keep(const std::string& text);

  // Deques: element addresses stay stable while the tree grows.
  std::deque<std::vector<PersonaValue>> lists_;
  std::deque<std::vector<PersonaMember>> objects_;
  std::deque<std::string> strings_;
  PersonaValue root_;
};

}  // namespace persona
