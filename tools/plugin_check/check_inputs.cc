#include "tools/plugin_check/check_inputs.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/plugin_check/customer_file.h"
#include "tools/plugin_check/customer_generator.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {
namespace {

using google::protobuf::Value;

bool ReadParamsFile(CheckSession& s) {
  const std::string& path = s.options.params_path;
  absl::StatusOr<Value> value = ReadJsonFile(path);
  if (!value.ok()) return InputError(value.status().message());
  if (value->has_struct_value()) {
    s.file_params.push_back(value->struct_value());
  } else if (value->has_list_value()) {
    for (int i = 0; i < value->list_value().values_size(); ++i) {
      if (!value->list_value().values(i).has_struct_value()) {
        return InputError(absl::StrCat(path, "[", i, "]: each params must be a JSON object"));
      }
      s.file_params.push_back(value->list_value().values(i).struct_value());
    }
    if (s.file_params.empty()) return InputError(absl::StrCat(path, ": an empty list"));
  } else {
    return InputError(absl::StrCat(path, ": must hold a params object or a list of them"));
  }
  return true;
}

// The generated customers, then the --customers file's, each as the server would accept it.
bool BuildPopulation(CheckSession& s) {
  GeneratorOptions generator = s.options.generator;
  generator.as_of_unix_seconds = s.options.as_of_unix_seconds;
  for (persona::v1::Customer& customer : GenerateCustomers(generator)) {
    const std::string id = customer.customer_id();
    const std::string problem = s.population.Add(std::move(customer));
    // The generator's own bug, but say which customer and why rather than check less.
    if (!problem.empty()) {
      return InputError(absl::StrCat("generated customer ", id,
                                     " is not one the server would "
                                     "accept: ",
                                     problem));
    }
  }
  s.generated = s.population.size();
  if (s.options.customers_path.empty()) return true;
  absl::StatusOr<std::vector<CustomerLine>> lines = ReadCustomerFile(s.options.customers_path);
  if (!lines.ok()) return InputError(lines.status().message());
  for (CustomerLine& line : *lines) {
    const std::string problem = s.population.Add(std::move(line.customer));
    if (!problem.empty()) {
      return InputError(absl::StrCat(s.options.customers_path, ":", line.line,
                                     ": the server would refuse this customer: ", problem));
    }
  }
  s.from_file = lines->size();
  return true;
}

}  // namespace

bool InputError(absl::string_view message) {
  std::fprintf(stderr, "error: %.*s\n", static_cast<int>(message.size()), message.data());
  return false;
}

bool ReadInputs(CheckSession& s) {
  if (!s.options.params_path.empty() && !ReadParamsFile(s)) return false;
  if (!s.options.config_path.empty()) {
    absl::StatusOr<Value> value = ReadJsonFile(s.options.config_path);
    if (!value.ok()) return InputError(value.status().message());
    if (!value->has_struct_value()) {
      return InputError(absl::StrCat(s.options.config_path, ": config must be a JSON object"));
    }
    s.config = value->struct_value();
    s.config_source = s.options.config_path;
  }
  if (!s.options.catalog_path.empty()) {
    CatalogProblems problems;
    s.catalog = std::make_unique<CatalogSource>();
    if (!ReadCatalogPath(s.options.catalog_path, s.catalog.get(), &problems)) {
      std::vector<std::string> lines;
      for (const CatalogProblem& p : problems) lines.push_back(p.ToString());
      return InputError(absl::StrJoin(lines, "; "));
    }
  }
  return BuildPopulation(s);
}

bool ResolveSamples(CheckSession& s) {
  const std::string plugin_name(ViewOf(s.library->api().name));
  const std::string segmenter = s.options.segmenter.empty() ? plugin_name : s.options.segmenter;
  if (!s.file_params.empty()) {
    s.samples = s.file_params;
    s.samples_source = s.options.params_path;
  } else if (s.catalog) {
    for (const auto& persona : s.catalog->catalog.personas()) {
      for (const auto& criterion : persona.criteria()) {
        if (criterion.segmenter() == segmenter) s.samples.push_back(criterion.params());
      }
    }
    if (s.samples.empty()) {
      return InputError(absl::StrCat("catalog ", s.options.catalog_path,
                                     " has no criterion for segmenter \"", segmenter,
                                     "\" (pass --segmenter=<name as the catalog calls it>)"));
    }
    s.samples_source = absl::StrCat("every criterion of segmenter \"", segmenter, "\" in ",
                                    s.options.catalog_path);
  } else if (s.doc.example) {
    s.samples.push_back(*s.doc.example);
    s.samples_source = "the plugin's params_doc example (no --params given)";
  } else {
    s.samples.emplace_back();
    s.samples_source =
        "{} only: no --params given and the plugin documents no example; pass --params "
        "with real params for a meaningful check";
  }
  if (s.config_source.empty()) {
    s.config_source = "{}";
    if (s.catalog) {
      for (const auto& spec : s.catalog->catalog.segmenters()) {
        if (spec.name() == segmenter) {
          s.config = spec.config();
          s.config_source =
              absl::StrCat("segmenter \"", segmenter, "\" in ", s.options.catalog_path);
        }
      }
    }
  }
  return true;
}

}  // namespace plugin_check
}  // namespace persona
