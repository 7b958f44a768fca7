#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "client/admin/target_expansion.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {

// How each CatalogAdmin call is made.
struct FleetCallOptions {
  std::string admin_token;  // sent as "authorization: Bearer <token>" when not empty
  double timeout_seconds = 10;
};

// What one step did on one replica: a one-line summary and, below it, indented details
// (catalog problems, history entries).
struct ReplicaOutcome {
  std::string address;
  bool ok = false;
  std::string summary;
  std::vector<std::string> details;
};

// Every step calls all replicas at once (one thread each) and returns their outcomes in the
// replicas' order. A replica fails a step when the call fails or the server did not do it
// (not staged, not promoted, nothing to roll back to).
std::vector<ReplicaOutcome> StageOnFleet(const std::vector<Replica>& replicas,
                                         const persona::v1::StageCatalogRequest& request,
                                         const FleetCallOptions& options);
std::vector<ReplicaOutcome> PromoteOnFleet(const std::vector<Replica>& replicas,
                                           const persona::v1::PromoteCatalogRequest& request,
                                           const FleetCallOptions& options);
// Nothing staged is not a failure: there is nothing left to discard either way.
std::vector<ReplicaOutcome> DiscardOnFleet(const std::vector<Replica>& replicas,
                                           const FleetCallOptions& options);
std::vector<ReplicaOutcome> RollbackOnFleet(const std::vector<Replica>& replicas,
                                            const persona::v1::RollbackCatalogRequest& request,
                                            const FleetCallOptions& options);
std::vector<ReplicaOutcome> HistoryOfFleet(const std::vector<Replica>& replicas,
                                           const FleetCallOptions& options);

// Every replica's shadow report, and the reports of the replicas that answered with a staged
// candidate merged into one (lib/catalog_comparison). A replica with nothing staged fails
// the step: its silence would make the merged numbers look complete.
struct FleetShadow {
  std::vector<ReplicaOutcome> outcomes;
  persona::v1::GetShadowReportResponse merged;
};
FleetShadow ShadowOfFleet(const std::vector<Replica>& replicas, uint32_t examples_per_change,
                          const FleetCallOptions& options);

// Writes one line per replica ("  10.0.0.7:50051  ok      staged 2026-12-08.1 …") with its
// details to `out` and, when a replica failed, "error: <step> failed on 1 of 3 replicas:
// 10.0.0.8:50051" to `err`. Returns the exit code: 0 when every replica succeeded, else 1.
int ReportOutcomes(const std::string& step, const std::vector<ReplicaOutcome>& outcomes,
                   std::ostream& out, std::ostream& err);

// The merged shadow report as a readable table: header numbers, then one row per persona
// (live and candidate matches and rates, entered, left, mean |Δscore|, flags) and the
// example customer ids of each change.
std::string FormatShadowReport(const persona::v1::GetShadowReportResponse& report);

}  // namespace persona
