#pragma once

#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "cost": ns per criterion per customer over the population, one thread; fails only above
// --max_ns_per_criterion.
void CheckCost(CheckSession& session);

}  // namespace plugin_check
}  // namespace persona
