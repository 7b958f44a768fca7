// The plugin's only exported symbol; everything else lives in demographic_segmenter.cc.
#include "demographic_segmenter.h"

PERSONA_SEGMENTER_PLUGIN(persona::demographic::DemographicSegmenter, "demographic", "1.0.0",
                         "Grades who a customer is: age, gender, location, education, income, "
                         "occupation, marital status, household.")
