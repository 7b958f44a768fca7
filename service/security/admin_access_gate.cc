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
  }
  return credentials;
}

grpc::ServerUnaryReactor* AdminAccessGate::RefuseUnlessAuthorized(
    grpc::CallbackServerContext* context, const char* method) {
  if (!policy_.require_credentials) return nullptr;
  const absl::Time start = absl::Now();
  const absl::Status decision = AuthorizeAdminCall(policy_, CallCredentialsOf(*context));
  if (decision.ok()) return nullptr;
  const grpc::Status status(static_cast<grpc::StatusCode>(decision.code()),
                            std::string(decision.message()));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  if (observer_ != nullptr)
    observer_->OnRpcDone(method, static_cast<absl::StatusCode>(status.error_code()),
                         absl::Now() - start);
  return reactor;
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
