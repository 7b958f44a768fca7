#include "service/grpc/catalog_admin_service.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "service/grpc/persona_scoring_service.h"

namespace persona {
namespace {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t nanos = absl::ToUnixNanos(t);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

void Finish(grpc::ServerUnaryReactor* reactor, const grpc::Status& status, RpcObserver* observer,
            std::string_view method, absl::Time start) {
  reactor->Finish(status);
  if (observer != nullptr)
    observer->OnRpcDone(method, static_cast<absl::StatusCode>(status.error_code()),
                        absl::Now() - start);
}

}  // namespace

void ToProto(const CatalogProblems& problems,
             google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>* out) {
  for (const CatalogProblem& problem : problems) {
    persona::v1::CatalogProblem* p = out->Add();
    p->set_file(problem.file);
    p->set_field(problem.field);
    p->set_message(problem.message);
  }
}

grpc::ServerUnaryReactor* CatalogAdminService::ReloadCatalog(
    grpc::CallbackServerContext* context, const persona::v1::ReloadCatalogRequest*,
    persona::v1::ReloadCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reloader_->PostReload(
      [reactor, response, observer = observer_, start](const ReloadOutcome& outcome) {
        response->set_applied(outcome.applied);
        response->set_catalog_version(outcome.version);
        ToProto(outcome.problems, response->mutable_problems());
        // A rejected catalog is a successful call with applied=false: the caller asked what
        // happened, and the problems are the answer.
        Finish(reactor, grpc::Status::OK, observer, "ReloadCatalog", start);
      });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::ValidateCatalog(
    grpc::CallbackServerContext* context, const persona::v1::ValidateCatalogRequest* request,
    persona::v1::ValidateCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  CatalogSource source;
  CatalogProblems problems;
  switch (request->source_case()) {
    case persona::v1::ValidateCatalogRequest::kCatalog:
      source = CatalogSourceFromProto(request->catalog(), "<request>");
      break;
    case persona::v1::ValidateCatalogRequest::kCatalogJson:
      ParseCatalogJson(request->catalog_json(), "<request>", &source, &problems);
      break;
    default:
      Finish(reactor,
             grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "source: set either catalog or catalog_json"),
             observer_, "ValidateCatalog", start);
      return reactor;
  }
  if (!problems.empty()) {
    response->set_valid(false);
    ToProto(problems, response->mutable_problems());
    Finish(reactor, grpc::Status::OK, observer_, "ValidateCatalog", start);
    return reactor;
  }
  reloader_->PostValidate(std::move(source), [reactor, response, observer = observer_,
                                              start](const CatalogLoadResult& result) {
    response->set_valid(result.ok());
    ToProto(result.problems, response->mutable_problems());
    if (result.ok()) {
      response->set_personas(static_cast<uint32_t>(result.snapshot->personas.size()));
      response->set_catalog_version(result.snapshot->version);
    }
    Finish(reactor, grpc::Status::OK, observer, "ValidateCatalog", start);
  });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::GetCatalogStatus(
    grpc::CallbackServerContext* context, const persona::v1::GetCatalogStatusRequest*,
    persona::v1::GetCatalogStatusResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current()) {
    response->set_catalog_version(snapshot->version);
    *response->mutable_loaded_at() = ToTimestamp(snapshot->loaded_at);
    DescribeSegmenters(*snapshot, response->mutable_segmenters());
    response->set_personas(static_cast<uint32_t>(snapshot->personas.size()));
  }
  const ReloadStatus status = reloader_->status();
  if (status.last_attempt != absl::InfinitePast()) {
    *response->mutable_last_reload_attempt() = ToTimestamp(status.last_attempt);
  }
  ToProto(status.last_problems, response->mutable_last_reload_problems());
  Finish(reactor, grpc::Status::OK, observer_, "GetCatalogStatus", start);
  return reactor;
}

}  // namespace persona
