#include "client/admin/catalog_diff.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "catalog_comparison/catalog_comparison.h"
#include "client/persona_client.h"
#include "google/protobuf/util/json_util.h"
#include "persona/v1/catalog.pb.h"
#include "persona/v1/persona_service.grpc.pb.h"

namespace persona {
namespace {

class Calls {
 public:
  Calls(const Replica& replica, const FleetCallOptions& options)
      : options_(options),
        channel_(MakeReplicaChannel(replica.channel_target, replica.host_name)),
        admin_(persona::v1::CatalogAdmin::NewStub(channel_)),
        scoring_(persona::v1::PersonaScoring::NewStub(channel_)) {}

  // A context for one unary call: the deadline and the admin token.
  std::unique_ptr<grpc::ClientContext> Unary() const {
    auto context = Streaming();
    context->set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000)));
    return context;
  }
  // No deadline: a big customer file takes as long as it takes.
  std::unique_ptr<grpc::ClientContext> Streaming() const {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!options_.admin_token.empty()) {
      context->AddMetadata("authorization", absl::StrCat("Bearer ", options_.admin_token));
    }
    return context;
  }
  persona::v1::CatalogAdmin::Stub& admin() { return *admin_; }
  persona::v1::PersonaScoring::Stub& scoring() { return *scoring_; }

 private:
  const FleetCallOptions& options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<persona::v1::CatalogAdmin::Stub> admin_;
  std::unique_ptr<persona::v1::PersonaScoring::Stub> scoring_;
};

DiffRun Refused(std::string error) {
  DiffRun run;
  run.exit_code = 1;
  run.error = std::move(error);
  return run;
}

// The candidate's persona ids from its text, for the only_live / only_candidate flags;
// nothing when the text is not a readable catalog (the server says why when staging).
std::optional<std::vector<std::string>> CandidatePersonaIds(const std::string& catalog_json) {
  persona::v1::PersonaCatalog catalog;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(catalog_json, &catalog, options).ok()) {
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const auto& persona : catalog.personas()) ids.push_back(persona.id());
  return ids;
}

// Sent records not yet answered, so an answer's rejection can name its line and customer.
class InFlight {
 public:
  void Sent(std::string where) {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back(std::move(where));
  }
  std::string Answered() {
    std::lock_guard<std::mutex> lock(mu_);
    if (sent_.empty()) return "an unknown record";
    std::string where = std::move(sent_.front());
    sent_.pop_front();
    return where;
  }

 private:
  std::mutex mu_;
  std::deque<std::string> sent_;
};

// Unreadable records, counted by the thread that reads the file.
struct LocalRejections {
  std::mutex mu;
  uint64_t count = 0;
  std::vector<std::string> listed;
};

void Reject(std::string what, std::vector<std::string>* listed) {
  if (listed->size() < DiffRun::kMaxRejectionsListed) listed->push_back(std::move(what));
}

// Streams the file through CompareCandidate into `run`.
void Compare(Calls& calls, const DiffOptions& options, CustomerReader& reader,
             const std::vector<std::string>& live_ids,
             const std::optional<std::vector<std::string>>& candidate_ids, DiffRun* run) {
  CatalogComparison comparison(options.examples_per_change);
  if (candidate_ids) comparison.SetCatalogs(live_ids, *candidate_ids);
  DiffChartBuilder charts;
  InFlight in_flight;
  LocalRejections local;
  std::unique_ptr<grpc::ClientContext> context = calls.Streaming();
  auto stream = calls.admin().CompareCandidate(context.get());
  uint64_t records = 0;
  std::thread writer([&] {
    persona::v1::ScoreCustomerRequest request;
    CustomerRecord where;
    while (reader.Next(request.mutable_customer(), &where)) {
      ++records;
      const std::string place = absl::StrCat(
          reader.Where(where), " (",
          where.customer_id.empty() ? request.customer().customer_id() : where.customer_id, ")");
      if (!where.status.ok()) {
        std::lock_guard<std::mutex> lock(local.mu);
        ++local.count;
        Reject(absl::StrCat(place, ": PARSE_ERROR: ", where.status.message()), &local.listed);
        continue;
      }
      request.set_top_k(0);  // every match: rates and flows need them all
      if (options.as_of_unix_seconds) {
        request.mutable_as_of()->set_seconds(*options.as_of_unix_seconds);
      }
      in_flight.Sent(place);
      if (!stream->Write(request)) break;  // the stream ended: Finish says why
    }
    stream->WritesDone();
  });
  persona::v1::CompareCandidateResponse response;
  uint64_t server_rejected = 0;
  std::vector<std::string> server_listed;
  while (stream->Read(&response)) {
    const std::string place = in_flight.Answered();
    if (response.error_code() != 0) {
      ++server_rejected;
      Reject(absl::StrCat(place, ": ", StatusCodeName(response.error_code()), ": ",
                          response.error_message()),
             &server_listed);
      continue;
    }
    comparison.Add(response.live().customer_id(), response.live(), response.candidate());
    charts.Add(response.live(), response.candidate());
  }
  writer.join();
  const grpc::Status status = stream->Finish();
  comparison.CountFailed(server_rejected);
  run->report = comparison.Report();
  run->charts = charts.Build();
  run->records = records;
  run->compared = comparison.compared();
  run->rejected = local.count + server_rejected;
  run->rejections = std::move(local.listed);
  for (std::string& line : server_listed) Reject(std::move(line), &run->rejections);
  if (!status.ok()) {
    run->exit_code = 1;
    run->error = absl::StrCat("the CompareCandidate stream failed after ", run->compared, " of ",
                              records, " records: ", DescribeStatus(status));
  } else if (run->rejected > 0) {
    run->exit_code = 1;
    run->error = absl::StrCat(run->rejected, " of ", records, " records were not compared");
  }
}

}  // namespace

