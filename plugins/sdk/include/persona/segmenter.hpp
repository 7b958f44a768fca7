// Header-only C++ adapter over segmenter_abi.h. A plugin author writes one class and one
// macro; the adapter implements the C ABI, converts exceptions thrown at load time into
// error messages and keeps the hot path exception-free at the boundary.
//
//   class AgeBand {
//    public:
//     struct Criterion { double min_age, max_age; };
//     // Load time: may throw persona::sdk::ParamError (or any std::exception).
//     static std::unique_ptr<AgeBand> Create(const persona::sdk::Value& config);
//     std::unique_ptr<Criterion> Compile(const persona::sdk::Value& params) const;
//     // Hot path: const, no allocation, no locks; must not throw.
//     void Score(const PersonaCustomer& customer, const Criterion* const* criteria,
//                size_t count, const persona::sdk::ScoreContext& context,
//                PersonaCriterionScore* scores) const noexcept;
//   };
//   PERSONA_SEGMENTER_PLUGIN(AgeBand, "age_band", "1.0.0", "Grades customers by age.")
//
// Optionally (ABI 1.1) the class documents its params for tools and catalog authors with a
// static member the macro picks up (see PersonaSegmenterPlugin.params_doc):
//
//     static constexpr char kParamsDoc[] =
//         R"({"params": {"min": "number 0..130"}, "example": {"min": 25}})";
//
// The adapter depends on the C++17 standard library only: no Boost, no protobuf.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace sdk {

inline std::string_view View(PersonaString s) {
  return s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}

