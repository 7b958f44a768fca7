// The C++ adapter: implements the C ABI (segmenter_abi.h) over an ordinary class, and the
// one macro that exports it. The class provides
//
//   struct Criterion;                                                   // compiled params
//   static std::unique_ptr<Self> Create(const persona::sdk::Value& config);
//   std::unique_ptr<Criterion> Compile(const persona::sdk::Value& params) const;
//   void Score(const PersonaCustomer&, const Criterion* const* criteria, size_t count,
//              const persona::sdk::ScoreContext&, PersonaCriterionScore* scores)
//       const noexcept;
//   static constexpr char kParamsDoc[] = "...";                          // optional, ABI 1.1
//   static constexpr double kDefaultMissingAffinity = 0.0;               // optional, ABI 1.2
//
// and the adapter turns exceptions thrown at load time into statuses and messages (a
// ParamError is the author's "bad input", anything else an internal error), owns instance
// and criterion lifetimes, and keeps anything from escaping the hot path across the C
// boundary.
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <persona/sdk/config_value.hpp>
#include <persona/sdk/param_error.hpp>
#include <persona/sdk/score_context.hpp>
#include <persona/sdk/strings.hpp>
#include <string>
#include <string_view>

namespace persona {
namespace sdk {
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

// What the plugin description says about Segmenter::kDefaultMissingAffinity.
struct MissingAffinityDefault {
  int32_t declared;
  double value;
};

// Declared: checked at compile time, since the host refuses a plugin whose default is outside
// [0, 1] and the author should learn that from the compiler rather than from a load failure.
template <typename Segmenter>
constexpr auto DefaultMissingAffinityOf(int)
    -> decltype(static_cast<double>(Segmenter::kDefaultMissingAffinity), MissingAffinityDefault{}) {
  static_assert(
      Segmenter::kDefaultMissingAffinity >= 0.0 && Segmenter::kDefaultMissingAffinity <= 1.0,
      "kDefaultMissingAffinity must be in [0, 1]");
  return MissingAffinityDefault{1, static_cast<double>(Segmenter::kDefaultMissingAffinity)};
}
// Not declared: the host's default applies.
template <typename Segmenter>
constexpr MissingAffinityDefault DefaultMissingAffinityOf(long) {
  return MissingAffinityDefault{0, 0.0};
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
    static constexpr MissingAffinityDefault missing_affinity =
        DefaultMissingAffinityOf<Segmenter>(0);
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
        missing_affinity.declared,
        missing_affinity.value,
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
