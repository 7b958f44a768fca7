#pragma once

#include <memory>
#include <string>

#include "service/catalog/catalog_problem.h"
#include "service/catalog/catalog_source.h"
#include "service/engine/catalog_snapshot.h"
#include "service/plugin_host/plugin_store.h"

namespace persona {

struct CatalogLoaderOptions {
  std::string plugin_dir;  // plugins are loaded from here and nowhere else
  // Where loaded plugins are copied to and opened from; shared across reloads so unchanged
  // plugins are not loaded twice. Null: a private store for this one load.
  PluginStore* plugin_store = nullptr;
};

// Either a complete snapshot, ready to serve, or every problem found on the way.
struct CatalogLoadResult {
  std::shared_ptr<const CatalogSnapshot> snapshot;
  CatalogProblems problems;

  bool ok() const { return snapshot != nullptr; }
};

// Validates `source`, loads its plugins, configures them and compiles every persona
// criterion into a new snapshot. Runs entirely off the request path; nothing is published.
CatalogLoadResult BuildCatalogSnapshot(const CatalogSource& source,
                                       const CatalogLoaderOptions& options);

// Reads a catalog file or directory, then BuildCatalogSnapshot.
CatalogLoadResult LoadCatalog(const std::string& catalog_path, const CatalogLoaderOptions& options);

}  // namespace persona
