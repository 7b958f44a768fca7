#pragma once

#include <atomic>
#include <cstddef>

#include "absl/time/time.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "service/catalog/serving_catalog.h"
#include "service/engine/segmenter_fault_observer.h"
#include "service/grpc/deadline_timer.h"
#include "service/grpc/inflight_calls.h"
#include "service/grpc/request_validator.h"
#include "service/grpc/score_batches_reactor.h"
#include "service/grpc/score_customers_reactor.h"
#include "service/grpc/shadow_scorer.h"
#include "service/observability/rpc_observer.h"

namespace persona {

// Bounds on unary scoring calls.
struct UnaryLimits {
  // A ScoreCustomer call that carries no deadline gets this one: answered
  // DEADLINE_EXCEEDED if scoring it has not finished by then.
  absl::Duration default_deadline = absl::Seconds(1);
  // ScoreCustomer calls being handled at once (a slow segmenter makes them pile up); the
  // next is refused with RESOURCE_EXHAUSTED. 0 = no limit.
  size_t max_inflight_calls = 1024;
};

// persona.v1.PersonaScoring on the gRPC callback API: every handler scores inline on the
// reactor thread (scoring never blocks) against the snapshot it took once on entry.
// ScoreCustomer takes raw bytes: gRPC 1.51 answers an undecodable request to a typed
// callback method with UNIMPLEMENTED and no message, and bad input must be INVALID_ARGUMENT.
//
// Deadlines: a ScoreCustomer call whose deadline (its own, or UnaryLimits::default_deadline)
// has passed before or while it is scored is answered DEADLINE_EXCEEDED, so work that
// waited too long is shed cheaply rather than scored for nobody. A ScoreCustomers stream
// without a deadline of its own is ended DEADLINE_EXCEEDED after
// StreamLimits::default_deadline, so an abandoned stream cannot hold a stream slot forever;
// so is a ScoreCustomerBatches stream, and both kinds count against one stream limit.
class PersonaScoringService final
    : public persona::v1::PersonaScoring::WithRawCallbackMethod_ScoreCustomer<
          persona::v1::PersonaScoring::CallbackService> {
 public:
  // `observer` may be null (no metrics); so may `fault_observer`, which is told the reason
  // of every segmenter fault (the server's rate-limited fault log), and `shadow`, which is
  // offered every successful answer for shadow evaluation against a staged candidate.
  PersonaScoringService(const ServingCatalog* catalog, RequestLimits limits,
                        RpcObserver* observer = nullptr, StreamLimits stream_limits = {},
                        UnaryLimits unary_limits = {},
                        SegmenterFaultObserver* fault_observer = nullptr,
                        ShadowScorer* shadow = nullptr)
      : catalog_(catalog),
        limits_(limits),
        observer_(observer),
        fault_observer_(fault_observer),
        shadow_(shadow),
        stream_limits_(stream_limits),
        unary_limits_(unary_limits),
        inflight_(unary_limits.max_inflight_calls) {}

  grpc::ServerUnaryReactor* ScoreCustomer(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  // Bulk scoring: see ScoreCustomersReactor.
  grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::ScoreCustomersResponse>*
  ScoreCustomers(grpc::CallbackServerContext* context) override;
  // Bulk scoring in batches: see ScoreBatchesReactor.
  grpc::ServerBidiReactor<persona::v1::ScoreCustomerBatch, persona::v1::ScoreCustomerBatchResult>*
  ScoreCustomerBatches(grpc::CallbackServerContext* context) override;
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
  SegmenterFaultObserver* const fault_observer_;
  ShadowScorer* const shadow_;
  const StreamLimits stream_limits_;
  const UnaryLimits unary_limits_;
  InflightCalls inflight_;
  std::atomic<size_t> open_streams_{0};
  // Ends streams that outlive the default deadline; declared last so it stops first.
  DeadlineTimer stream_deadlines_;
};

// Fills the public description of a snapshot's segmenters.
void DescribeSegmenters(const CatalogSnapshot& snapshot,
                        google::protobuf::RepeatedPtrField<persona::v1::SegmenterInfo>* out);

}  // namespace persona
