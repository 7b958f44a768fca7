// CatalogReloader's safe-change half: stage, promote, discard, roll back. Every step runs on
// the loader thread under reload_mutex_, so it is ordered with reloads.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/catalog/catalog_reloader.h"

namespace persona {
namespace {

namespace fs = std::filesystem;

// `relative` resolved inside `folder`, or why not. Nothing outside the folder is read:
// absolute paths and `..` are refused outright, and what symlinks resolve to must stay inside.
absl::StatusOr<std::string> ResolveInside(const std::string& folder, const std::string& relative) {
  if (relative.empty()) {
    return absl::InvalidArgumentError(
        "catalog_path: empty; name a file or directory inside "
        "the server's catalog folder");
  }
  const fs::path path(relative);
  if (path.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog_path: \"", relative,
                     "\" is absolute; give a path relative to the catalog folder"));
  }
  for (const fs::path& part : path) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("catalog_path: \"", relative,
                       "\" contains \"..\"; only paths inside the catalog "
                       "folder can be staged"));
    }
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::path(folder), ec);
  const fs::path resolved = fs::weakly_canonical(fs::path(folder) / path, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog_path: \"", relative, "\": ", ec.message()));
  }
  const auto mismatch = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  if (mismatch.first != root.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "catalog_path: \"", relative, "\" resolves outside the catalog folder (a symlink)"));
  }
  return resolved.string();
}

std::string VersionOf(const ServingCatalog& serving) {
  const std::shared_ptr<const CatalogSnapshot> current = serving.Current();
  return current ? current->version : std::string();
}

}  // namespace

void CatalogReloader::PostStage(StageRequest request, ChangeDone done) {
  Post([this, request = std::move(request), done = std::move(done)] { done(StageNow(request)); });
}

void CatalogReloader::PostPromote(std::string expected_candidate_version, std::string actor,
                                  ChangeDone done) {
  Post([this, expected = std::move(expected_candidate_version), actor = std::move(actor),
        done = std::move(done)] { done(PromoteNow(expected, actor)); });
}

void CatalogReloader::PostDiscard(std::string, ChangeDone done) {
  Post([this, done = std::move(done)] { done(DiscardNow()); });
}

void CatalogReloader::PostRollback(std::string to_version, std::string actor, ChangeDone done) {
  Post([this, to_version = std::move(to_version), actor = std::move(actor),
        done = std::move(done)] { done(RollbackNow(to_version, actor)); });
}

void CatalogReloader::NotifyStagedLocked() {
  if (!staged_listener_) return;
  const std::shared_ptr<const StagedCandidate> current = staged_.Current();
  staged_listener_(current.get());
}

CatalogChange CatalogReloader::StageNow(const StageRequest& request) {
  CatalogChange change;
  change.version_before = change.version_after = VersionOf(*serving_);
  const double rate = request.shadow_sample_rate;
  if (!std::isfinite(rate) || rate < 0 || rate > 1) {
    change.status = absl::InvalidArgumentError(
        absl::StrCat("shadow_sample_rate: ", rate, " is not between 0 and 1"));
    return change;
  }
  CatalogSource source;
  if (request.from_json) {
    if (!ParseCatalogJson(request.catalog_json, "<request>", &source, &change.problems)) {
      return change;
    }
  } else {
    absl::StatusOr<std::string> path = ResolveInside(catalog_folder_, request.catalog_path);
    if (!path.ok()) {
      change.status = path.status();
      return change;
    }
    if (!ReadCatalogPath(*path, &source, &change.problems)) return change;
  }
  // Exactly what a reload builds: same loader, same validation, same plugin store.
  CatalogLoadResult result = BuildCatalogSnapshot(source, options_);
  if (!result.ok()) {
    change.problems = std::move(result.problems);
    return change;
  }
  auto candidate = std::make_shared<StagedCandidate>();
  candidate->snapshot = std::move(result.snapshot);
  candidate->shadow_sample_rate = rate;
  candidate->staged_at = absl::Now();
  candidate->actor = request.actor;
  change.changed = true;
  change.candidate_version = candidate->snapshot->version;
  change.personas = static_cast<uint32_t>(candidate->snapshot->personas.size());
  std::shared_ptr<const StagedCandidate> replaced;
  {
    std::lock_guard<std::mutex> lock(reload_mutex_);
    replaced = staged_.Stage(std::move(candidate));
    NotifyStagedLocked();
  }
  change.replaced_candidate = replaced != nullptr;
  return change;  // `replaced` (and any plugin only it held) is released on this thread
}

CatalogChange CatalogReloader::PromoteNow(const std::string& expected_version,
                                          const std::string& actor) {
  std::shared_ptr<const StagedCandidate> promoted;
  CatalogChange change;
  std::lock_guard<std::mutex> lock(reload_mutex_);
  change.version_before = change.version_after = VersionOf(*serving_);
  const std::shared_ptr<const StagedCandidate> staged = staged_.Current();
  if (!staged) {
    change.status = absl::FailedPreconditionError("nothing is staged: StageCatalog first");
    return change;
  }
  change.candidate_version = staged->snapshot->version;
  if (!expected_version.empty() && expected_version != staged->snapshot->version) {
    change.status = absl::FailedPreconditionError(
        absl::StrCat("expected_candidate_version: \"", expected_version,
                     "\" is not the staged candidate (\"", staged->snapshot->version, "\")"));
    return change;
  }
  promoted = staged_.Take();
  NotifyStagedLocked();
  const ReloadOutcome outcome = PublishLocked(promoted->snapshot, "promote", actor);
  change.changed = true;
  change.version_after = outcome.version;
  return change;
}

CatalogChange CatalogReloader::DiscardNow() {
  std::shared_ptr<const StagedCandidate> discarded;
  CatalogChange change;
  {
    std::lock_guard<std::mutex> lock(reload_mutex_);
    change.version_before = change.version_after = VersionOf(*serving_);
    discarded = staged_.Take();
    if (discarded) NotifyStagedLocked();
  }
  change.changed = discarded != nullptr;
  if (discarded) change.candidate_version = discarded->snapshot->version;
  return change;  // the candidate's snapshot (and plugins only it held) go here
}

CatalogChange CatalogReloader::RollbackNow(const std::string& to_version,
                                           const std::string& actor) {
  CatalogChange change;
  std::lock_guard<std::mutex> lock(reload_mutex_);
  change.version_before = change.version_after = VersionOf(*serving_);
  if (const std::shared_ptr<const StagedCandidate> staged = staged_.Current()) {
    change.candidate_version = staged->snapshot->version;
  }
  std::shared_ptr<const CatalogSnapshot> target = history_.FindRollbackTarget(to_version);
  if (!target) {
    change.status =
        to_version.empty()
            ? absl::FailedPreconditionError("no earlier live catalog is kept to roll back to")
            : absl::NotFoundError(
                  absl::StrCat("to_version: no kept catalog \"", to_version,
                               "\" (ListCatalogHistory shows which are available)"));
    return change;
  }
  const ReloadOutcome outcome = PublishLocked(std::move(target), "rollback", actor);
  change.changed = true;
  change.version_after = outcome.version;
  return change;
}

}  // namespace persona
