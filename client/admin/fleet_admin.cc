#include "client/admin/fleet_admin.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "catalog_comparison/catalog_comparison.h"
#include "client/persona_client.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {
namespace {

using Stub = persona::v1::CatalogAdmin::Stub;
// Makes one call on replica `index` and describes it.
using Step = std::function<ReplicaOutcome(size_t index, Stub& stub, grpc::ClientContext& context)>;

std::vector<ReplicaOutcome> OnEveryReplica(const std::vector<Replica>& replicas,
                                           const FleetCallOptions& options, const Step& step) {
  std::vector<ReplicaOutcome> outcomes(replicas.size());
  std::vector<std::thread> threads;
  threads.reserve(replicas.size());
  for (size_t i = 0; i < replicas.size(); ++i) {
    threads.emplace_back([&, i] {
      const Replica& replica = replicas[i];
      auto stub = persona::v1::CatalogAdmin::NewStub(
          MakeReplicaChannel(replica.channel_target, replica.host_name));
      grpc::ClientContext context;
      context.set_deadline(
          std::chrono::system_clock::now() +
          std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000)));
      if (!options.admin_token.empty()) {
        context.AddMetadata("authorization", absl::StrCat("Bearer ", options.admin_token));
      }
      outcomes[i] = step(i, *stub, context);
      outcomes[i].address = replica.address;
    });
  }
  for (std::thread& thread : threads) thread.join();
  return outcomes;
}

ReplicaOutcome Failed(const grpc::Status& status) {
  ReplicaOutcome outcome;
  outcome.summary = DescribeStatus(status);
  return outcome;
}

void AddProblems(const google::protobuf::RepeatedPtrField<persona::v1::CatalogProblem>& problems,
                 ReplicaOutcome* outcome) {
  for (const auto& problem : problems) {
    std::string where = problem.file();
    if (!problem.field().empty()) {
      absl::StrAppend(&where, where.empty() ? "" : ": ", problem.field());
    }
    outcome->details.push_back(absl::StrCat(where, where.empty() ? "" : ": ", problem.message()));
  }
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100.0); }

}  // namespace

std::vector<ReplicaOutcome> StageOnFleet(const std::vector<Replica>& replicas,
                                         const persona::v1::StageCatalogRequest& request,
                                         const FleetCallOptions& options) {
  return OnEveryReplica(
      replicas, options, [&request](size_t, Stub& stub, grpc::ClientContext& context) {
        persona::v1::StageCatalogResponse response;
        const grpc::Status status = stub.StageCatalog(&context, request, &response);
        if (!status.ok()) return Failed(status);
        ReplicaOutcome outcome;
        outcome.ok = response.staged();
        if (response.staged()) {
          outcome.summary = absl::StrCat(
              "staged ", response.candidate_version(), " (", response.personas(),
              " personas) beside live ", response.live_version(), ", sampling ",
              Percent(request.shadow_sample_rate()),
              response.replaced_candidate() ? "; replaced the previous candidate" : "");
        } else {
          outcome.summary = absl::StrCat("NOT staged (live stays ", response.live_version(),
                                         "): ", response.problems_size(), " problem(s)");
          AddProblems(response.problems(), &outcome);
        }
        return outcome;
      });
}

std::vector<ReplicaOutcome> PromoteOnFleet(const std::vector<Replica>& replicas,
                                           const persona::v1::PromoteCatalogRequest& request,
                                           const FleetCallOptions& options) {
  return OnEveryReplica(
      replicas, options, [&request](size_t, Stub& stub, grpc::ClientContext& context) {
        persona::v1::PromoteCatalogResponse response;
        const grpc::Status status = stub.PromoteCatalog(&context, request, &response);
        if (!status.ok()) return Failed(status);
        ReplicaOutcome outcome;
        outcome.ok = response.promoted();
        outcome.summary =
            response.promoted()
                ? absl::StrCat("promoted ", response.catalog_version(), " (was ",
                               response.previous_version(), ")")
                : absl::StrCat("NOT promoted: ", response.catalog_version(), " still serving");
        AddProblems(response.problems(), &outcome);
        return outcome;
      });
}

