#include "service/security/bearer_credentials.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace persona::security {

BearerCredentials ParseBearerCredentials(const std::vector<absl::string_view>& values) {
  BearerCredentials out;
  if (values.empty()) return out;
  out.kind = BearerCredentials::Kind::kMalformed;
  if (values.size() > 1) {
    out.problem = "more than one authorization header";
    return out;
  }
  absl::string_view value = values.front();
  constexpr absl::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    out.problem = "authorization is not of the form \"Bearer <token>\"";
    return out;
  }
  value.remove_prefix(kScheme.size());
  value = absl::StripLeadingAsciiWhitespace(value);
  value = absl::StripTrailingAsciiWhitespace(value);
  if (value.empty()) {
    out.problem = "authorization \"Bearer\" without a token";
    return out;
  }
  out.kind = BearerCredentials::Kind::kBearer;
  out.token = value;
  return out;
}

}  // namespace persona::security
