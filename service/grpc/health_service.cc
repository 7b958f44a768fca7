#include "service/grpc/health_service.h"

#include <optional>

namespace persona {

using grpc::health::v1::HealthCheckResponse;

// One Watch stream: at most one write in flight; a status that changes while a write is in
// flight replaces any not-yet-sent one (watchers want the latest, not every step).
class HealthService::Watcher : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  Watcher(HealthService* service, std::string name) : service_(service), name_(std::move(name)) {}

  // Called with the service's mutex held.
  void Push(ServingStatus status, bool finish_after) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    absl::MutexLock lock(&mutex_);
    if (finishing_) return;
    pending_ = status;
    finish_after_ |= finish_after;
    MaybeWriteLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
      return;
    }
    MaybeWriteLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mutex_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    service_->Forget(this);
    delete this;
  }

 private:
  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (writing_ || finishing_) return;
    if (pending_) {
      response_.set_status(*pending_);
      pending_.reset();
      writing_ = true;
      StartWrite(&response_);
      return;
    }
    if (finish_after_) FinishLocked(grpc::Status::OK);
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (finishing_) return;
    finishing_ = true;
    Finish(status);
  }

  HealthService* const service_;
  const std::string name_;
  absl::Mutex mutex_;
  HealthCheckResponse response_ ABSL_GUARDED_BY(mutex_);
  std::optional<ServingStatus> pending_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool finish_after_ ABSL_GUARDED_BY(mutex_) = false;
  bool finishing_ ABSL_GUARDED_BY(mutex_) = false;

  friend class HealthService;
};

HealthService::HealthService() {
  absl::MutexLock lock(&mutex_);
  serving_[""] = false;
}

HealthService::~HealthService() {
  Shutdown();
  // Reactors call back into this object until OnDone; wait for the last one.
  absl::MutexLock lock(&mutex_);
  while (!watchers_.empty()) all_watchers_done_.WaitWithTimeout(&mutex_, absl::Seconds(5));
}

HealthService::ServingStatus HealthService::StatusOf(const std::string& service) const {
  if (shut_down_) return HealthCheckResponse::NOT_SERVING;
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

void HealthService::SetServingStatus(const std::string& service, bool serving) {
  absl::MutexLock lock(&mutex_);
  serving_[service] = serving;
  for (Watcher* watcher : watchers_) {
    if (watcher->name_ == service) watcher->Push(StatusOf(service), false);
  }
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mutex_);
  shut_down_ = true;
  for (Watcher* watcher : watchers_) watcher->Push(HealthCheckResponse::NOT_SERVING, true);
}

void HealthService::Forget(Watcher* watcher) {
  absl::MutexLock lock(&mutex_);
  watchers_.erase(watcher);
  if (watchers_.empty()) all_watchers_done_.SignalAll();
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const grpc::health::v1::HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    absl::MutexLock lock(&mutex_);
    status = StatusOf(request->service());
  }
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 "unknown service \"" + request->service() + "\""));
    return reactor;
  }
  response->set_status(status);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext*, const grpc::health::v1::HealthCheckRequest* request) {
  auto* watcher = new Watcher(this, request->service());
  absl::MutexLock lock(&mutex_);
  watchers_.insert(watcher);
  watcher->Push(StatusOf(request->service()), /*finish_after=*/shut_down_);
  return watcher;
}

}  // namespace persona
