#pragma once

#include <atomic>
#include <cstddef>

#include "persona/v1/persona_service.grpc.pb.h"
#include "service/catalog/serving_catalog.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/rpc_observer.h"
#include "service/grpc/score_customers_reactor.h"

namespace persona {

// persona.v1.PersonaScoring on the gRPC callback API: every handler scores inline on the
// reactor thread (scoring never blocks) against the snapshot it took once on entry.
// ScoreCustomer takes raw bytes: gRPC 1.51 answers an undecodable request to a typed
// callback method with UNIMPLEMENTED and no message, and bad input must be INVALID_ARGUMENT.
class PersonaScoringService final
    : public persona::v1::PersonaScoring::WithRawCallbackMethod_ScoreCustomer<
          persona::v1::PersonaScoring::CallbackService> {
 public:
  // `observer` may be null (no metrics).
  PersonaScoringService(const ServingCatalog* catalog, RequestLimits limits,
                        RpcObserver* observer = nullptr, StreamLimits stream_limits = {})
      : catalog_(catalog), limits_(limits), observer_(observer), stream_limits_(stream_limits) {}

  grpc::ServerUnaryReactor* ScoreCustomer(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  // Bulk scoring: see ScoreCustomersReactor.
  grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::ScoreCustomersResponse>*
  ScoreCustomers(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* ListPersonas(grpc::CallbackServerContext* context,
                                         const persona::v1::ListPersonasRequest* request,
                                         persona::v1::ListPersonasResponse* response) override;
  grpc::ServerUnaryReactor* ListSegmenters(grpc::CallbackServerContext* context,
                                           const persona::v1::ListSegmentersRequest* request,
                                           persona::v1::ListSegmentersResponse* response) override;

 private:
  const ServingCatalog* catalog_;
  const RequestLimits limits_;
  RpcObserver* const observer_;
  const StreamLimits stream_limits_;
  std::atomic<size_t> open_streams_{0};
};

// Fills the public description of a snapshot's segmenters.
void DescribeSegmenters(const CatalogSnapshot& snapshot,
                        google::protobuf::RepeatedPtrField<persona::v1::SegmenterInfo>* out);

}  // namespace persona
