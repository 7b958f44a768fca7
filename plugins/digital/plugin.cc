// The shared library's only job: export the entry symbol for DigitalSegmenter. The logic lives
// in digital_segmenter_logic so the unit tests link it without dlopen.
#include "digital_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::digital::DigitalSegmenter, "digital", "1.0.0",
                         "Digital presence lens: platforms used, primary device, contact "
                         "opt-ins and mobile share of activity: where to reach the customer.")
