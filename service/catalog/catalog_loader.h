#pragma once

#include <memory>
#include <string>

#include "service/catalog/catalog_problem.h"
#include "service/catalog/catalog_source.h"
#include "service/engine/catalog_snapshot.h"

namespace persona {

struct CatalogLoaderOptions {
  std::string plugin_dir;  // plugins are loaded from here and nowhere else
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
