#pragma once

#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// Scores every customer of the population over session.criteria, again and again: a warm-up
// baseline, a second pass counting allocations, a pass with explanations, a call with no
// criteria, concurrent threads (each in a different order), a second instance, and the
// first instance again once the second is destroyed. Then reports "scoring", "sink",
// "determinism" and "allocation", and leaves the lifecycle verdict in the session.
void CheckScoring(CheckSession& session);

}  // namespace plugin_check
}  // namespace persona
