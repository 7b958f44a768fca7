// The shared library's only job: export the entry symbol for BehavioralSegmenter. The logic
// lives in behavioral_segmenter_logic so the unit tests link it without dlopen.
#include "behavioral_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::behavioral::BehavioralSegmenter, "behavioral", "1.0.0",
                         "Behavioral lens: category, brand and channel shares, discount share, "
                         "basket value, recent events and NPS band.")
