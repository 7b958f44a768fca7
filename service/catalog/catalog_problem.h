#pragma once

#include <string>
#include <vector>

namespace persona {

// One thing wrong with a catalog: where (file and field path) and why. Every rejection names
// all three so an operator can fix it without reading server code.
struct CatalogProblem {
  std::string file;
  std::string field;  // "personas[hemat-fred].criteria[0].params.age.min"
  std::string message;

  std::string ToString() const;
};

using CatalogProblems = std::vector<CatalogProblem>;

}  // namespace persona
