#include "service/grpc/rpc_errors.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace persona {

grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations) {
  std::string message = "invalid request";
  if (!violations.empty()) {
    message = absl::StrCat(violations.front().field, ": ", violations.front().description);
    if (violations.size() > 1) {
      absl::StrAppend(&message, " (and ", violations.size() - 1, " more violation",
                      violations.size() > 2 ? "s" : "", ")");
    }
  }
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* out = bad_request.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
  }
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message(message);
  status.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message, status.SerializeAsString());
}

}  // namespace persona
