#include "client/persona_client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace persona {

namespace {

ChannelSecurity& Security() {
  static ChannelSecurity* security = new ChannelSecurity();
  return *security;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials() {
  const ChannelSecurity& security = Security();
  if (!security.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = security.root_certs_pem;
  options.pem_cert_chain = security.client_cert_pem;
  options.pem_private_key = security.client_key_pem;
  return grpc::SslCredentials(options);
}

}  // namespace

void SetChannelSecurity(ChannelSecurity security) { Security() = std::move(security); }

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  return MakeChannel(target, "", false);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const std::string& lb_policy,
                                           bool private_connection) {
  grpc::ChannelArguments args;
  if (!lb_policy.empty()) args.SetLoadBalancingPolicyName(lb_policy);
  if (private_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!Security().server_name.empty()) args.SetSslTargetNameOverride(Security().server_name);
  return grpc::CreateCustomChannel(target, Credentials(), args);
}

std::shared_ptr<grpc::Channel> MakeReplicaChannel(const std::string& channel_target,
                                                  const std::string& host_name) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  const std::string& name = Security().server_name.empty() ? host_name : Security().server_name;
  if (Security().tls && !name.empty()) args.SetSslTargetNameOverride(name);
  return grpc::CreateCustomChannel(channel_target, Credentials(), args);
}

std::string StatusCodeName(int code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("CODE_", code);
}

absl::Status ReadJsonFile(const std::string& path, google::protobuf::Message* message) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a valid ",
                                                   message->GetDescriptor()->full_name(), ": ",
                                                   std::string(status.message())));
  }
  return absl::OkStatus();
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string DescribeStatus(const grpc::Status& status) {
  std::string out = absl::StrCat(StatusCodeName(static_cast<int>(status.error_code())), ": ",
                                 status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (!any.UnpackTo(&bad_request)) continue;
      for (const auto& v : bad_request.field_violations()) {
        absl::StrAppend(&out, "\n  ", v.field(), ": ", v.description());
      }
    }
  }
  return out;
}

}  // namespace persona
