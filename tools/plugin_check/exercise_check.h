#pragma once

#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "exercise": every other scoring check is only as good as the customers it runs over, so a
// plugin must be reached: at least one customer gets past its missing-data path for some
// criterion (coverage > 0, or a detail not flagged missing) or draws a label. When neither
// the generated customers nor --customers reach it, customers are derived from the plugin's
// params_doc and the params being checked (customer_derivation.h) and tried too; they stay
// in the population for the checks that follow. Fails naming everything tried.
void CheckExercise(CheckSession& session);

}  // namespace plugin_check
}  // namespace persona
