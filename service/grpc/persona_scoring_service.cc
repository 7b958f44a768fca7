#include "service/grpc/persona_scoring_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/grpc/score_handler.h"

namespace persona {
namespace {

const grpc::Status& NoCatalog() {
  static const grpc::Status* status = new grpc::Status(
      grpc::StatusCode::UNAVAILABLE, "no catalog is loaded yet; the server is not serving");
  return *status;
}

// Holds one in-flight slot for as long as the handler runs. Scoring is inline, so the handler
// is the call's whole server-side work; once it returns, what is left is gRPC sending the
// answer, bounded by HTTP/2 flow control. (Counting until OnDone instead refused calls under
// plain load: gRPC runs OnDone late when busy, so finished calls still held slots.)
class InflightSlot {
 public:
  explicit InflightSlot(InflightCalls* calls) : calls_(calls) {}
  ~InflightSlot() {
    if (calls_ != nullptr) calls_->Release();
  }
  InflightSlot(const InflightSlot&) = delete;
  InflightSlot& operator=(const InflightSlot&) = delete;

 private:
  InflightCalls* const calls_;
};

// Finishes a unary call and reports it to the observer, if any.
void Finish(grpc::ServerUnaryReactor* reactor, const grpc::Status& status, RpcObserver* observer,
            std::string_view method, absl::Time start) {
  reactor->Finish(status);
  if (observer != nullptr)
    observer->OnRpcDone(method, static_cast<absl::StatusCode>(status.error_code()),
                        absl::Now() - start);
}

}  // namespace

void DescribeSegmenters(const CatalogSnapshot& snapshot,
                        google::protobuf::RepeatedPtrField<persona::v1::SegmenterInfo>* out) {
  for (const SegmenterSlot& slot : snapshot.segmenters) {
    persona::v1::SegmenterInfo* info = out->Add();
    info->set_name(slot.info.name);
    info->set_plugin(slot.info.plugin_file);
    info->set_plugin_version(slot.info.plugin_version);
    info->set_description(slot.info.description);
    info->set_abi_version(slot.info.abi_version);
    info->set_sha256(slot.info.sha256);
    info->set_criteria(static_cast<uint32_t>(slot.criteria.size()));
  }
}

grpc::ServerUnaryReactor* PersonaScoringService::ScoreCustomer(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes,
    grpc::ByteBuffer* response_bytes) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool limited = inflight_.limit() > 0;
  if (limited && !inflight_.TryAcquire()) {
    Finish(reactor,
           grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrCat("server overloaded: ", inflight_.limit(),
                                     " ScoreCustomer calls already in flight "
                                     "(--max_inflight_calls); retry with backoff")),
           observer_, "ScoreCustomer", start);
    return reactor;
  }
  const InflightSlot slot(limited ? &inflight_ : nullptr);
  // The client's deadline, or the server's default for calls that carry none.
  const std::chrono::system_clock::time_point own_deadline = context->deadline();
  const bool has_own_deadline = own_deadline != std::chrono::system_clock::time_point::max();
  const absl::Time deadline =
      has_own_deadline ? absl::FromChrono(own_deadline) : start + unary_limits_.default_deadline;
  if (has_own_deadline && start >= deadline) {
    // It waited in gRPC's queues past its deadline: nobody is waiting for the answer.
    Finish(reactor,
           grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed before scoring"),
           observer_, "ScoreCustomer", start);
    return reactor;
  }
  const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current();
  if (!snapshot) {
    Finish(reactor, NoCatalog(), observer_, "ScoreCustomer", start);
    return reactor;
  }
  // Per-thread messages keep their allocations between calls.
  thread_local persona::v1::ScoreCustomerRequest request;
  thread_local persona::v1::ScoreCustomerResponse response;
  request.Clear();
  response.Clear();
  grpc::ByteBuffer bytes(*request_bytes);  // shares the slices; Deserialize consumes its input
  if (!grpc::SerializationTraits<persona::v1::ScoreCustomerRequest>::Deserialize(&bytes, &request)
           .ok()) {
    // A client that goes away mid-message leaves a truncated request: that is a cancelled
    // call, not bad input.
    if (context->IsCancelled()) {
      Finish(reactor, grpc::Status::CANCELLED, observer_, "ScoreCustomer", start);
      return reactor;
    }
    Finish(reactor,
           grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "request is not a valid persona.v1.ScoreCustomerRequest (malformed "
                        "protobuf, or a string field that is not UTF-8)"),
           observer_, "ScoreCustomer", start);
    return reactor;
  }
  thread_local ScoreStats stats;
  const grpc::Status status =
      ScoreOneCustomer(*snapshot, request, limits_, &response,
                       observer_ != nullptr ? &stats : nullptr, fault_observer_);
  if (absl::Now() > deadline) {
    // Only a slow segmenter gets here; scoring cannot be interrupted, but the answer is late.
    Finish(reactor,
           grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        has_own_deadline
                            ? "deadline passed while scoring"
                            : absl::StrCat("scoring took longer than the server's default "
                                           "deadline for calls without one (",
                                           absl::FormatDuration(unary_limits_.default_deadline),
                                           ", --default_deadline_ms)")),
           observer_, "ScoreCustomer", start);
    return reactor;
  }
  if (status.ok()) {
    if (observer_ != nullptr) observer_->OnScored(*snapshot, stats);
    bool own_buffer = false;
    const grpc::Status serialized =
        grpc::SerializationTraits<persona::v1::ScoreCustomerResponse>::Serialize(
            response, response_bytes, &own_buffer);
    Finish(reactor, serialized, observer_, "ScoreCustomer", start);
    // After the answer is on its way; with nothing staged, one atomic load.
    if (shadow_ != nullptr) shadow_->Offer(request, response);
    return reactor;
  }
  Finish(reactor, status, observer_, "ScoreCustomer", start);
  return reactor;
}

