#include "service/plugin_host/plugin_segmenter.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace persona {
namespace {

constexpr size_t kErrorCapacity = 1024;

// Plugins may write anything into the buffer; make sure the host reads a terminated string
// and never an empty explanation.
std::string ErrorText(const char* buffer, const char* fallback) {
  std::string text(buffer, strnlen(buffer, kErrorCapacity));
  return text.empty() ? std::string(fallback) : text;
}

absl::Status ToStatus(PersonaStatus status, std::string message) {
  if (status == PERSONA_INVALID_ARGUMENT) return absl::InvalidArgumentError(std::move(message));
  return absl::InternalError(std::move(message));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginSegmenter>> PluginSegmenter::Create(
    std::shared_ptr<const PluginLibrary> library, const PersonaValue& config) {
  char buffer[kErrorCapacity] = {};
  PersonaErrorBuffer error{buffer, sizeof(buffer)};
  PersonaSegmenterInstance* instance = nullptr;
  const PersonaStatus status = library->api().create(&config, &instance, &error);
  if (status != PERSONA_OK || instance == nullptr) {
    if (instance != nullptr) library->api().destroy(instance);
    return ToStatus(status == PERSONA_OK ? PERSONA_INTERNAL : status,
                    ErrorText(buffer, "create failed without a reason"));
  }
  return std::unique_ptr<PluginSegmenter>(new PluginSegmenter(std::move(library), instance));
}

PluginSegmenter::PluginSegmenter(std::shared_ptr<const PluginLibrary> library,
                                 PersonaSegmenterInstance* instance)
    : library_(std::move(library)), instance_(instance) {}

PluginSegmenter::~PluginSegmenter() {
  const PersonaSegmenterPlugin& api = library_->api();
  for (PersonaCompiledCriterion* criterion : compiled_) api.release_criterion(instance_, criterion);
  api.destroy(instance_);
  // library_ is released after this body: the code is unmapped only once nothing calls it.
}

absl::StatusOr<const PersonaCompiledCriterion*> PluginSegmenter::Compile(
    const PersonaValue& params) {
  char buffer[kErrorCapacity] = {};
  PersonaErrorBuffer error{buffer, sizeof(buffer)};
  PersonaCompiledCriterion* compiled = nullptr;
  const PersonaStatus status = library_->api().compile(instance_, &params, &compiled, &error);
  if (status != PERSONA_OK || compiled == nullptr) {
    if (compiled != nullptr) library_->api().release_criterion(instance_, compiled);
    return ToStatus(status == PERSONA_OK ? PERSONA_INTERNAL : status,
                    ErrorText(buffer, "compile failed without a reason"));
  }
  compiled_.push_back(compiled);
  return compiled;
}

bool PluginSegmenter::Score(const PersonaCustomer& customer,
                            const PersonaCompiledCriterion* const* criteria, size_t count,
                            const PersonaScoreRequest& request, PersonaCriterionScore* scores,
                            PersonaErrorBuffer* error) const {
  return library_->api().score(instance_, &customer, criteria, count, &request, scores, error) ==
         PERSONA_OK;
}

}  // namespace persona
