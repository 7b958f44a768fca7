#include "service/engine/engine_index.h"

#include <limits>

#include "service/engine/catalog_snapshot.h"

namespace persona {

EngineIndex EngineIndex::Build(const std::vector<CompiledPersona>& personas,
                               const std::vector<uint32_t>& slot_offsets) {
  EngineIndex index;
  size_t criteria = 0;
  for (const CompiledPersona& persona : personas) criteria += persona.criteria.size();
  index.personas_.reserve(personas.size());
  index.criteria_.reserve(criteria);
  for (const CompiledPersona& persona : personas) {
    Persona flat;
    flat.criteria_begin = static_cast<uint32_t>(index.criteria_.size());
    for (const CompiledCriterion& c : persona.criteria) {
      index.criteria_.push_back(
          Criterion{slot_offsets[c.segmenter] + c.position, c.weight, c.missing_affinity,
                    c.required ? c.min_affinity : -std::numeric_limits<double>::infinity()});
    }
    flat.criteria_end = static_cast<uint32_t>(index.criteria_.size());
    flat.total_weight = persona.total_weight;
    flat.min_score = persona.min_score;
    index.personas_.push_back(flat);
  }
  return index;
}

}  // namespace persona
