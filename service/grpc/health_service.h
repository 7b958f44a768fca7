#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace persona {

// The standard grpc.health.v1.Health service, on the callback API. Replaces gRPC's built-in
// one, whose Watch streams stay open through server shutdown and so hold every SIGTERM for
// the whole grace period. Here Shutdown() reports NOT_SERVING to every watcher and then
// ends their streams, so draining clients learn at once and leave.
class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  HealthService();
  ~HealthService() override;

  // "" is the server as a whole. Thread-safe; watchers of `service` are told.
  void SetServingStatus(const std::string& service, bool serving);
  // Every service NOT_SERVING from now on, and every Watch stream finished.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class Watcher;
  ServingStatus StatusOf(const std::string& service) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Forget(Watcher* watcher);

  mutable absl::Mutex mutex_;
  std::map<std::string, bool> serving_ ABSL_GUARDED_BY(mutex_);
  std::set<Watcher*> watchers_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  absl::CondVar all_watchers_done_;
};

}  // namespace persona
