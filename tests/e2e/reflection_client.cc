#include "tests/e2e/reflection_client.h"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"

namespace persona::e2e {
namespace {

using grpc::reflection::v1alpha::ServerReflectionRequest;
using grpc::reflection::v1alpha::ServerReflectionResponse;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Collects DescriptorPool build errors into one message.
class ErrorCollector : public google::protobuf::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const google::protobuf::Message*, ErrorLocation,
                const std::string& message) override {
    errors_.push_back(absl::StrCat(filename, ": ", element_name, ": ", message));
  }
  std::string str() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

}  // namespace

RawCallResult CallUnaryRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                           const std::string& request, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::Slice request_slice(request);
  grpc::ByteBuffer request_buffer(&request_slice, 1);
  grpc::ByteBuffer response_buffer;

  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  RawCallResult result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mutex);
                   result.status = std::move(status);
                   done = true;
                   done_cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  // The deadline ends the call; the margin only guards against a lost callback.
  if (!done_cv.wait_for(lock, absl::ToChronoSeconds(timeout + absl::Seconds(5)),
                        [&] { return done; })) {
    context.TryCancel();
    if (!done_cv.wait_for(lock, std::chrono::seconds(30), [&] { return done; })) {
      // The callback still references this frame: returning would be undefined behaviour.
      std::fprintf(stderr, "[e2e] %s: no completion 35 s after the deadline\n", method.c_str());
      std::abort();
    }
  }
  if (result.status.ok()) {
    grpc::Slice slice;
    if (response_buffer.DumpToSingleSlice(&slice).ok()) {
      result.response.assign(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return result;
}

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : channel_(std::move(channel)), timeout_(timeout) {}

absl::StatusOr<ServerReflectionResponse> ReflectionClient::Exchange(
    const ServerReflectionRequest& request) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  auto stream = stub->ServerReflectionInfo(&context);
  ServerReflectionResponse response;
  bool answered = false;
  if (stream->Write(request)) {
    stream->WritesDone();
    answered = stream->Read(&response);
    ServerReflectionResponse extra;
    while (stream->Read(&extra)) {
    }
  }
  const grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpc(status, "ServerReflectionInfo");
  if (!answered) return absl::UnavailableError("ServerReflectionInfo: the stream ended unanswered");
  if (response.has_error_response()) {
    return absl::Status(
        static_cast<absl::StatusCode>(response.error_response().error_code()),
        absl::StrCat("reflection error: ", response.error_response().error_message()));
  }
  return response;
}

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  ServerReflectionRequest request;
  request.set_list_services("*");
  absl::StatusOr<ServerReflectionResponse> response = Exchange(request);
  if (!response.ok()) return response.status();
  if (!response->has_list_services_response()) {
    return absl::InternalError("list_services: answered with something else");
  }
  std::vector<std::string> names;
  for (const auto& service : response->list_services_response().service()) {
    names.push_back(service.name());
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> ReflectionClient::RequestFiles(
    const ServerReflectionRequest& request) {
  absl::StatusOr<ServerReflectionResponse> response = Exchange(request);
  if (!response.ok()) return response.status();
  if (!response->has_file_descriptor_response()) {
    return absl::InternalError("expected a file_descriptor_response");
  }
  const auto& files = response->file_descriptor_response().file_descriptor_proto();
  if (files.empty()) return absl::NotFoundError("file_descriptor_response holds no file");
  return std::vector<std::string>(files.begin(), files.end());
}

absl::Status ReflectionClient::AddFiles(const std::vector<std::string>& serialized,
                                        std::string* first) {
  for (const std::string& bytes : serialized) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) {
      return absl::DataLossError("a file_descriptor_proto does not parse");
    }
    if (first != nullptr && first->empty()) *first = file.name();
    if (files_.emplace(file.name(), file).second) pool_stale_ = true;
  }
  return absl::OkStatus();
}

absl::Status ReflectionClient::FetchMissingDependencies() {
  // Bounded: every round adds at least one new file or stops.
  for (;;) {
    std::vector<std::string> missing;
    for (const auto& [name, file] : files_) {
      for (const std::string& dependency : file.dependency()) {
        if (files_.count(dependency) == 0) missing.push_back(dependency);
      }
    }
    if (missing.empty()) return absl::OkStatus();
    for (const std::string& name : missing) {
      if (files_.count(name) != 0) continue;
      ServerReflectionRequest request;
      request.set_file_by_filename(name);
      absl::StatusOr<std::vector<std::string>> files = RequestFiles(request);
      if (!files.ok()) {
        return absl::Status(files.status().code(), absl::StrCat("file_by_filename ", name, ": ",
                                                                files.status().message()));
      }
      fetched_by_name_.push_back(name);
      const size_t before = files_.size();
      if (absl::Status status = AddFiles(*files, nullptr); !status.ok()) return status;
      if (files_.count(name) == 0 || files_.size() == before) {
        return absl::NotFoundError(absl::StrCat("file_by_filename ", name, " did not return it"));
      }
    }
  }
}

