#include "service/grpc/shadow_scorer.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "service/grpc/score_handler.h"
#include "service/grpc/shadow_sampler.h"

namespace persona {
namespace {

std::vector<std::string> PersonaIdsOf(const CatalogSnapshot& snapshot) {
  std::vector<std::string> ids;
  ids.reserve(snapshot.personas.size());
  for (const CompiledPersona& persona : snapshot.personas) ids.push_back(persona.id);
  return ids;
}

bool SameTop1(const persona::v1::ScoreCustomerResponse& a,
              const persona::v1::ScoreCustomerResponse& b) {
  if (a.matches().empty() || b.matches().empty()) return a.matches().empty() == b.matches().empty();
  return a.matches(0).persona_id() == b.matches(0).persona_id();
}

void TrimExamples(google::protobuf::RepeatedPtrField<std::string>* examples, int keep) {
  if (examples->size() > keep) examples->DeleteSubrange(keep, examples->size() - keep);
}

}  // namespace

ShadowScorer::ShadowScorer(const ServingCatalog* serving, const StagedCatalog* staged,
                           RequestLimits limits, ShadowObserver* observer, size_t queue_capacity)
    : serving_(serving),
      staged_(staged),
      limits_(limits),
      observer_(observer),
      queue_(queue_capacity) {
  worker_ = std::thread([this] { Run(); });
}

ShadowScorer::~ShadowScorer() {
  // Samples still queued are not scored: shutting down must not wait on a slow candidate.
  stopping_.store(true, std::memory_order_relaxed);
  queue_.Close();
  worker_.join();
}

void ShadowScorer::OfferSampled(uint64_t threshold,
                                const persona::v1::ScoreCustomerRequest& request,
                                const persona::v1::ScoreCustomerResponse& live) {
  if (!ShadowSampler::ForThisThread().Sample(threshold)) return;
  auto job = std::make_unique<Job>();
  job->request = request;
  job->live = live;
  if (!queue_.TryPush(std::move(job))) {
    epoch_dropped_.fetch_add(1, std::memory_order_relaxed);
    if (observer_ != nullptr) observer_->OnShadowDropped();
  }
}

void ShadowScorer::Run() {
  // The shadow thread runs only when a core is otherwise idle (Linux SCHED_IDLE, which needs no
  // privilege): under load, live calls get the CPU and the queue fills and drops instead of
  // the shadow work adding to their latency. If the policy cannot be set, it runs as normal.
  sched_param param{};
  param.sched_priority = 0;
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
  while (std::optional<std::unique_ptr<Job>> job = queue_.Pop()) {
    if (stopping_.load(std::memory_order_relaxed)) continue;
    Compare(**job);
  }
}

void ShadowScorer::ResetLocked(const StagedCandidate& candidate, const std::string& live_version) {
  epoch_.candidate = &candidate;
  epoch_.live_version = live_version;
  epoch_.comparison = std::make_unique<CatalogComparison>(kMaxExamples);
  epoch_dropped_.store(0, std::memory_order_relaxed);
  // Every persona of both catalogs gets a row; those in one only are flagged. The live
  // catalog the answers came from is normally the serving one; if a reload raced the sample,
  // rows come from the answers alone until the next epoch.
  const std::shared_ptr<const CatalogSnapshot> live = serving_->Current();
  if (live && live->version == live_version) {
    epoch_.comparison->SetCatalogs(PersonaIdsOf(*live), PersonaIdsOf(*candidate.snapshot));
  }
}

void ShadowScorer::Compare(Job& job) {
  // Held for the whole comparison, so a candidate replaced meanwhile stays alive (and with it
  // the plugins its answer came from).
  const std::shared_ptr<const StagedCandidate> candidate = staged_->Current();
  if (!candidate) return;  // discarded or promoted since the sample was taken
  {
    // The epoch starts before the (possibly slow) candidate scores, so drops while it does
    // are counted in it.
    absl::MutexLock lock(&report_mutex_);
    if (epoch_.candidate != candidate.get() || epoch_.live_version != job.live.catalog_version()) {
      ResetLocked(*candidate, job.live.catalog_version());
    }
  }
  // Every match on both sides; explanations are not compared.
  const bool cut_by_top_k = job.request.top_k() != 0;
  job.request.set_top_k(0);
  job.request.set_explain(false);
  if (cut_by_top_k) {
    const std::shared_ptr<const CatalogSnapshot> live = serving_->Current();
    // Live changed since the sample: this epoch is over (the next sample starts a new one).
    if (!live || live->version != job.live.catalog_version()) return;
    persona::v1::ScoreCustomerResponse all;
    if (!ScoreOneCustomer(*live, job.request, limits_, &all).ok()) return;
    job.live = std::move(all);
  }
  persona::v1::ScoreCustomerResponse shadow;
  // The same code as a live call; no stats and no fault log: a candidate's faults must not
  // show up as the live segmenters'.
  const grpc::Status status = ScoreOneCustomer(*candidate->snapshot, job.request, limits_, &shadow);
  absl::MutexLock lock(&report_mutex_);
  // A newer candidate or live catalog took over while this one scored: not its comparison.
  if (epoch_.candidate != candidate.get() || epoch_.live_version != job.live.catalog_version()) {
    return;
  }
  if (!status.ok()) {
    epoch_.comparison->CountFailed();
    if (observer_ != nullptr) observer_->OnShadowFailed();
    return;
  }
  epoch_.comparison->Add(job.request.customer().customer_id(), job.live, shadow);
  if (observer_ != nullptr) observer_->OnShadowCompared(SameTop1(job.live, shadow));
}

persona::v1::GetShadowReportResponse ShadowScorer::Report(uint32_t examples_per_change) const {
  const int keep = static_cast<int>(examples_per_change == 0
                                        ? CatalogComparison::kDefaultExamples
                                        : std::min<size_t>(examples_per_change, kMaxExamples));
  const std::shared_ptr<const StagedCandidate> candidate = staged_->Current();
  const std::shared_ptr<const CatalogSnapshot> live = serving_->Current();
  persona::v1::GetShadowReportResponse report;
  bool current_epoch = false;
  {
    absl::MutexLock lock(&report_mutex_);
    // Only the comparison of this candidate against the catalog live now: after a reload the
    // old one is history, and a new one starts with the next sample.
    current_epoch = candidate && epoch_.candidate == candidate.get() && epoch_.comparison && live &&
                    epoch_.live_version == live->version;
    if (current_epoch) report = epoch_.comparison->Report();
  }
  if (!candidate) return report;  // staged = false, nothing to compare
  report.set_staged(true);
  if (live) report.set_live_version(live->version);
  report.set_candidate_version(candidate->snapshot->version);
  report.set_shadow_sample_rate(candidate->shadow_sample_rate);
  const int64_t nanos = absl::ToUnixNanos(candidate->staged_at);
  report.mutable_staged_at()->set_seconds(nanos / 1000000000);
  report.mutable_staged_at()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  if (current_epoch) {
    report.set_dropped(report.dropped() + epoch_dropped_.load(std::memory_order_relaxed));
  }
  for (persona::v1::PersonaShadowRow& row : *report.mutable_personas()) {
    TrimExamples(row.mutable_entered_examples(), keep);
    TrimExamples(row.mutable_left_examples(), keep);
  }
  return report;
}

}  // namespace persona
