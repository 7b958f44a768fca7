#pragma once

#include <atomic>
#include <memory>

#include "service/engine/catalog_snapshot.h"

namespace persona {

// The snapshot requests score against. A request takes it once (Current()) and uses only
// that; Publish swaps in a complete new one. Readers never wait on a reload, and a
// snapshot lives until its last reader lets go.
class ServingCatalog {
 public:
  std::shared_ptr<const CatalogSnapshot> Current() const { return std::atomic_load(&current_); }

  void Publish(std::shared_ptr<const CatalogSnapshot> snapshot) {
    std::atomic_store(&current_, std::move(snapshot));
  }

 private:
  std::shared_ptr<const CatalogSnapshot> current_;
};

}  // namespace persona
