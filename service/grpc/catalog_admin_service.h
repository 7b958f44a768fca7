#pragma once

#include <functional>
#include <string>

#include "persona/v1/persona_service.grpc.pb.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/common/audit_log.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/shadow_scorer.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// persona.v1.CatalogAdmin. Loading and validating run on the reloader's thread; the RPC
// finishes from there, so no gRPC callback thread waits on a plugin load. Every call that
// changes or stages something (reload, stage, promote, discard, rollback) is written to the
// audit log, if there is one.
class CatalogAdminService final : public persona::v1::CatalogAdmin::CallbackService {
 public:
  // Who called, for history and audit (the server asks its AdminAccessGate).
  using ActorResolver = std::function<std::string(const grpc::CallbackServerContext&)>;

  // `observer`, `shadow` (GetShadowReport answers "not staged" without it) and `audit` may
  // be null. `limits`: what CompareCandidate checks each record against.
  CatalogAdminService(const ServingCatalog* catalog, CatalogReloader* reloader,
                      RpcObserver* observer = nullptr, const ShadowScorer* shadow = nullptr,
                      AuditLog* audit = nullptr, RequestLimits limits = {})
      : catalog_(catalog),
        reloader_(reloader),
        observer_(observer),
        shadow_(shadow),
        audit_(audit),
        limits_(limits) {}

  // Default: every caller is "loopback" (an in-process server without a gate).
  void set_actor_resolver(ActorResolver resolver) { actor_of_ = std::move(resolver); }

  grpc::ServerUnaryReactor* ReloadCatalog(grpc::CallbackServerContext* context,
                                          const persona::v1::ReloadCatalogRequest* request,
                                          persona::v1::ReloadCatalogResponse* response) override;
  grpc::ServerUnaryReactor* ValidateCatalog(
      grpc::CallbackServerContext* context, const persona::v1::ValidateCatalogRequest* request,
      persona::v1::ValidateCatalogResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalogStatus(
      grpc::CallbackServerContext* context, const persona::v1::GetCatalogStatusRequest* request,
      persona::v1::GetCatalogStatusResponse* response) override;

  // Safe change; see the comments in persona_service.proto and docs/safe-change.md.
  grpc::ServerUnaryReactor* StageCatalog(grpc::CallbackServerContext* context,
                                         const persona::v1::StageCatalogRequest* request,
                                         persona::v1::StageCatalogResponse* response) override;
  grpc::ServerUnaryReactor* GetShadowReport(
      grpc::CallbackServerContext* context, const persona::v1::GetShadowReportRequest* request,
      persona::v1::GetShadowReportResponse* response) override;
  grpc::ServerUnaryReactor* PromoteCatalog(grpc::CallbackServerContext* context,
                                           const persona::v1::PromoteCatalogRequest* request,
                                           persona::v1::PromoteCatalogResponse* response) override;
  grpc::ServerUnaryReactor* DiscardCatalog(grpc::CallbackServerContext* context,
                                           const persona::v1::DiscardCatalogRequest* request,
                                           persona::v1::DiscardCatalogResponse* response) override;
  grpc::ServerUnaryReactor* RollbackCatalog(
      grpc::CallbackServerContext* context, const persona::v1::RollbackCatalogRequest* request,
      persona::v1::RollbackCatalogResponse* response) override;
  grpc::ServerUnaryReactor* ListCatalogHistory(
      grpc::CallbackServerContext* context, const persona::v1::ListCatalogHistoryRequest* request,
      persona::v1::ListCatalogHistoryResponse* response) override;
  grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::CompareCandidateResponse>*
  CompareCandidate(grpc::CallbackServerContext* context) override;

 private:
  std::string ActorOf(const grpc::CallbackServerContext& context) const;

  const ServingCatalog* catalog_;
  CatalogReloader* reloader_;
  RpcObserver* const observer_;
  const ShadowScorer* const shadow_;
  AuditLog* const audit_;
  const RequestLimits limits_;
  ActorResolver actor_of_;
};

void ToProto(const CatalogProblems& problems,
             google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>* out);

}  // namespace persona
