#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {

// How channels reach the server: plaintext unless `tls`. PEM text, not paths.
struct ChannelSecurity {
  bool tls = false;
  std::string root_certs_pem;   // CA that signed the server's certificate; empty = system roots
  std::string client_cert_pem;  // for mutual TLS, with client_key_pem
  std::string client_key_pem;
  std::string server_name;  // checked against the server certificate instead of the target host
};
// Sets what every later MakeChannel uses (once, at start-up, before any channel exists).
void SetChannelSecurity(ChannelSecurity security);

// A channel to persona-server at `target` ("127.0.0.1:50051", "ipv4:…"), plaintext or TLS as
// SetChannelSecurity said. to persona-server at `target` ("127.0.0.1:50051", "ipv4:…").
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target);

// The same with a load-balancing policy ("round_robin" spreads calls over every address of
// "ipv4:127.0.0.1:1,127.0.0.1:2"; empty = gRPC's default, pick_first). A `private_connection`
// channel opens its own connections instead of sharing them with other channels.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const std::string& lb_policy,
                                           bool private_connection);

// A channel to one replica of a fleet (`channel_target` such as "ipv4:10.0.0.7:50051"): like
// MakeChannel, but with TLS the certificate is checked against `host_name`, the DNS name the
// address was resolved from (a certificate names the Service, not the pod IP), unless
// SetChannelSecurity gave a server_name. Its own connection, never shared with other channels.
std::shared_ptr<grpc::Channel> MakeReplicaChannel(const std::string& channel_target,
                                                  const std::string& host_name);

// "OK", "INVALID_ARGUMENT", …; "CODE_<n>" for a number outside google.rpc.Code.
std::string StatusCodeName(int code);

// Reads a JSON file into `message` with protobuf's JSON parser (unknown fields are errors).
absl::Status ReadJsonFile(const std::string& path, google::protobuf::Message* message);

// Pretty JSON with the .proto's snake_case field names, like the catalog files use.
std::string ToJson(const google::protobuf::Message& message);

// "INVALID_ARGUMENT: customer.demographics.age: …" plus one line per google.rpc.BadRequest
// field violation carried in the status details.
std::string DescribeStatus(const grpc::Status& status);

}  // namespace persona