DiffRun RunDiff(const Replica& replica, const DiffOptions& options,
                const FleetCallOptions& call_options, std::ostream& log) {
  absl::StatusOr<std::unique_ptr<CustomerReader>> reader =
      CustomerReader::Open(options.input, options.format);
  if (!reader.ok()) {
    DiffRun run;
    run.exit_code = 2;
    run.error = std::string(reader.status().message());
    return run;
  }
  Calls calls(replica, call_options);

  persona::v1::ListCatalogHistoryResponse history;
  if (grpc::Status status = calls.admin().ListCatalogHistory(calls.Unary().get(), {}, &history);
      !status.ok()) {
    return Refused(absl::StrCat(replica.address, ": ", DescribeStatus(status)));
  }
  if (!history.staged_version().empty() && !options.replace) {
    return Refused(absl::StrCat(
        replica.address, " already stages candidate ", history.staged_version(),
        " (someone may be reviewing it): discard it first (persona-cli discard) or pass "
        "--replace to drop it for this diff"));
  }
  persona::v1::ListPersonasResponse live;
  if (grpc::Status status = calls.scoring().ListPersonas(calls.Unary().get(), {}, &live);
      !status.ok()) {
    return Refused(absl::StrCat(replica.address, ": ", DescribeStatus(status)));
  }
  std::vector<std::string> live_ids;
  for (const auto& persona : live.personas()) live_ids.push_back(persona.id());

  persona::v1::StageCatalogRequest stage;
  stage.set_catalog_json(options.catalog_json);
  stage.set_shadow_sample_rate(0);
  persona::v1::StageCatalogResponse staged;
  if (grpc::Status status = calls.admin().StageCatalog(calls.Unary().get(), stage, &staged);
      !status.ok()) {
    return Refused(absl::StrCat(replica.address, ": stage: ", DescribeStatus(status)));
  }
  if (!staged.staged()) {
    std::string error = absl::StrCat(replica.address, ": the candidate was not staged:");
    for (const auto& problem : staged.problems()) {
      absl::StrAppend(&error, "\n  ", problem.file(), problem.file().empty() ? "" : ": ",
                      problem.field(), problem.field().empty() ? "" : ": ", problem.message());
    }
    return Refused(std::move(error));
  }
  const absl::Time staged_at = absl::Now();
  log << replica.address << ": staged " << staged.candidate_version() << " beside live "
      << staged.live_version() << (staged.replaced_candidate() ? " (replaced a candidate)" : "")
      << "\n";

  DiffRun run;
  Compare(calls, options, **reader, live_ids, CandidatePersonaIds(options.catalog_json), &run);
  run.report.set_staged(true);
  run.report.set_shadow_sample_rate(0);
  run.report.mutable_staged_at()->set_seconds(absl::ToUnixSeconds(staged_at));
  if (run.report.live_version().empty()) run.report.set_live_version(staged.live_version());
  if (run.report.candidate_version().empty()) {
    run.report.set_candidate_version(staged.candidate_version());
  }

  // Always, whatever happened above: a forgotten candidate would hold memory and block the
  // next stage.
  persona::v1::DiscardCatalogResponse discarded;
  grpc::Status status = calls.admin().DiscardCatalog(calls.Unary().get(), {}, &discarded);
  if (!status.ok()) {
    run.exit_code = 1;
    absl::StrAppend(
        &run.error, run.error.empty() ? "" : "; ", replica.address,
        ": the candidate could not be discarded (persona-cli discard): ", DescribeStatus(status));
  } else {
    log << replica.address << ": discarded " << discarded.candidate_version() << "\n";
  }
  return run;
}

}  // namespace persona
