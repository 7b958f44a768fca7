#pragma once

namespace persona {

// What shadow evaluation reports, for metrics (persona_shadow_*). Called from the shadow
// worker thread and, for drops, from request threads: implementations must be cheap and
// thread-safe.
class ShadowObserver {
 public:
  virtual ~ShadowObserver() = default;
  // A sampled request was scored against both catalogs; `top1_agrees`: same best persona.
  virtual void OnShadowCompared(bool top1_agrees) = 0;
  // A sampled request found the shadow queue full and was not compared.
  virtual void OnShadowDropped() = 0;
  // The candidate could not score a sampled request (an error status).
  virtual void OnShadowFailed() = 0;
  // A candidate was staged (true) or is staged no more (false).
  virtual void OnCandidateStaged(bool staged) = 0;
};

}  // namespace persona
