#include "service/grpc/catalog_admin_service.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "service/grpc/compare_candidate_reactor.h"
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

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

std::string CatalogAdminService::ActorOf(const grpc::CallbackServerContext& context) const {
  return actor_of_ ? actor_of_(context) : std::string("loopback");
}

// A free function over the log, not a member: callbacks run on the loader thread, which
// may outlive this service at shutdown, and the audit log outlives both.
static void AuditChange(AuditLog* audit, std::string_view action, const std::string& actor,
                        const CatalogChange& change) {
  if (audit == nullptr) return;
  AuditRecord record;
  record.time = absl::Now();
  record.actor = actor;
  record.action = std::string(action);
  record.version_before = change.version_before;
  record.version_after = change.version_after;
  record.candidate_version = change.candidate_version;
  if (!change.status.ok()) {
    record.outcome = "refused";
    record.problems.push_back(std::string(change.status.message()));
  } else if (!change.problems.empty()) {
    record.outcome = "failed";
    for (const CatalogProblem& problem : change.problems) {
      record.problems.push_back(problem.ToString());
    }
  } else {
    record.outcome = "ok";
  }
  audit->Append(record);
}

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
  std::string actor = ActorOf(*context);
  reloader_->PostReload(
      [reactor, response, start, actor, audit = audit_, observer = observer_,
       reloader = reloader_](const ReloadOutcome& outcome) {
        response->set_applied(outcome.applied);
        response->set_catalog_version(outcome.version);
        ToProto(outcome.problems, response->mutable_problems());
        CatalogChange change;
        change.changed = outcome.applied;
        change.version_before = outcome.previous_version;
        change.version_after = outcome.version;
        change.problems = outcome.problems;
        if (const auto staged = reloader->staged().Current()) {
          change.candidate_version = staged->snapshot->version;
        }
        AuditChange(audit, "ReloadCatalog", actor, change);
        // A rejected catalog is a successful call with applied=false: the caller asked what
        // happened, and the problems are the answer.
        Finish(reactor, grpc::Status::OK, observer, "ReloadCatalog", start);
      },
      actor);
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

