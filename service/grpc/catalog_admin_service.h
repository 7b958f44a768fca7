#pragma once

#include "persona/v1/persona_service.grpc.pb.h"
#include "service/catalog/catalog_reloader.h"
#include "service/catalog/serving_catalog.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// persona.v1.CatalogAdmin. Loading and validating run on the reloader's thread; the RPC
// finishes from there, so no gRPC callback thread waits on a plugin load.
class CatalogAdminService final : public persona::v1::CatalogAdmin::CallbackService {
 public:
  // `observer` may be null (no metrics).
  CatalogAdminService(const ServingCatalog* catalog, CatalogReloader* reloader,
                      RpcObserver* observer = nullptr)
      : catalog_(catalog), reloader_(reloader), observer_(observer) {}

  grpc::ServerUnaryReactor* ReloadCatalog(grpc::CallbackServerContext* context,
                                          const persona::v1::ReloadCatalogRequest* request,
                                          persona::v1::ReloadCatalogResponse* response) override;
  grpc::ServerUnaryReactor* ValidateCatalog(
      grpc::CallbackServerContext* context, const persona::v1::ValidateCatalogRequest* request,
      persona::v1::ValidateCatalogResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalogStatus(
      grpc::CallbackServerContext* context, const persona::v1::GetCatalogStatusRequest* request,
      persona::v1::GetCatalogStatusResponse* response) override;

 private:
  const ServingCatalog* catalog_;
  CatalogReloader* reloader_;
  RpcObserver* const observer_;
};

void ToProto(const CatalogProblems& problems,
             google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>* out);

}  // namespace persona