std::vector<ReplicaOutcome> DiscardOnFleet(const std::vector<Replica>& replicas,
                                           const FleetCallOptions& options) {
  return OnEveryReplica(replicas, options, [](size_t, Stub& stub, grpc::ClientContext& context) {
    persona::v1::DiscardCatalogResponse response;
    const grpc::Status status = stub.DiscardCatalog(&context, {}, &response);
    if (!status.ok()) return Failed(status);
    ReplicaOutcome outcome;
    outcome.ok = true;
    outcome.summary = response.discarded()
                          ? absl::StrCat("discarded ", response.candidate_version())
                          : std::string("nothing was staged");
    return outcome;
  });
}

std::vector<ReplicaOutcome> RollbackOnFleet(const std::vector<Replica>& replicas,
                                            const persona::v1::RollbackCatalogRequest& request,
                                            const FleetCallOptions& options) {
  return OnEveryReplica(
      replicas, options, [&request](size_t, Stub& stub, grpc::ClientContext& context) {
        persona::v1::RollbackCatalogResponse response;
        const grpc::Status status = stub.RollbackCatalog(&context, request, &response);
        if (!status.ok()) return Failed(status);
        ReplicaOutcome outcome;
        outcome.ok = response.rolled_back();
        outcome.summary =
            response.rolled_back()
                ? absl::StrCat("rolled back to ", response.catalog_version(), " (was ",
                               response.previous_version(), ")")
                : absl::StrCat("NOT rolled back: ", response.catalog_version(), " still serving");
        return outcome;
      });
}

std::vector<ReplicaOutcome> HistoryOfFleet(const std::vector<Replica>& replicas,
                                           const FleetCallOptions& options) {
  return OnEveryReplica(replicas, options, [](size_t, Stub& stub, grpc::ClientContext& context) {
    persona::v1::ListCatalogHistoryResponse response;
    const grpc::Status status = stub.ListCatalogHistory(&context, {}, &response);
    if (!status.ok()) return Failed(status);
    ReplicaOutcome outcome;
    outcome.ok = true;
    std::string live = "none";
    for (const auto& entry : response.entries()) {
      if (entry.live()) live = entry.catalog_version();
    }
    outcome.summary =
        absl::StrCat("live ", live, ", staged ",
                     response.staged_version().empty() ? "none" : response.staged_version());
    for (const auto& entry : response.entries()) {
      outcome.details.push_back(absl::StrFormat(
          "%s %-24s %s  %-8s by %s%s", entry.live() ? "*" : " ", entry.catalog_version(),
          Time(entry.applied_at()), entry.how(), entry.actor(),
          entry.live()        ? "  (live)"
          : entry.available() ? "  (rollback target)"
                              : ""));
    }
    return outcome;
  });
}

FleetShadow ShadowOfFleet(const std::vector<Replica>& replicas, uint32_t examples_per_change,
                          const FleetCallOptions& options) {
  persona::v1::GetShadowReportRequest request;
  request.set_examples_per_change(examples_per_change);
  std::vector<persona::v1::GetShadowReportResponse> reports(replicas.size());
  FleetShadow fleet;
  fleet.outcomes = OnEveryReplica(
      replicas, options,
      [&](size_t index, Stub& stub, grpc::ClientContext& context) -> ReplicaOutcome {
        persona::v1::GetShadowReportResponse& response = reports[index];
        const grpc::Status status = stub.GetShadowReport(&context, request, &response);
        if (!status.ok()) return Failed(status);
        ReplicaOutcome outcome;
        outcome.ok = response.staged();
        if (!response.staged()) {
          outcome.summary = absl::StrCat("nothing staged (live ", response.live_version(), ")");
          return outcome;
        }
        outcome.summary = absl::StrCat(
            "candidate ", response.candidate_version(), " beside live ", response.live_version(),
            ", sampling ", Percent(response.shadow_sample_rate()), ": ", response.compared(),
            " compared, ", response.dropped(), " dropped, ", response.failed(),
            " failed, top-1 agreement ", Percent(response.top1_agreement()));
        return outcome;
      });
  CatalogComparison merged(examples_per_change);
  for (size_t i = 0; i < reports.size(); ++i) {
    if (fleet.outcomes[i].ok) merged.Merge(reports[i]);
  }
  fleet.merged = merged.Report();
  return fleet;
}