inline PersonaString Borrow(std::string_view s) { return PersonaString{s.data(), s.size()}; }

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline std::string_view TrimAsciiWhitespace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Case-insensitive (ASCII) comparison; allocation-free, for the hot path.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Lowercased, trimmed copy: normalise catalog tags once at compile time.
inline std::string NormalizeTag(std::string_view s) {
  s = TrimAsciiWhitespace(s);
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// The value of customer attribute `key`, if the customer has it. Attributes arrive sorted by
// key bytes, so this is a binary search: allocation-free, for the hot path.
inline std::optional<std::string_view> FindAttribute(const PersonaCustomer& customer,
                                                     std::string_view key) {
  const PersonaKeyValue* first = customer.attributes;
  const PersonaKeyValue* last = customer.attributes + customer.attribute_count;
  const PersonaKeyValue* it = std::lower_bound(
      first, last, key,
      [](const PersonaKeyValue& kv, std::string_view k) { return View(kv.key) < k; });
  if (it == last || View(it->key) != key) return std::nullopt;
  return View(it->value);
}

// Parses a whole attribute value as a finite decimal number ("250", " 1.2e7 "); false for
// anything else, including an empty string. Allocation-free and locale-independent where
// the standard library has floating-point std::from_chars.
inline bool ParseNumber(std::string_view text, double* out) {
  text = TrimAsciiWhitespace(text);
  if (text.empty()) return false;
  double value = 0.0;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes no leading '+'
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
#else
  char buffer[64];
  if (text.size() >= sizeof(buffer)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  char* end = nullptr;
  value = std::strtod(buffer, &end);
  if (end != buffer + text.size()) return false;
#endif
  if (!std::isfinite(value)) return false;
  *out = value;
  return true;
}

inline double Clamp01(double v) {
  if (!(v >= 0.0)) return 0.0;  // also maps NaN to 0
  return v > 1.0 ? 1.0 : v;
}

// Thrown from Create/Compile for a bad config or params; the message names the path.
class ParamError : public std::exception {
 public:
  ParamError(std::string path, std::string reason)
      : message_(path.empty() ? reason : path + ": " + reason) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// A read-only view of a config/params node that knows its path for error messages.
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

// What a score call may report beyond numbers. Cheap to construct; wraps the host's sink.
class ScoreContext {
 public:
  explicit ScoreContext(const PersonaScoreRequest* request) : request_(request) {}

  int64_t as_of_unix_seconds() const { return request_->as_of_unix_seconds; }
  bool explain() const { return request_->sink->explain != 0; }

  void AddLabel(std::string_view key, std::string_view value) const {
    const PersonaScoreSink* sink = request_->sink;
    if (sink->add_label) sink->add_label(sink->host_context, Borrow(key), Borrow(value));
  }

  // Only call when explain() is true.
  void AddDetail(size_t criterion_index, std::string_view field, double affinity, bool missing,
                 std::string_view reason) const {
    const PersonaScoreSink* sink = request_->sink;
    if (sink->add_detail) {
      sink->add_detail(sink->host_context, criterion_index, Borrow(field), affinity,
                       missing ? 1 : 0, Borrow(reason));
    }
  }

 private:
  const PersonaScoreRequest* request_;
};

// Accumulates weighted field affinities for one criterion into a PersonaCriterionScore.
class AffinityAccumulator {
 public:
  void AddPresent(double weight, double affinity) {
    total_weight_ += weight;
    present_weight_ += weight;
    weighted_affinity_ += weight * Clamp01(affinity);
  }
  void AddMissing(double weight) { total_weight_ += weight; }

  PersonaCriterionScore Result() const {
    if (total_weight_ <= 0.0) return PersonaCriterionScore{0.0, 0.0};
    if (present_weight_ <= 0.0) return PersonaCriterionScore{0.0, 0.0};
    return PersonaCriterionScore{weighted_affinity_ / present_weight_,
                                 present_weight_ / total_weight_};
  }

 private:
  double total_weight_ = 0.0;
  double present_weight_ = 0.0;
  double weighted_affinity_ = 0.0;
};

namespace internal {

// Segmenter::kParamsDoc when the class declares one, else empty (no params_doc).
template <typename Segmenter>
auto ParamsDocOf(int) -> decltype(std::string_view(Segmenter::kParamsDoc)) {
  return std::string_view(Segmenter::kParamsDoc);
}
template <typename Segmenter>
std::string_view ParamsDocOf(long) {
  return std::string_view();
}

inline void WriteError(PersonaErrorBuffer* error, const char* message) {
  if (error == nullptr || error->message == nullptr || error->capacity == 0) return;
  std::snprintf(error->message, error->capacity, "%s", message);
}

template <typename Segmenter>
struct Adapter {
  using Criterion = typename Segmenter::Criterion;

  static PersonaStatus Create(const PersonaValue* config, PersonaSegmenterInstance** out,
                              PersonaErrorBuffer* error) {
    *out = nullptr;
    try {
      std::unique_ptr<Segmenter> instance = Segmenter::Create(Value(config, "config"));
      if (!instance) {
        WriteError(error, "plugin returned no instance");
        return PERSONA_INTERNAL;
      }
      *out = reinterpret_cast<PersonaSegmenterInstance*>(instance.release());
      return PERSONA_OK;
    } catch (const ParamError& e) {
      WriteError(error, e.what());
      return PERSONA_INVALID_ARGUMENT;
    } catch (const std::exception& e) {
      WriteError(error, e.what());
      return PERSONA_INTERNAL;
    } catch (...) {
      WriteError(error, "unknown exception in create");
      return PERSONA_INTERNAL;
    }
  }

  static void Destroy(PersonaSegmenterInstance* instance) {
    delete reinterpret_cast<Segmenter*>(instance);
  }

  static PersonaStatus Compile(PersonaSegmenterInstance* instance, const PersonaValue* params,
                               PersonaCompiledCriterion** out, PersonaErrorBuffer* error) {
    *out = nullptr;
    try {
      const Segmenter* self = reinterpret_cast<const Segmenter*>(instance);
      std::unique_ptr<Criterion> compiled = self->Compile(Value(params, "params"));
      if (!compiled) {
        WriteError(error, "plugin returned no compiled criterion");
        return PERSONA_INTERNAL;
      }
      *out = reinterpret_cast<PersonaCompiledCriterion*>(compiled.release());
      return PERSONA_OK;
    } catch (const ParamError& e) {
      WriteError(error, e.what());
      return PERSONA_INVALID_ARGUMENT;
    } catch (const std::exception& e) {
      WriteError(error, e.what());
      return PERSONA_INTERNAL;
    } catch (...) {
      WriteError(error, "unknown exception in compile");
      return PERSONA_INTERNAL;
    }
  }

  static void ReleaseCriterion(PersonaSegmenterInstance*, PersonaCompiledCriterion* criterion) {
    delete reinterpret_cast<Criterion*>(criterion);
  }

  static PersonaStatus Score(const PersonaSegmenterInstance* instance,
                             const PersonaCustomer* customer,
                             const PersonaCompiledCriterion* const* criteria, size_t count,
                             const PersonaScoreRequest* request, PersonaCriterionScore* scores,
                             PersonaErrorBuffer* error) {
    // Score is noexcept by contract; the try only guards against an author's mistake, and
    // costs nothing when nothing is thrown.
    try {
      const Segmenter* self = reinterpret_cast<const Segmenter*>(instance);
      self->Score(*customer, reinterpret_cast<const Criterion* const*>(criteria), count,
                  ScoreContext(request), scores);
      return PERSONA_OK;
    } catch (...) {
      WriteError(error, "exception escaped score");
      return PERSONA_INTERNAL;
    }
  }

  static const PersonaSegmenterPlugin* Describe(const char* name, const char* version,
                                                const char* description) {
    static const std::string_view params_doc = ParamsDocOf<Segmenter>(0);
    static const PersonaSegmenterPlugin plugin = {
        sizeof(PersonaSegmenterPlugin),
        PERSONA_SEGMENTER_ABI_MAJOR,
        PERSONA_SEGMENTER_ABI_MINOR,
        PersonaString{name, std::strlen(name)},
        PersonaString{version, std::strlen(version)},
        PersonaString{description, std::strlen(description)},
        &Create,
        &Destroy,
        &Compile,
        &ReleaseCriterion,
        &Score,
        Borrow(params_doc),
    };
    return &plugin;
  }
};

}  // namespace internal
}  // namespace sdk
}  // namespace persona

// Defines the plugin's entry symbol. Use once per shared library, at namespace scope.
#define PERSONA_SEGMENTER_PLUGIN(SegmenterClass, name, version, description)                  \
  extern "C" PERSONA_SEGMENTER_EXPORT const PersonaSegmenterPlugin* persona_segmenter_plugin( \
      void) {                                                                                 \
    return ::persona::sdk::internal::Adapter<SegmenterClass>::Describe(name, version,         \
                                                                       description);          \
  }
