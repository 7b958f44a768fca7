// Load time: the segmenter's catalog `config` and one criterion's `params`, validated and
// turned into flat data. Every error is an sdk::ParamError naming the path
// ("params.categories.min_share: must be between 0 and 1, got 1.5"); unknown keys are errors
// at every level, so a typo never silently drops a rule.
#pragma once

#include <memory>
#include <persona/segmenter.hpp>

#include "behavioral_criterion.h"

namespace persona {
namespace behavioral {

struct BehavioralConfig {
  int label_window_days = kDefaultLabelWindowDays;
};

BehavioralConfig ParseConfig(const sdk::Value& config);

std::unique_ptr<BehavioralCriterion> ParseCriterion(const sdk::Value& params);

}  // namespace behavioral
}  // namespace persona
