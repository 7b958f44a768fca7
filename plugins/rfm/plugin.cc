// The one translation unit of libsegmenter_rfm.so that is not also in the logic library:
// it only registers the segmenter, so the unit tests link the same code the plugin runs.
#include <persona/segmenter.hpp>

#include "rfm_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::rfm::RfmSegmenter, "rfm", "1.0.0",
                         "RFM (recency, frequency, monetary) scores 1-5 and R x F segments "
                         "from orders or a precomputed summary.")
