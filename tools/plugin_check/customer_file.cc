#include "tools/plugin_check/customer_file.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace persona {
namespace plugin_check {

absl::StatusOr<std::vector<CustomerLine>> ReadCustomerFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--customers: cannot read ", path));
  std::vector<CustomerLine> customers;
  std::string text;
  int64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (absl::StripAsciiWhitespace(text).empty()) continue;
    CustomerLine& entry = customers.emplace_back();
    entry.line = line;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(text, &entry.customer, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line, ": not a persona.v1.Customer: ", std::string(status.message())));
    }
  }
  if (customers.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no customers (one JSON object per line)"));
  }
  return customers;
}

}  // namespace plugin_check
}  // namespace persona
