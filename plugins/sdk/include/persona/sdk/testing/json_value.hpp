// Test helper: JSON text -> the PersonaValue tree create() and compile() receive, so a test
// writes config and params the way a catalog does. Test code only: allocates freely and
// throws on malformed JSON.
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <persona/sdk/parse_number.hpp>
#include <persona/sdk/strings.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace persona {
namespace sdk {
namespace testing {

// A PersonaValue tree parsed from JSON text, owning every node. Object members keep the
// order of the text. Throws std::invalid_argument for malformed JSON.
class JsonValue {
 public:
  explicit JsonValue(std::string_view json) : text_(json) {
    SkipSpace();
    root_ = ParseValue(0);
    SkipSpace();
    if (pos_ != text_.size()) Error("trailing characters");
  }
  JsonValue(const JsonValue&) = delete;
  JsonValue& operator=(const JsonValue&) = delete;

  const PersonaValue& root() const { return root_; }

 private:
  [[noreturn]] void Error(const std::string& what) const {
    throw std::invalid_argument("JSON at offset " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  PersonaString Keep(std::string text) {
    strings_.push_back(std::move(text));
    return PersonaString{strings_.back().data(), strings_.back().size()};
  }

  PersonaValue ParseValue(int depth) {
    if (depth > 64) Error("nested too deeply");
    if (pos_ >= text_.size()) Error("unexpected end");
    PersonaValue value{};
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      std::vector<PersonaMember> members;
      SkipSpace();
      if (!Consume("}")) {
        for (;;) {
          SkipSpace();
          if (pos_ >= text_.size() || text_[pos_] != '"') Error("expected a key");
          PersonaMember member{};
          member.key = Keep(ParseString());
          for (const PersonaMember& m : members) {
            if (View(m.key) == View(member.key)) Error("duplicate key " + std::string(View(m.key)));
          }
          SkipSpace();
          if (!Consume(":")) Error("expected ':'");
          SkipSpace();
          member.value = ParseValue(depth + 1);
          members.push_back(member);
          SkipSpace();
          if (Consume("}")) break;
          if (!Consume(",")) Error("expected ',' or '}'");
        }
      }
      value.kind = PERSONA_VALUE_OBJECT;
      objects_.push_back(std::move(members));  // moving keeps the buffer: pointers stay valid
      value.members = objects_.back().data();
      value.member_count = objects_.back().size();
    } else if (c == '[') {
      ++pos_;
      std::vector<PersonaValue> items;
      SkipSpace();
      if (!Consume("]")) {
        for (;;) {
          SkipSpace();
          items.push_back(ParseValue(depth + 1));
          SkipSpace();
          if (Consume("]")) break;
          if (!Consume(",")) Error("expected ',' or ']'");
        }
      }
      value.kind = PERSONA_VALUE_LIST;
      lists_.push_back(std::move(items));
      value.items = lists_.back().data();
      value.item_count = lists_.back().size();
    } else if (c == '"') {
      value.kind = PERSONA_VALUE_STRING;
      value.string = Keep(ParseString());
    } else if (Consume("true")) {
      value.kind = PERSONA_VALUE_BOOL;
      value.boolean = 1;
    } else if (Consume("false")) {
      value.kind = PERSONA_VALUE_BOOL;
    } else if (Consume("null")) {
      value.kind = PERSONA_VALUE_NULL;
    } else {
      value.kind = PERSONA_VALUE_NUMBER;
      value.number = ParseNumber();
    }
    return value;
  }

  double ParseNumber() {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    double number = 0.0;
    if (pos_ == start || !persona::sdk::ParseNumber(text_.substr(start, pos_ - start), &number)) {
      pos_ = start;
      Error("expected a value");
    }
    return number;
  }

  std::string ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) Error("unterminated escape");
      c = text_[pos_++];
      switch (c) {
        case '"':
        case '\\':
        case '/':
          out.push_back(c);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          AppendUtf8(ParseHex4(), &out);
          break;
        default:
          Error("unknown escape");
      }
    }
    if (pos_ >= text_.size()) Error("unterminated string");
    ++pos_;  // closing quote
    return out;
  }

  uint32_t ParseHex4() {
    if (pos_ + 4 > text_.size()) Error("short \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        Error("bad \\u escape");
      }
    }
    if (code >= 0xD800 && code <= 0xDBFF && Consume("\\u")) {  // surrogate pair
      const uint32_t low = ParseHex4();
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    return code;
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::deque<std::string> strings_;
  std::deque<std::vector<PersonaValue>> lists_;
  std::deque<std::vector<PersonaMember>> objects_;
  PersonaValue root_{};
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
