#include "client/text/fast_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace persona {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A recursive-descent reader over one JSON text. Every method returns false as soon as the
// input leaves the plain subset described in the header.
class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Document(Message* message) {
    if (!Object(message, 0)) return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 32;

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool Peek(char c) {
    SkipSpace();
    return p_ < end_ && *p_ == c;
  }

  // A string of printable ASCII without escapes, as a view into the input.
  bool String(std::string_view* out) {
    if (!Consume('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }

  // The text of a JSON number (validated by the caller's conversion).
  bool NumberText(std::string_view* out) {
    SkipSpace();
    const char* start = p_;
    while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '-' || *p_ == '+' || *p_ == '.' ||
                         *p_ == 'e' || *p_ == 'E')) {
      ++p_;
    }
    if (p_ == start) return false;
    *out = std::string_view(start, static_cast<size_t>(p_ - start));
    // JSON has no leading '+', no leading zeros and no bare '.': leave those to protobuf.
    if (out->front() == '+' || out->front() == '.' || out->back() == '.') return false;
    const std::string_view digits = out->front() == '-' ? out->substr(1) : *out;
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0' && digits[1] != '.' &&
                           digits[1] != 'e' && digits[1] != 'E')) {
      return false;
    }
    return true;
  }

  bool Double(double* out) {
    std::string_view text;
    if (!NumberText(&text)) return false;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), *out);
    return result.ec == std::errc() && result.ptr == text.data() + text.size() &&
           std::isfinite(*out);
  }

  // A plain non-negative or negative integer (no fraction, no exponent).
  bool Integer(int64_t* out) {
    std::string_view text;
    if (!NumberText(&text)) return false;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), *out);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
  }

  bool Object(Message* message, int depth) {
    if (depth > kMaxDepth || !Consume('{')) return false;
    const Descriptor* descriptor = message->GetDescriptor();
    const Reflection* reflection = message->GetReflection();
    uint64_t seen = 0;  // field indexes already set: a repeated key goes to protobuf
    if (Consume('}')) return true;
    do {
      std::string_view key;
      if (!String(&key) || !Consume(':')) return false;
      const std::string name(key);
      const FieldDescriptor* field = descriptor->FindFieldByName(name);
      if (field == nullptr) {
        field = descriptor->FindFieldByCamelcaseName(name);
        if (field == nullptr || field->json_name() != name) return false;
      }
      if (field->index() >= 64 || (seen & (uint64_t{1} << field->index()))) return false;
      seen |= uint64_t{1} << field->index();
      if (field->is_map()) {
        if (!Map(message, reflection, field, depth)) return false;
      } else if (field->is_repeated()) {
        if (!Array(message, reflection, field, depth)) return false;
      } else if (!Singular(message, reflection, field, depth)) {
        return false;
      }
    } while (Consume(','));
    return Consume('}');
  }

  bool Array(Message* message, const Reflection* reflection, const FieldDescriptor* field,
             int depth) {
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    do {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (!Value(reflection->AddMessage(message, field), depth + 1)) return false;
        continue;
      }
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string_view s;
          if (field->type() == FieldDescriptor::TYPE_BYTES || !String(&s)) return false;
          reflection->AddString(message, field, std::string(s));
          break;
        }
        case FieldDescriptor::CPPTYPE_DOUBLE: {
          double d;
          if (!Double(&d)) return false;
          reflection->AddDouble(message, field, d);
          break;
        }
        default:
          return false;  // other repeated scalars do not occur in customers
      }
    } while (Consume(','));
    return Consume(']');
  }

  // map<string, double> and map<string, string>.
  bool Map(Message* message, const Reflection* reflection, const FieldDescriptor* field,
           int depth) {
    const Descriptor* entry = field->message_type();
    const FieldDescriptor* key_field = entry->map_key();
    const FieldDescriptor* value_field = entry->map_value();
    if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING || depth > kMaxDepth ||
        !Consume('{')) {
      return false;
    }
    if (Consume('}')) return true;
    std::string keys_seen;  // '\0'-separated: a repeated key goes to protobuf
    do {
      std::string_view key;
      if (!String(&key) || !Consume(':')) return false;
      const std::string marked = std::string(key) + '\0';
      if (keys_seen.find(marked) != std::string::npos &&
          (keys_seen.compare(0, marked.size(), marked) == 0 ||
           keys_seen.find('\0' + marked) != std::string::npos)) {
        return false;
      }
      keys_seen += marked;
      Message* item = reflection->AddMessage(message, field);
      const Reflection* item_reflection = item->GetReflection();
      item_reflection->SetString(item, key_field, std::string(key));
      if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        double d;
        if (!Double(&d)) return false;
        item_reflection->SetDouble(item, value_field, d);
      } else if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                 value_field->type() == FieldDescriptor::TYPE_STRING) {
        std::string_view s;
        if (!String(&s)) return false;
        item_reflection->SetString(item, value_field, std::string(s));
      } else {
        return false;
      }
    } while (Consume(','));
    return Consume('}');
  }

  bool Singular(Message* message, const Reflection* reflection, const FieldDescriptor* field,
                int depth) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Value(reflection->MutableMessage(message, field), depth + 1);
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string_view s;
        if (field->type() == FieldDescriptor::TYPE_BYTES || !String(&s)) return false;
        reflection->SetString(message, field, std::string(s));
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double d;
        if (!Double(&d)) return false;
        reflection->SetDouble(message, field, d);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        int64_t v;
        if (!Integer(&v) || v < 0 || v > std::numeric_limits<uint32_t>::max()) return false;
        reflection->SetUInt32(message, field, static_cast<uint32_t>(v));
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        int64_t v;
        if (!Integer(&v) || v < std::numeric_limits<int32_t>::min() ||
            v > std::numeric_limits<int32_t>::max()) {
          return false;
        }
        reflection->SetInt32(message, field, static_cast<int32_t>(v));
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        std::string_view s;
        if (!String(&s)) return false;
        const auto* value = field->enum_type()->FindValueByName(std::string(s));
        if (value == nullptr) return false;
        reflection->SetEnumValue(message, field, value->number());
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        SkipSpace();
        if (end_ - p_ >= 4 && std::string_view(p_, 4) == "true") {
          p_ += 4;
          reflection->SetBool(message, field, true);
          return true;
        }
        if (end_ - p_ >= 5 && std::string_view(p_, 5) == "false") {
          p_ += 5;
          reflection->SetBool(message, field, false);
          return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  // A message value: an object, or for google.protobuf.Timestamp an RFC 3339 string.
  bool Value(Message* message, int depth) {
    if (message->GetDescriptor() == google::protobuf::Timestamp::descriptor()) {
      std::string_view s;
      if (!String(&s)) return false;
      google::protobuf::Timestamp t;
      if (!google::protobuf::util::TimeUtil::FromString(std::string(s), &t) ||
          t.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
          t.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds) {
        return false;
      }
      message->CopyFrom(t);
      return true;
    }
    // Well-known types with special JSON forms (Struct, Any, wrappers, …) go to protobuf.
    if (message->GetDescriptor()->file()->name().rfind("google/protobuf/", 0) == 0) return false;
    return Object(message, depth);
  }

  const char* p_;
  const char* const end_;
};

}  // namespace

bool FastJsonToMessage(std::string_view json, Message* message) {
  return Reader(json).Document(message);
}

}  // namespace persona