grpc::ServerUnaryReactor* CatalogAdminService::StageCatalog(
    grpc::CallbackServerContext* context, const persona::v1::StageCatalogRequest* request,
    persona::v1::StageCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  StageRequest stage;
  stage.actor = ActorOf(*context);
  stage.shadow_sample_rate = request->shadow_sample_rate();
  switch (request->source_case()) {
    case persona::v1::StageCatalogRequest::kCatalogJson:
      stage.from_json = true;
      stage.catalog_json = request->catalog_json();
      break;
    case persona::v1::StageCatalogRequest::kCatalogPath:
      stage.catalog_path = request->catalog_path();
      break;
    default: {
      CatalogChange refused;
      refused.status =
          absl::InvalidArgumentError("source: set either catalog_json or catalog_path");
      if (const auto live = catalog_->Current()) {
        refused.version_before = refused.version_after = live->version;
      }
      AuditChange(audit_, "StageCatalog", stage.actor, refused);
      Finish(reactor, ToGrpc(refused.status), observer_, "StageCatalog", start);
      return reactor;
    }
  }
  const std::string actor = stage.actor;
  reloader_->PostStage(std::move(stage), [reactor, response, start, actor, audit = audit_,
                                          observer = observer_](const CatalogChange& change) {
    AuditChange(audit, "StageCatalog", actor, change);
    if (!change.status.ok()) {
      Finish(reactor, ToGrpc(change.status), observer, "StageCatalog", start);
      return;
    }
    response->set_staged(change.changed);
    response->set_candidate_version(change.candidate_version);
    response->set_live_version(change.version_before);
    ToProto(change.problems, response->mutable_problems());
    response->set_personas(change.personas);
    response->set_replaced_candidate(change.replaced_candidate);
    // Like a reload: a candidate with problems is an answer (staged=false),
    // not an error.
    Finish(reactor, grpc::Status::OK, observer, "StageCatalog", start);
  });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::GetShadowReport(
    grpc::CallbackServerContext* context, const persona::v1::GetShadowReportRequest* request,
    persona::v1::GetShadowReportResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->examples_per_change() > ShadowScorer::kMaxExamples) {
    Finish(
        reactor,
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     "examples_per_change: at most " + std::to_string(ShadowScorer::kMaxExamples)),
        observer_, "GetShadowReport", start);
    return reactor;
  }
  if (shadow_ != nullptr) {
    *response = shadow_->Report(request->examples_per_change());
  } else if (const auto staged = reloader_->staged().Current()) {
    response->set_staged(true);
    response->set_candidate_version(staged->snapshot->version);
    response->set_shadow_sample_rate(staged->shadow_sample_rate);
    *response->mutable_staged_at() = ToTimestamp(staged->staged_at);
  }
  if (response->live_version().empty()) {
    if (const auto live = catalog_->Current()) response->set_live_version(live->version);
  }
  Finish(reactor, grpc::Status::OK, observer_, "GetShadowReport", start);
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::PromoteCatalog(
    grpc::CallbackServerContext* context, const persona::v1::PromoteCatalogRequest* request,
    persona::v1::PromoteCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::string actor = ActorOf(*context);
  reloader_->PostPromote(request->expected_candidate_version(), actor,
                         [reactor, response, start, actor, audit = audit_,
                          observer = observer_](const CatalogChange& change) {
                           AuditChange(audit, "PromoteCatalog", actor, change);
                           if (!change.status.ok()) {
                             Finish(reactor, ToGrpc(change.status), observer, "PromoteCatalog",
                                    start);
                             return;
                           }
                           response->set_promoted(change.changed);
                           response->set_previous_version(change.version_before);
                           response->set_catalog_version(change.version_after);
                           ToProto(change.problems, response->mutable_problems());
                           Finish(reactor, grpc::Status::OK, observer, "PromoteCatalog", start);
                         });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::DiscardCatalog(
    grpc::CallbackServerContext* context, const persona::v1::DiscardCatalogRequest*,
    persona::v1::DiscardCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::string actor = ActorOf(*context);
  reloader_->PostDiscard(actor, [reactor, response, start, actor, audit = audit_,
                                 observer = observer_](const CatalogChange& change) {
    AuditChange(audit, "DiscardCatalog", actor, change);
    response->set_discarded(change.changed);
    response->set_candidate_version(change.candidate_version);
    Finish(reactor, grpc::Status::OK, observer, "DiscardCatalog", start);
  });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::RollbackCatalog(
    grpc::CallbackServerContext* context, const persona::v1::RollbackCatalogRequest* request,
    persona::v1::RollbackCatalogResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::string actor = ActorOf(*context);
  reloader_->PostRollback(request->to_version(), actor,
                          [reactor, response, start, actor, audit = audit_,
                           observer = observer_](const CatalogChange& change) {
                            AuditChange(audit, "RollbackCatalog", actor, change);
                            if (!change.status.ok()) {
                              Finish(reactor, ToGrpc(change.status), observer, "RollbackCatalog",
                                     start);
                              return;
                            }
                            response->set_rolled_back(change.changed);
                            response->set_previous_version(change.version_before);
                            response->set_catalog_version(change.version_after);
                            Finish(reactor, grpc::Status::OK, observer, "RollbackCatalog", start);
                          });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogAdminService::ListCatalogHistory(
    grpc::CallbackServerContext* context, const persona::v1::ListCatalogHistoryRequest*,
    persona::v1::ListCatalogHistoryResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::vector<CatalogHistoryEntry> entries = reloader_->history().entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    persona::v1::CatalogHistoryEntry* out = response->add_entries();
    out->set_catalog_version(entries[i].version);
    *out->mutable_applied_at() = ToTimestamp(entries[i].applied_at);
    out->set_how(entries[i].how);
    out->set_actor(entries[i].actor);
    out->set_live(i == 0);
    out->set_available(entries[i].snapshot != nullptr);
  }
  if (const auto staged = reloader_->staged().Current()) {
    response->set_staged_version(staged->snapshot->version);
  }
  Finish(reactor, grpc::Status::OK, observer_, "ListCatalogHistory", start);
  return reactor;
}

grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::CompareCandidateResponse>*
CatalogAdminService::CompareCandidate(grpc::CallbackServerContext*) {
  return new CompareCandidateReactor(catalog_->Current(), reloader_->staged().Current(), limits_,
                                     observer_);
}

}  // namespace persona
