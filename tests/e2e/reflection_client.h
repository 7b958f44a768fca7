// A grpcurl-style client: learns a server's API from server reflection alone (no local .proto
// knowledge), builds requests from JSON with dynamic messages and calls methods through
// grpc::GenericStub.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace persona::e2e {

// The raw outcome of a unary call made with grpc::GenericStub.
struct RawCallResult {
  grpc::Status status;
  std::string response;  // serialized response message when status is OK
};

// Calls `method` ("/package.Service/Method") with an already serialized request, bounded by
// `timeout` (the call's deadline).
RawCallResult CallUnaryRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                           const std::string& request, absl::Duration timeout = absl::Seconds(10));

class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel,
                            absl::Duration timeout = absl::Seconds(10));

  // list_services: the full names of every service the server registered.
  absl::StatusOr<std::vector<std::string>> ListServices();

  // file_containing_symbol / file_by_filename: fetches the file(s) the server sends back, then
  // every dependency still missing by file name, and adds them all to the local database.
  // Returns the name of the file the server answered with first.
  absl::StatusOr<std::string> FetchFileContainingSymbol(const std::string& symbol);
  absl::StatusOr<std::string> FetchFileByName(const std::string& file_name);

  // The FileDescriptorProtos received so far, by file name.
  const std::map<std::string, google::protobuf::FileDescriptorProto>& files() const {
    return files_;
  }
  // File names requested one by one with file_by_filename to fill missing dependencies (gRPC's
  // reflection usually sends a file's imports along, so this is often empty).
  const std::vector<std::string>& dependencies_fetched_by_name() const { return fetched_by_name_; }

  // A service or method from the pool built out of the received files (NOT_FOUND if it is not
  // there). The pool has no underlay: only what the server described is in it.
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> FindService(
      const std::string& full_name);
  absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(const std::string& service,
                                                                       const std::string& method);

  // grpcurl's `describe` for a method: "rpc M(.pkg.Req) returns (.pkg.Resp);".
  static std::string Describe(const google::protobuf::MethodDescriptor& method);

  // A new empty dynamic message of `type` (a descriptor from this client's pools, else nullptr).
  std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type);

  // grpcurl -d '{json}' host service/method: JSON request in, JSON response out (proto field
  // names). On an RPC error the status carries the gRPC code and message.
  struct JsonCallResult {
    grpc::Status status;
    std::unique_ptr<google::protobuf::Message> response;  // set when status is OK
    std::string response_json;
  };
  absl::StatusOr<JsonCallResult> CallJson(const std::string& service, const std::string& method,
                                          const std::string& request_json);

 private:
  // One request on its own reflection stream (bounded by the client's timeout); an
  // error_response becomes an error status with the server's code and message.
  absl::StatusOr<grpc::reflection::v1alpha::ServerReflectionResponse> Exchange(
      const grpc::reflection::v1alpha::ServerReflectionRequest& request);
  // Exchange() for requests answered with files; returns the serialized FileDescriptorProtos.
  absl::StatusOr<std::vector<std::string>> RequestFiles(
      const grpc::reflection::v1alpha::ServerReflectionRequest& request);
  absl::Status AddFiles(const std::vector<std::string>& serialized, std::string* first);
  absl::Status FetchMissingDependencies();
  absl::Status BuildPool();

  std::shared_ptr<grpc::Channel> channel_;
  absl::Duration timeout_;
  std::map<std::string, google::protobuf::FileDescriptorProto> files_;
  std::vector<std::string> fetched_by_name_;
  // Rebuilt whenever new files arrived; messages made from an old pool stay valid because old
  // pools and factories are kept alive.
  bool pool_stale_ = true;
  std::vector<std::unique_ptr<google::protobuf::DescriptorPool>> pools_;
  std::vector<std::unique_ptr<google::protobuf::DynamicMessageFactory>> factories_;
};

}  // namespace persona::e2e
