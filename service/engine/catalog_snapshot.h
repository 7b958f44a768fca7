#pragma once

#include <persona/segmenter_abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "service/engine/engine_index.h"
#include "service/engine/segmenter_instance.h"

namespace persona {

// What is known about the plugin behind a segmenter, for ListSegmenters and status.
struct SegmenterInfo {
  std::string name;            // as the catalog calls it
  std::string plugin_file;     // file name inside the plugin directory
  std::string plugin_name;     // the plugin's own name
  std::string plugin_version;  // the plugin's own release
  std::string description;
  std::string abi_version;  // "major.minor" the plugin was built against
  std::string sha256;
  // What its criteria's missing_affinity is when the catalog sets none: the plugin's
  // declared default (ABI 1.2), else the host's 0.5.
  double default_missing_affinity = 0.5;
};

// A segmenter in a snapshot with every criterion that uses it, across all personas, in
// persona order: the engine hands `criteria` to the plugin in one call per customer.
struct SegmenterSlot {
  SegmenterInfo info;
  std::unique_ptr<SegmenterInstance> instance;
  std::vector<const PersonaCompiledCriterion*> criteria;
  // For criteria[i]: which persona, and which of its criteria, it belongs to.
  std::vector<uint32_t> persona_of;
  std::vector<uint32_t> criterion_of;
};

// One persona criterion, resolved to where its compiled form and its score live.
struct CompiledCriterion {
  uint32_t segmenter;  // index into CatalogSnapshot::segmenters
  uint32_t position;   // index into that slot's criteria
  double weight;
  bool required;
  double min_affinity;
  double missing_affinity;
};

struct CompiledPersona {
  std::string id;
  std::string display_name;
  std::string description;
  std::vector<std::string> tags;
  double min_score = 0.0;
  double total_weight = 0.0;
  std::vector<CompiledCriterion> criteria;
};

// One immutable, fully validated catalog with its plugins: what a request scores against.
// Built off the request path, then published whole; readers keep it alive with a
// shared_ptr for as long as they use it, so a reload never pulls data from under them.
struct CatalogSnapshot {
  std::string version;
  absl::Time loaded_at;
  std::vector<CompiledPersona> personas;  // sorted by id
  std::vector<SegmenterSlot> segmenters;
  absl::flat_hash_map<std::string, uint32_t> persona_index;

  // Derived from the fields above by FinishCatalogSnapshot, before the snapshot is published.
  size_t criterion_count = 0;  // across all segmenters
  // Where each slot's scores start in the engine's per-request score array.
  std::vector<uint32_t> slot_offsets;
  // The engine's flat copy of the personas' scoring data.
  EngineIndex engine_index;
};

// Derives what the engine reads from `personas` and `segmenters`: slot_offsets,
// criterion_count and engine_index. Whoever assembles a snapshot calls it once, after the last
// persona, before publishing; the engine only reads the result, so no request after a reload
// builds anything.
void FinishCatalogSnapshot(CatalogSnapshot* snapshot);

}  // namespace persona
