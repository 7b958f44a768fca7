// The shared library's only job: export the entry symbol for TriggersSegmenter. The logic
// lives in triggers_segmenter_logic so the unit tests link it without dlopen.
#include "triggers_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::triggers::TriggersSegmenter, "triggers", "1.0.0",
                         "Triggers lens: when the customer buys - birthdays, signup "
                         "anniversaries, seasons such as Harbolnas, Lebaran and payday, and "
                         "recent life events, on the customer's local calendar.")