int ReportOutcomes(const std::string& step, const std::vector<ReplicaOutcome>& outcomes,
                   std::ostream& out, std::ostream& err) {
  size_t width = 0;
  for (const ReplicaOutcome& outcome : outcomes) width = std::max(width, outcome.address.size());
  std::vector<std::string> failed;
  for (const ReplicaOutcome& outcome : outcomes) {
    out << absl::StrFormat("%-*s  %-6s  %s\n", static_cast<int>(width), outcome.address,
                           outcome.ok ? "ok" : "FAILED", outcome.summary);
    for (const std::string& detail : outcome.details) {
      out << std::string(width + 10, ' ') << detail << "\n";
    }
    if (!outcome.ok) failed.push_back(outcome.address);
  }
  out.flush();
  if (failed.empty()) return 0;
  err << "error: " << step << " failed on " << failed.size() << " of " << outcomes.size()
      << " replica" << (outcomes.size() == 1 ? "" : "s") << ": " << absl::StrJoin(failed, ", ")
      << "\n";
  return 1;
}

std::string FormatShadowReport(const persona::v1::GetShadowReportResponse& report) {
  std::string out;
  if (!report.staged()) return "nothing staged\n";
  absl::StrAppend(&out, "live ", report.live_version(), "  →  candidate ",
                  report.candidate_version(), "\n");
  absl::StrAppend(&out, "compared ", report.compared(), ", dropped ", report.dropped(), ", failed ",
                  report.failed(), ", top-1 agreement ", Percent(report.top1_agreement()), " (",
                  report.top1_agreements(), ")\n\n");
  size_t width = 7;  // "persona"
  for (const auto& row : report.personas()) width = std::max(width, row.persona_id().size());
  const int w = static_cast<int>(width);
  absl::StrAppend(
      &out, absl::StrFormat("%-*s %10s %10s %8s %8s %8s %8s %9s  %s\n", w, "persona", "live",
                            "candidate", "live%", "cand%", "entered", "left", "mean|Δ|", "note"));
  for (const auto& row : report.personas()) {
    absl::StrAppend(
        &out, absl::StrFormat("%-*s %10d %10d %8s %8s %8d %8d %9.3f  %s\n", w, row.persona_id(),
                              row.live_matches(), row.candidate_matches(),
                              Percent(row.live_match_rate()), Percent(row.candidate_match_rate()),
                              row.entered(), row.left(), row.mean_abs_score_change(),
                              row.only_live()        ? "removed by the candidate"
                              : row.only_candidate() ? "new in the candidate"
                                                     : ""));
  }
  bool heading = false;
  for (const auto& row : report.personas()) {
    if (row.entered_examples().empty() && row.left_examples().empty()) continue;
    if (!heading) absl::StrAppend(&out, "\nexamples (customer ids)\n");
    heading = true;
    if (!row.entered_examples().empty()) {
      absl::StrAppend(&out, "  ", row.persona_id(),
                      " entered: ", absl::StrJoin(row.entered_examples(), ", "), "\n");
    }
    if (!row.left_examples().empty()) {
      absl::StrAppend(&out, "  ", row.persona_id(),
                      " left: ", absl::StrJoin(row.left_examples(), ", "), "\n");
    }
  }
  return out;
}

}  // namespace persona
