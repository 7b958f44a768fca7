#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// AppendJsonString (quoting a string for JSON) is shared with the server's event log.
#include "json_escape/json_escape.h"

namespace persona {

// Builds compact JSON text with a fixed key order and a fixed number format, so output is
// byte-for-byte reproducible (protobuf's printer walks maps in hash order). Keys and values
// are written in call order; commas are inserted automatically.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The next value is an object member with this name.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Number(double value);  // shortest text that reads back as the same double
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Appends already-formatted JSON as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // Per open container: whether it already holds a value (a comma goes before the next).
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

// The shortest decimal text that parses back to exactly `value` ("0.35", "1e-07"); "null"
// for NaN and infinities, which JSON cannot carry.
std::string FormatDouble(double value);

}  // namespace persona