absl::StatusOr<std::string> ReflectionClient::FetchFileContainingSymbol(const std::string& symbol) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  absl::StatusOr<std::vector<std::string>> files = RequestFiles(request);
  if (!files.ok()) return files.status();
  std::string first;
  if (absl::Status status = AddFiles(*files, &first); !status.ok()) return status;
  if (absl::Status status = FetchMissingDependencies(); !status.ok()) return status;
  return first;
}

absl::StatusOr<std::string> ReflectionClient::FetchFileByName(const std::string& file_name) {
  ServerReflectionRequest request;
  request.set_file_by_filename(file_name);
  absl::StatusOr<std::vector<std::string>> files = RequestFiles(request);
  if (!files.ok()) return files.status();
  std::string first;
  if (absl::Status status = AddFiles(*files, &first); !status.ok()) return status;
  if (absl::Status status = FetchMissingDependencies(); !status.ok()) return status;
  return first;
}

absl::Status ReflectionClient::BuildPool() {
  if (!pool_stale_) return absl::OkStatus();
  auto pool = std::make_unique<google::protobuf::DescriptorPool>();
  ErrorCollector errors;
  // Dependencies first; `files_` is closed under dependencies after every fetch.
  std::map<std::string, bool> visiting;
  std::function<absl::Status(const std::string&)> build = [&](const std::string& name) {
    if (pool->FindFileByName(name) != nullptr) return absl::OkStatus();
    auto it = files_.find(name);
    if (it == files_.end()) return absl::NotFoundError(absl::StrCat("missing file ", name));
    if (visiting[name])
      return absl::FailedPreconditionError(absl::StrCat("import cycle at ", name));
    visiting[name] = true;
    for (const std::string& dependency : it->second.dependency()) {
      if (absl::Status status = build(dependency); !status.ok()) return status;
    }
    if (pool->BuildFileCollectingErrors(it->second, &errors) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("cannot build ", name, ": ", errors.str()));
    }
    return absl::OkStatus();
  };
  for (const auto& [name, file] : files_) {
    if (absl::Status status = build(name); !status.ok()) return status;
  }
  factories_.push_back(std::make_unique<google::protobuf::DynamicMessageFactory>(pool.get()));
  pools_.push_back(std::move(pool));
  pool_stale_ = false;
  return absl::OkStatus();
}

absl::StatusOr<const google::protobuf::ServiceDescriptor*> ReflectionClient::FindService(
    const std::string& full_name) {
  if (absl::Status status = BuildPool(); !status.ok()) return status;
  const google::protobuf::ServiceDescriptor* service =
      pools_.empty() ? nullptr : pools_.back()->FindServiceByName(full_name);
  if (service == nullptr) {
    return absl::NotFoundError(absl::StrCat("service ", full_name, " is not in the fetched files"));
  }
  return service;
}

absl::StatusOr<const google::protobuf::MethodDescriptor*> ReflectionClient::FindMethod(
    const std::string& service, const std::string& method) {
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> found = FindService(service);
  if (!found.ok()) return found.status();
  const google::protobuf::MethodDescriptor* m = (*found)->FindMethodByName(method);
  if (m == nullptr) return absl::NotFoundError(absl::StrCat(service, " has no method ", method));
  return m;
}

std::string ReflectionClient::Describe(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat("rpc ", method.name(), "(", method.client_streaming() ? "stream " : "", ".",
                      method.input_type()->full_name(), ") returns (",
                      method.server_streaming() ? "stream " : "", ".",
                      method.output_type()->full_name(), ");");
}

std::unique_ptr<google::protobuf::Message> ReflectionClient::NewMessage(
    const google::protobuf::Descriptor& type) {
  // The factory that belongs to the pool the descriptor came from.
  for (size_t i = 0; i < pools_.size(); ++i) {
    if (type.file()->pool() == pools_[i].get()) {
      return std::unique_ptr<google::protobuf::Message>(factories_[i]->GetPrototype(&type)->New());
    }
  }
  return nullptr;
}

absl::StatusOr<ReflectionClient::JsonCallResult> ReflectionClient::CallJson(
    const std::string& service, const std::string& method, const std::string& request_json) {
  absl::StatusOr<const google::protobuf::MethodDescriptor*> m = FindMethod(service, method);
  if (!m.ok()) return m.status();
  if ((*m)->client_streaming() || (*m)->server_streaming()) {
    return absl::UnimplementedError("only unary methods");
  }
  std::unique_ptr<google::protobuf::Message> request = NewMessage(*(*m)->input_type());
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  if (const auto status =
          google::protobuf::util::JsonStringToMessage(request_json, request.get(), parse);
      !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request JSON: ", status.message().as_string()));
  }

  JsonCallResult result;
  RawCallResult raw = CallUnaryRaw(channel_, absl::StrCat("/", service, "/", method),
                                   request->SerializeAsString(), timeout_);
  result.status = raw.status;
  if (!raw.status.ok()) return result;
  result.response = NewMessage(*(*m)->output_type());
  if (!result.response->ParseFromString(raw.response)) {
    return absl::DataLossError("the response does not parse as " +
                               (*m)->output_type()->full_name());
  }
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  if (const auto status = google::protobuf::util::MessageToJsonString(*result.response,
                                                                      &result.response_json, print);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("response JSON: ", status.message().as_string()));
  }
  return result;
}

}  // namespace persona::e2e