grpc::ServerBidiReactor<persona::v1::ScoreCustomerRequest, persona::v1::ScoreCustomersResponse>*
PersonaScoringService::ScoreCustomers(grpc::CallbackServerContext* context) {
  auto* reactor =
      new ScoreCustomersReactor(context, catalog_, limits_, stream_limits_, observer_,
                                &open_streams_, &stream_deadlines_, fault_observer_, shadow_);
  const size_t open = open_streams_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (stream_limits_.max_concurrent_streams > 0 && open > stream_limits_.max_concurrent_streams) {
    reactor->Refuse(
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat("too many ScoreCustomers streams open (limit ",
                                  stream_limits_.max_concurrent_streams, "); retry later")));
  } else {
    reactor->Start();
  }
  return reactor;
}

grpc::ServerBidiReactor<persona::v1::ScoreCustomerBatch, persona::v1::ScoreCustomerBatchResult>*
PersonaScoringService::ScoreCustomerBatches(grpc::CallbackServerContext* context) {
  auto* reactor =
      new ScoreBatchesReactor(context, catalog_, limits_, stream_limits_, observer_, &open_streams_,
                              &stream_deadlines_, fault_observer_, shadow_);
  const size_t open = open_streams_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (stream_limits_.max_concurrent_streams > 0 && open > stream_limits_.max_concurrent_streams) {
    reactor->Refuse(grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("too many scoring streams open (ScoreCustomers and ScoreCustomerBatches, "
                     "limit ",
                     stream_limits_.max_concurrent_streams, "); retry later")));
  } else {
    reactor->Start();
  }
  return reactor;
}

grpc::ServerUnaryReactor* PersonaScoringService::ListPersonas(
    grpc::CallbackServerContext* context, const persona::v1::ListPersonasRequest*,
    persona::v1::ListPersonasResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current();
  if (!snapshot) {
    Finish(reactor, NoCatalog(), observer_, "ListPersonas", start);
    return reactor;
  }
  response->set_catalog_version(snapshot->version);
  for (const CompiledPersona& persona : snapshot->personas) {
    persona::v1::PersonaSummary* summary = response->add_personas();
    summary->set_id(persona.id);
    summary->set_display_name(persona.display_name);
    summary->set_description(persona.description);
    for (const CompiledCriterion& c : persona.criteria) {
      summary->add_segmenters(snapshot->segmenters[c.segmenter].info.name);
    }
    for (const std::string& tag : persona.tags) summary->add_tags(tag);
  }
  Finish(reactor, grpc::Status::OK, observer_, "ListPersonas", start);
  return reactor;
}

grpc::ServerUnaryReactor* PersonaScoringService::ListSegmenters(
    grpc::CallbackServerContext* context, const persona::v1::ListSegmentersRequest*,
    persona::v1::ListSegmentersResponse* response) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::shared_ptr<const CatalogSnapshot> snapshot = catalog_->Current();
  if (!snapshot) {
    Finish(reactor, NoCatalog(), observer_, "ListSegmenters", start);
    return reactor;
  }
  response->set_catalog_version(snapshot->version);
  DescribeSegmenters(*snapshot, response->mutable_segmenters());
  Finish(reactor, grpc::Status::OK, observer_, "ListSegmenters", start);
  return reactor;
}

}  // namespace persona
