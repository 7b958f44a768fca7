// The shared library's only job: export the entry symbol for PsychographicSegmenter. The logic
// lives in psychographic_segmenter_logic so the unit tests link it without dlopen.
#include "psychographic_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::psychographic::PsychographicSegmenter, "psychographic", "1.0.0",
                         "Psychographic lens: interests, values, lifestyle, preferred channels "
                         "and Big Five personality against persona targets.")
