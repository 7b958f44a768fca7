#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "service/engine/segmenter_instance.h"
#include "service/plugin_host/plugin_library.h"

namespace persona {

// A SegmenterInstance backed by a plugin: one create() per catalog load, compiled criteria
// released and the instance destroyed when the snapshot that owns it goes away. Holds its
// library, so the code outlives every call into it.
class PluginSegmenter : public SegmenterInstance {
 public:
  // Calls the plugin's create() with the segmenter's catalog config.
  static absl::StatusOr<std::unique_ptr<PluginSegmenter>> Create(
      std::shared_ptr<const PluginLibrary> library, const PersonaValue& config);

  ~PluginSegmenter() override;

  absl::StatusOr<const PersonaCompiledCriterion*> Compile(const PersonaValue& params) override;

  bool Score(const PersonaCustomer& customer, const PersonaCompiledCriterion* const* criteria,
             size_t count, const PersonaScoreRequest& request, PersonaCriterionScore* scores,
             PersonaErrorBuffer* error) const override;

  const PluginLibrary& library() const { return *library_; }

 private:
  PluginSegmenter(std::shared_ptr<const PluginLibrary> library, PersonaSegmenterInstance* instance);

  std::shared_ptr<const PluginLibrary> library_;
  PersonaSegmenterInstance* instance_;
  std::vector<PersonaCompiledCriterion*> compiled_;
};

}  // namespace persona
