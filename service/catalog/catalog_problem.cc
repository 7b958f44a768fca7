#include "service/catalog/catalog_problem.h"

#include "absl/strings/str_cat.h"

namespace persona {

std::string CatalogProblem::ToString() const {
  std::string out = file.empty() ? "<catalog>" : file;
  if (!field.empty()) absl::StrAppend(&out, ": ", field);
  absl::StrAppend(&out, ": ", message);
  return out;
}

}  // namespace persona
