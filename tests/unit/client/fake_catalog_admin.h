// An in-process stand-in for one persona-server replica's CatalogAdmin (and ListPersonas), so
// the CLI's fleet steps and diff are tested against real gRPC calls without the server. Each
// instance listens on its own free loopback port.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/admin/target_expansion.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona::testing {

// Scores by the customer's attributes: attributes["live"] and attributes["candidate"] list
// "persona:score;persona:score" in answer order. A customer id starting with "reject" gets
// an INVALID_ARGUMENT record; after `fail_stream_after` answers the stream ends UNAVAILABLE.
class FakeCatalogAdmin final : public persona::v1::CatalogAdmin::Service,
                               public persona::v1::PersonaScoring::Service {
 public:
  FakeCatalogAdmin() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(static_cast<persona::v1::CatalogAdmin::Service*>(this));
    builder.RegisterService(static_cast<persona::v1::PersonaScoring::Service*>(this));
    server_ = builder.BuildAndStart();
  }
  ~FakeCatalogAdmin() override { server_->Shutdown(); }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  Replica replica() const { return Replica{address(), absl::StrCat("ipv4:", address()), ""}; }

  // What the fake does; set before the calls.
  bool fail_everything = false;  // every call UNAVAILABLE
  bool stage_ok = true;
  std::string staged_version;  // "" = nothing staged
  std::string live_version = "live-1";
  std::vector<std::string> live_personas = {"hemat", "sultan"};
  persona::v1::GetShadowReportResponse shadow;
  bool promote_ok = true;
  bool discard_fails = false;
  int fail_stream_after = -1;

  // What the fake saw (read after the calls).
  std::mutex mu;
  std::vector<persona::v1::StageCatalogRequest> stages;
  std::vector<std::string> promote_expectations;
  std::vector<std::string> rollback_targets;
  int discards = 0;
  int shadow_calls = 0;
  uint32_t last_examples = 0;
  std::vector<std::string> authorization;  // the header of every call

  grpc::Status StageCatalog(grpc::ServerContext* context,
                            const persona::v1::StageCatalogRequest* request,
                            persona::v1::StageCatalogResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    stages.push_back(*request);
    response->set_live_version(live_version);
    if (!stage_ok) {
      auto* problem = response->add_problems();
      problem->set_field("personas[x].criteria[0].weight");
      problem->set_message("must be > 0");
      return grpc::Status::OK;
    }
    response->set_replaced_candidate(!staged_version.empty());
    staged_version = "cand-1";
    response->set_staged(true);
    response->set_candidate_version(staged_version);
    response->set_personas(3);
    return grpc::Status::OK;
  }

  grpc::Status GetShadowReport(grpc::ServerContext* context,
                               const persona::v1::GetShadowReportRequest* request,
                               persona::v1::GetShadowReportResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    ++shadow_calls;
    last_examples = request->examples_per_change();
    *response = shadow;
    return grpc::Status::OK;
  }

  grpc::Status PromoteCatalog(grpc::ServerContext* context,
                              const persona::v1::PromoteCatalogRequest* request,
                              persona::v1::PromoteCatalogResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    promote_expectations.push_back(request->expected_candidate_version());
    if (!request->expected_candidate_version().empty() &&
        request->expected_candidate_version() != staged_version) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          absl::StrCat("the staged candidate is ", staged_version));
    }
    response->set_previous_version(live_version);
    response->set_promoted(promote_ok);
    if (promote_ok) live_version = staged_version;
    response->set_catalog_version(live_version);
    return grpc::Status::OK;
  }

  grpc::Status DiscardCatalog(grpc::ServerContext* context,
                              const persona::v1::DiscardCatalogRequest*,
                              persona::v1::DiscardCatalogResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    ++discards;
    if (discard_fails) return grpc::Status(grpc::StatusCode::INTERNAL, "discard broke");
    response->set_discarded(!staged_version.empty());
    response->set_candidate_version(staged_version);
    staged_version.clear();
    return grpc::Status::OK;
  }

  grpc::Status RollbackCatalog(grpc::ServerContext* context,
                               const persona::v1::RollbackCatalogRequest* request,
                               persona::v1::RollbackCatalogResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    rollback_targets.push_back(request->to_version());
    response->set_previous_version(live_version);
    live_version = request->to_version().empty() ? "live-0" : request->to_version();
    response->set_rolled_back(true);
    response->set_catalog_version(live_version);
    return grpc::Status::OK;
  }

  grpc::Status ListCatalogHistory(grpc::ServerContext* context,
                                  const persona::v1::ListCatalogHistoryRequest*,
                                  persona::v1::ListCatalogHistoryResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    auto* live = response->add_entries();
    live->set_catalog_version(live_version);
    live->mutable_applied_at()->set_seconds(1796083200);  // 2026-12-01T00:00:00Z
    live->set_how("file");
    live->set_actor("file");
    live->set_live(true);
    live->set_available(true);
    auto* older = response->add_entries();
    older->set_catalog_version("live-0");
    older->set_how("promote");
    older->set_actor("token:ab12");
    older->set_available(true);
    response->set_staged_version(staged_version);
    return grpc::Status::OK;
  }

  grpc::Status ListPersonas(grpc::ServerContext* context, const persona::v1::ListPersonasRequest*,
                            persona::v1::ListPersonasResponse* response) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& id : live_personas) response->add_personas()->set_id(id);
    response->set_catalog_version(live_version);
    return grpc::Status::OK;
  }

  grpc::Status CompareCandidate(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<persona::v1::CompareCandidateResponse,
                               persona::v1::ScoreCustomerRequest>* stream) override {
    if (grpc::Status status = Enter(context); !status.ok()) return status;
    std::string live, candidate;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (staged_version.empty()) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "nothing is staged");
      }
      live = live_version;
      candidate = staged_version;
    }
    persona::v1::ScoreCustomerRequest request;
    uint64_t index = 0;
    while (stream->Read(&request)) {
      if (fail_stream_after >= 0 && index == static_cast<uint64_t>(fail_stream_after)) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the replica went away");
      }
      persona::v1::CompareCandidateResponse response;
      response.set_index(index++);
      if (request.customer().customer_id().rfind("reject", 0) == 0) {
        response.set_error_code(grpc::StatusCode::INVALID_ARGUMENT);
        response.set_error_message("customer.demographics.age: must be 0..150");
      } else {
        Fill(request.customer(), "live", live, response.mutable_live());
        Fill(request.customer(), "candidate", candidate, response.mutable_candidate());
      }
      stream->Write(response);
    }
    return grpc::Status::OK;
  }

 private:
  grpc::Status Enter(grpc::ServerContext* context) {
    std::lock_guard<std::mutex> lock(mu);
    const auto& metadata = context->client_metadata();
    auto it = metadata.find("authorization");
    authorization.push_back(
        it == metadata.end() ? "" : std::string(it->second.data(), it->second.size()));
    if (fail_everything) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "replica is down");
    return grpc::Status::OK;
  }

  static void Fill(const persona::v1::Customer& customer, const std::string& side,
                   const std::string& version, persona::v1::ScoreCustomerResponse* out) {
    out->set_customer_id(customer.customer_id());
    out->set_catalog_version(version);
    auto it = customer.attributes().find(side);
    if (it == customer.attributes().end()) return;
    for (absl::string_view pair : absl::StrSplit(it->second, ';', absl::SkipEmpty())) {
      std::pair<std::string, std::string> parts = absl::StrSplit(pair, ':');
      auto* match = out->add_matches();
      match->set_persona_id(parts.first);
      double score = 0;
      (void)absl::SimpleAtod(parts.second, &score);
      match->set_score(score);
    }
  }

  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace persona::testing
