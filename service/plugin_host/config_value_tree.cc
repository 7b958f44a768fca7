#include "service/plugin_host/config_value_tree.h"

#include <algorithm>

namespace persona {

ConfigValueTree::ConfigValueTree(const google::protobuf::Struct& object)
    : root_(ConvertStruct(object)) {}

PersonaString ConfigValueTree::Keep(const std::string& text) {
  strings_.push_back(text);
  return PersonaString{strings_.back().data(), strings_.back().size()};
}

PersonaValue ConfigValueTree::ConvertStruct(const google::protobuf::Struct& object) {
  // protobuf's map has no stable order; sort keys so plugins (and their error messages) see
  // the same order every load.
  std::vector<const std::string*> keys;
  keys.reserve(object.fields_size());
  for (const auto& [key, unused] : object.fields()) keys.push_back(&key);
  std::sort(keys.begin(), keys.end(), [](const auto* a, const auto* b) { return *a < *b; });

  std::vector<PersonaMember> members;
  members.reserve(keys.size());
  for (const std::string* key : keys) {
    PersonaMember member;
    member.key = Keep(*key);
    member.value = Convert(object.fields().at(*key));
    members.push_back(member);
  }
  objects_.push_back(std::move(members));
  PersonaValue value{};
  value.kind = PERSONA_VALUE_OBJECT;
  value.members = objects_.back().data();
  value.member_count = objects_.back().size();
  return value;
}

PersonaValue ConfigValueTree::Convert(const google::protobuf::Value& source) {
  PersonaValue value{};
  switch (source.kind_case()) {
    case google::protobuf::Value::kBoolValue:
      value.kind = PERSONA_VALUE_BOOL;
      value.boolean = source.bool_value() ? 1 : 0;
      break;
    case google::protobuf::Value::kNumberValue:
      value.kind = PERSONA_VALUE_NUMBER;
      value.number = source.number_value();
      break;
    case google::protobuf::Value::kStringValue:
      value.kind = PERSONA_VALUE_STRING;
      value.string = Keep(source.string_value());
      break;
    case google::protobuf::Value::kListValue: {
      std::vector<PersonaValue> items;
      items.reserve(source.list_value().values_size());
      for (const auto& item : source.list_value().values()) items.push_back(Convert(item));
      lists_.push_back(std::move(items));
      value.kind = PERSONA_VALUE_LIST;
      value.items = lists_.back().data();
      value.item_count = lists_.back().size();
      break;
    }
    case google::protobuf::Value::kStructValue:
      value = ConvertStruct(source.struct_value());
      break;
    case google::protobuf::Value::kNullValue:
    case google::protobuf::Value::KIND_NOT_SET:
      value.kind = PERSONA_VALUE_NULL;
      break;
  }
  return value;
}

}  // namespace persona
