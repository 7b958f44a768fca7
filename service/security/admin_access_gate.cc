#include "service/security/admin_access_gate.h"

#include <grpc/grpc_security_constants.h>

#include "absl/time/clock.h"

namespace persona::security {

AdminCallCredentials CallCredentialsOf(const grpc::CallbackServerContext& context) {
  AdminCallCredentials credentials;
  const auto range = context.client_metadata().equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) {
    credentials.authorization.emplace_back(it->second.data(), it->second.size());
  }
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) {
    bool over_tls = false;
    for (const grpc::string_ref& type :
         auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME)) {
      over_tls = over_tls || type == GRPC_SSL_TRANSPORT_SECURITY_TYPE;
    }
    credentials.verified_client_cert =
        over_tls && !auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME).empty();
    if (credentials.verified_client_cert) {
      for (const char* property : {GRPC_X509_SUBJECT_PROPERTY_NAME, GRPC_X509_CN_PROPERTY_NAME}) {
        const std::vector<grpc::string_ref> values = auth->FindPropertyValues(property);
        if (values.empty()) continue;
        credentials.client_cert_subject.assign(values.front().data(), values.front().size());
        break;
      }
    }
  }
  return credentials;
}

namespace {

// A CompareCandidate call refused before it started: finishes at once, reads nothing.
class RefusedStream final : public grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest,
                                                           persona::v1::CompareCandidateResponse> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

std::string AdminAccessGate::ActorOf(const grpc::CallbackServerContext& context) const {
  if (!policy_.require_credentials) return policy_.open_actor;
  return AdminActorOf(policy_, CallCredentialsOf(context));
}

grpc::Status AdminAccessGate::Check(grpc::CallbackServerContext* context, const char* method) {
  if (!policy_.require_credentials) return grpc::Status::OK;
  const AdminCallCredentials credentials = CallCredentialsOf(*context);
  const absl::Status decision = AuthorizeAdminCall(policy_, credentials);
  if (decision.ok()) return grpc::Status::OK;
  if (refusal_listener_) refusal_listener_(method, AdminActorOf(policy_, credentials));
  return grpc::Status(static_cast<grpc::StatusCode>(decision.code()),
                      std::string(decision.message()));
}

grpc::ServerUnaryReactor* AdminAccessGate::RefuseUnlessAuthorized(
    grpc::CallbackServerContext* context, const char* method) {
  const absl::Time start = absl::Now();
  const grpc::Status status = Check(context, method);
  if (status.ok()) return nullptr;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  if (observer_ != nullptr)
    observer_->OnRpcDone(method, static_cast<absl::StatusCode>(status.error_code()),
                         absl::Now() - start);
  return reactor;
}

#define PERSONA_GATE_UNARY(Method)                                                               \
  grpc::ServerUnaryReactor* AdminAccessGate::Method(grpc::CallbackServerContext* context,        \
                                                    const persona::v1::Method##Request* request, \
                                                    persona::v1::Method##Response* response) {   \
    if (grpc::ServerUnaryReactor* refused = RefuseUnlessAuthorized(context, #Method)) {          \
      return refused;                                                                            \
    }                                                                                            \
    return admin_->Method(context, request, response);                                           \
  }

PERSONA_GATE_UNARY(StageCatalog)
PERSONA_GATE_UNARY(GetShadowReport)
PERSONA_GATE_UNARY(PromoteCatalog)
PERSONA_GATE_UNARY(DiscardCatalog)
PERSONA_GATE_UNARY(RollbackCatalog)
PERSONA_GATE_UNARY(ListCatalogHistory)
#undef PERSONA_GATE_UNARY

grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::CompareCandidateResponse>*
AdminAccessGate::CompareCandidate(grpc::CallbackServerContext* context) {
  const absl::Time start = absl::Now();
  const grpc::Status status = Check(context, "CompareCandidate");
  if (status.ok()) return admin_->CompareCandidate(context);
  if (observer_ != nullptr)
    observer_->OnRpcDone("CompareCandidate", static_cast<absl::StatusCode>(status.error_code()),
                         absl::Now() - start);
  return new RefusedStream(status);
}

grpc::ServerUnaryReactor* AdminAccessGate::ReloadCatalog(
    grpc::CallbackServerContext* context, const persona::v1::ReloadCatalogRequest* request,
    persona::v1::ReloadCatalogResponse* response) {
  if (grpc::ServerUnaryReactor* refused = RefuseUnlessAuthorized(context, "ReloadCatalog")) {
    return refused;
  }
  return admin_->ReloadCatalog(context, request, response);
}

grpc::ServerUnaryReactor* AdminAccessGate::ValidateCatalog(
    grpc::CallbackServerContext* context, const persona::v1::ValidateCatalogRequest* request,
    persona::v1::ValidateCatalogResponse* response) {
  if (grpc::ServerUnaryReactor* refused = RefuseUnlessAuthorized(context, "ValidateCatalog")) {
    return refused;
  }
  return admin_->ValidateCatalog(context, request, response);
}

grpc::ServerUnaryReactor* AdminAccessGate::GetCatalogStatus(
    grpc::CallbackServerContext* context, const persona::v1::GetCatalogStatusRequest* request,
    persona::v1::GetCatalogStatusResponse* response) {
  if (grpc::ServerUnaryReactor* refused = RefuseUnlessAuthorized(context, "GetCatalogStatus")) {
    return refused;
  }
  return admin_->GetCatalogStatus(context, request, response);
}

}  // namespace persona::security
