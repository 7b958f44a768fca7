// Config and params as the plugin sees them: a read-only view over the host's PersonaValue
// tree (the JSON object from the catalog) that knows its own path, so every accessor can
// refuse a bad value with a message naming exactly where it is ("params.company_size.min:
// must be between 0 and 1e+15, got -3"). Load time only: the accessors allocate and throw.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <persona/sdk/param_error.hpp>
#include <persona/sdk/strings.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace sdk {

// A read-only view of a config/params node that knows its path for error messages. Borrows
// the tree: valid only during the create/compile call that received it.
class Value {
 public:
  Value(const PersonaValue* value, std::string path) : value_(value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  PersonaValueKind kind() const { return value_->kind; }
  bool IsNull() const { return value_->kind == PERSONA_VALUE_NULL; }
  bool IsNumber() const { return value_->kind == PERSONA_VALUE_NUMBER; }
  bool IsString() const { return value_->kind == PERSONA_VALUE_STRING; }
  bool IsList() const { return value_->kind == PERSONA_VALUE_LIST; }
  bool IsObject() const { return value_->kind == PERSONA_VALUE_OBJECT; }

  [[noreturn]] void Fail(const std::string& reason) const { throw ParamError(path_, reason); }

  double Number() const {
    if (!IsNumber()) Fail("must be a number");
    return value_->number;
  }
  double NumberIn(double lo, double hi) const {
    const double v = Number();
    if (v < lo || v > hi) {
      Fail("must be between " + FormatNumber(lo) + " and " + FormatNumber(hi) + ", got " +
           FormatNumber(v));
    }
    return v;
  }
  bool Bool() const {
    if (value_->kind != PERSONA_VALUE_BOOL) Fail("must be true or false");
    return value_->boolean != 0;
  }
  std::string_view String() const {
    if (!IsString()) Fail("must be a string");
    return View(value_->string);
  }
  std::string NonEmptyString() const {
    std::string s(TrimAsciiWhitespace(String()));
    if (s.empty()) Fail("must not be empty");
    return s;
  }

  size_t size() const { return IsList() ? value_->item_count : value_->member_count; }

  std::vector<Value> List() const {
    if (!IsList()) Fail("must be a list");
    std::vector<Value> out;
    out.reserve(value_->item_count);
    for (size_t i = 0; i < value_->item_count; ++i) {
      out.emplace_back(&value_->items[i], path_ + "[" + std::to_string(i) + "]");
    }
    return out;
  }

  // A list of non-empty strings; a single string is accepted as a one-element list.
  std::vector<std::string> StringList() const {
    std::vector<std::string> out;
    if (IsString()) {
      out.push_back(NonEmptyString());
      return out;
    }
    for (const Value& item : List()) out.push_back(item.NonEmptyString());
    return out;
  }

  void RequireObject() const {
    if (!IsObject()) Fail("must be an object");
  }

  std::optional<Value> Find(std::string_view key) const {
    RequireObject();
    for (size_t i = 0; i < value_->member_count; ++i) {
      if (View(value_->members[i].key) == key) {
        return Value(&value_->members[i].value, Join(key));
      }
    }
    return std::nullopt;
  }

  Value Get(std::string_view key) const {
    std::optional<Value> v = Find(key);
    if (!v) throw ParamError(Join(key), "is required");
    return *v;
  }

  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    RequireObject();
    for (size_t i = 0; i < value_->member_count; ++i) {
      const std::string_view key = View(value_->members[i].key);
      fn(key, Value(&value_->members[i].value, Join(key)));
    }
  }

  // Unknown keys are errors, like unknown fields in the catalog schema: a typo must not
  // silently disable a rule.
  void RejectUnknownKeys(std::initializer_list<std::string_view> known) const {
    RequireObject();
    for (size_t i = 0; i < value_->member_count; ++i) {
      const std::string_view key = View(value_->members[i].key);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        throw ParamError(Join(key), "unknown parameter (known: " + list + ")");
      }
    }
  }

  static std::string FormatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    return buf;
  }

 private:
  std::string Join(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const PersonaValue* value_;
  std::string path_;
};

}  // namespace sdk
}  // namespace persona
