#include "service/engine/catalog_snapshot.h"

namespace persona {

void FinishCatalogSnapshot(CatalogSnapshot* snapshot) {
  snapshot->slot_offsets.clear();
  uint32_t offset = 0;
  for (const SegmenterSlot& slot : snapshot->segmenters) {
    snapshot->slot_offsets.push_back(offset);
    offset += static_cast<uint32_t>(slot.criteria.size());
  }
  snapshot->criterion_count = offset;
  snapshot->engine_index = EngineIndex::Build(snapshot->personas, snapshot->slot_offsets);
}

}  // namespace persona
