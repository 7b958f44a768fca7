#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace persona {

// One segmenter configured for one catalog: what the engine scores with. The production
// implementation wraps a plugin loaded through the C ABI (plugin_host/); tests substitute
// fakes. Compiled criteria are owned by the instance and live as long as it does.
class SegmenterInstance {
 public:
  virtual ~SegmenterInstance() = default;

  // Load time only. Turns one criterion's params into the plugin's compiled form.
  virtual absl::StatusOr<const PersonaCompiledCriterion*> Compile(const PersonaValue& params) = 0;

  // Hot path: grades `customer` against criteria[0..count) into scores[0..count). Returns
  // false (with a reason in `error`) when the segmenter failed; the engine then treats its
  // criteria as missing data. Thread-safe.
  virtual bool Score(const PersonaCustomer& customer,
                     const PersonaCompiledCriterion* const* criteria, size_t count,
                     const PersonaScoreRequest& request, PersonaCriterionScore* scores,
                     PersonaErrorBuffer* error) const = 0;
};

}  // namespace persona
