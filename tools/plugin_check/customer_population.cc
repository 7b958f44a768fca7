#include "tools/plugin_check/customer_population.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "persona/v1/persona_service.pb.h"
#include "service/grpc/request_validator.h"

namespace persona {
namespace plugin_check {

std::string CustomerPopulation::Add(persona::v1::Customer customer) {
  persona::v1::ScoreCustomerRequest request;
  *request.mutable_customer() = std::move(customer);
  request.mutable_as_of()->set_seconds(as_of_);
  const std::vector<FieldViolation> violations =
      ValidateScoreRequest(request, as_of_, RequestLimits{});
  if (!violations.empty()) {
    std::string text;
    for (const FieldViolation& v : violations) {
      absl::StrAppend(&text, text.empty() ? "" : "; ", v.field, ": ", v.description);
    }
    return text;
  }
  auto entry = std::make_unique<Entry>();
  entry->customer = std::move(*request.mutable_customer());
  entry->view.Reset(entry->customer, as_of_);
  entries_.push_back(std::move(entry));
  return "";
}

}  // namespace plugin_check
}  // namespace persona
