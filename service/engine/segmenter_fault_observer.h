#pragma once

#include <string_view>

#include "service/engine/catalog_snapshot.h"

namespace persona {

// Told about every segmenter fault the engine contains: a score call that failed (with the
// reason the plugin wrote), or an answer outside the contract (NaN/Inf, out of [0, 1]).
// This is how faults leave the engine without the engine knowing who listens (a rate-limited
// log, in the server). Called on the scoring thread and only on the fault path, so a healthy
// call pays nothing; implementations must be thread-safe and may lock.
class SegmenterFaultObserver {
 public:
  virtual ~SegmenterFaultObserver() = default;
  // `reason` is valid for the call only.
  virtual void OnSegmenterFault(const SegmenterInfo& segmenter, std::string_view reason) = 0;
};

}  // namespace persona
