#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "service/grpc/request_validator.h"

namespace persona {

// INVALID_ARGUMENT naming the first violated field in the message, with every violation in
// a google.rpc.BadRequest detail (grpc-status-details-bin) for clients that show them all.
grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations);

}  // namespace persona
