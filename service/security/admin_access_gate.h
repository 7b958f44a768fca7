#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "persona/v1/persona_service.grpc.pb.h"
#include "service/observability/rpc_observer.h"
#include "service/security/admin_access_policy.h"

namespace persona::security {

// persona.v1.CatalogAdmin as registered with the server: checks the caller against the
// AdminAccessPolicy and only then hands the call to the real service. A refused call is
// finished here with UNAUTHENTICATED or PERMISSION_DENIED; the real handler never runs.
//
// Why a gate service and not a gRPC interceptor or AuthMetadataProcessor: gRPC 1.51 server
// interceptors cannot end a call (no Hijack on the server side, grpc/grpc#24017), and an
// AuthMetadataProcessor can only be set on TLS credentials (not on a plaintext listener,
// where the bearer token case matters most) and applies to every service. The gate sits
// exactly where the CatalogAdmin handlers are dispatched, on both. A method added to
// CatalogAdmin later and not forwarded here answers UNIMPLEMENTED: it fails closed.
class AdminAccessGate final : public persona::v1::CatalogAdmin::CallbackService {
 public:
  // `admin` (the real service) must outlive the gate; `observer` may be null. Refused calls
  // are reported to it like any other call, so refusals show in metrics by status code.
  AdminAccessGate(AdminAccessPolicy policy, persona::v1::CatalogAdmin::CallbackService* admin,
                  RpcObserver* observer = nullptr)
      : policy_(std::move(policy)), admin_(admin), observer_(observer) {}

  grpc::ServerUnaryReactor* ReloadCatalog(grpc::CallbackServerContext* context,
                                          const persona::v1::ReloadCatalogRequest* request,
                                          persona::v1::ReloadCatalogResponse* response) override;
  grpc::ServerUnaryReactor* ValidateCatalog(
      grpc::CallbackServerContext* context, const persona::v1::ValidateCatalogRequest* request,
      persona::v1::ValidateCatalogResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalogStatus(
      grpc::CallbackServerContext* context, const persona::v1::GetCatalogStatusRequest* request,
      persona::v1::GetCatalogStatusResponse* response) override;
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

  // Who the caller of `context` is, for the audit log (AdminActorOf); never a secret.
  std::string ActorOf(const grpc::CallbackServerContext& context) const;

  // Told each refused call (method name, actor) after it was answered: the audit log. Set
  // before serving.
  using RefusalListener = std::function<void(std::string_view method, const std::string& actor)>;
  void set_refusal_listener(RefusalListener listener) { refusal_listener_ = std::move(listener); }

 private:
  // OK when the caller may proceed; else the refusal, already reported and audited.
  grpc::Status Check(grpc::CallbackServerContext* context, const char* method);
  // Null when the caller may proceed; else a reactor already finished with the refusal.
  grpc::ServerUnaryReactor* RefuseUnlessAuthorized(grpc::CallbackServerContext* context,
                                                   const char* method);

  const AdminAccessPolicy policy_;
  RefusalListener refusal_listener_;
  persona::v1::CatalogAdmin::CallbackService* const admin_;
  RpcObserver* const observer_;
};

// What a call presented: the `authorization` metadata values, and whether its TLS
// connection carried a client certificate (on a listener that requires and verifies client
// certificates, a certificate on the connection is a verified one).
AdminCallCredentials CallCredentialsOf(const grpc::CallbackServerContext& context);

}  // namespace persona::security
