#pragma once

#include "service/catalog/catalog_problem.h"
#include "service/catalog/catalog_source.h"

namespace persona {

// Schema rules the JSON parser cannot express: ids and names, references between
// segmenters and criteria, weights and thresholds, finite numbers. Appends every problem
// found (not just the first) and returns whether there were none. Plugin-specific params
// are left to each plugin's compile().
bool ValidateCatalogSchema(const CatalogSource& source, CatalogProblems* problems);

// "[a-z0-9][a-z0-9_.-]*", at most 64 bytes: persona ids appear in URLs, metrics and logs.
bool IsValidPersonaId(const std::string& id);

}  // namespace persona
