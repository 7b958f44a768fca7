// echo-server: the benchmarks' baseline. Serves persona.bench.v1.Echo with the same gRPC
// callback API, builder settings (message size limit, health service, reflection) and
// stream flow control as persona-server, but does no work, so the ratio of the two servers'
// numbers is the cost of scoring itself.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "persona/bench/v1/echo.grpc.pb.h"
#include "service/grpc/score_customers_reactor.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50061", "gRPC listen address (host:port).");
ABSL_FLAG(int32_t, max_receive_message_bytes, 4 << 20, "As persona-server.");

namespace persona {
namespace {

using persona::bench::v1::EchoRequest;
using persona::bench::v1::EchoResponse;

// EchoStream: ScoreCustomers' flow control (StreamFlowControl) around an empty answer.
class EchoStreamReactor final : public grpc::ServerBidiReactor<EchoRequest, EchoResponse> {
 public:
  EchoStreamReactor() : flow_(StreamLimits().max_pending_writes) {
    slots_.resize(flow_.capacity());
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    StreamFlowControl::Actions actions;
    {
      std::lock_guard<std::mutex> lock(mu_);
      actions = ok ? flow_.OnResponseReady() : flow_.OnReadsDone();
    }
    Apply(actions);
  }

  void OnWriteDone(bool ok) override {
    StreamFlowControl::Actions actions;
    {
      std::lock_guard<std::mutex> lock(mu_);
      actions = flow_.OnWriteDone();
      if (!ok) actions = flow_.OnBroken();
    }
    Apply(actions);
  }

  void OnDone() override { delete this; }

 private:
  void Apply(const StreamFlowControl::Actions& actions) {
    if (actions.start_write) StartWrite(&slots_[actions.write_slot]);
    if (actions.start_read) StartRead(&request_);
    if (actions.finish) Finish(grpc::Status::OK);
  }

  EchoRequest request_;
  std::vector<EchoResponse> slots_;
  std::mutex mu_;
  StreamFlowControl flow_;
};

class EchoService final : public persona::bench::v1::Echo::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest*,
                                 EchoResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerBidiReactor<EchoRequest, EchoResponse>* EchoStream(
      grpc::CallbackServerContext*) override {
    return new EchoStreamReactor;
  }
};

}  // namespace
}  // namespace persona

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("echo-server [--listen=HOST:PORT]: the benchmarks' baseline.");
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  persona::EchoService service;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_receive_message_bytes));
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "echo-server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::fprintf(stderr, "echo-server: listening on port %d\n", port);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  return 0;
}
