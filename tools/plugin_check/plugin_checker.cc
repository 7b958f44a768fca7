#include "tools/plugin_check/plugin_checker.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "service/catalog/catalog_source.h"
#include "service/plugin_host/config_value_tree.h"
#include "service/plugin_host/plugin_library.h"
#include "service/plugin_host/plugin_segmenter.h"
#include "service/plugin_host/plugin_store.h"
#include "tools/plugin_check/allocation_counter.h"
#include "tools/plugin_check/elf_exports.h"

namespace persona {
namespace plugin_check {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::atomic<const char*> g_current_check{"startup"};
std::atomic<int> g_capture_fd{-1};
// The plugin store's private directory and the copies in it, as plain buffers a signal
// handler may read.
char g_private_dir[1024];
char g_private_files[4][1024];

void RecordPrivateCopies(const std::string& dir) {
  std::snprintf(g_private_dir, sizeof(g_private_dir), "%s", dir.c_str());
  std::error_code ec;
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (n == std::size(g_private_files)) break;
    std::snprintf(g_private_files[n++], sizeof(g_private_files[0]), "%s", entry.path().c_str());
  }
}

// A key no plugin documents: any plugin that accepts it ignores unknown keys, and a typo in
// a catalog would silently disable a rule.
constexpr char kUnknownKey[] = "persona_plugin_check_unknown_key";
// Fixed reference time, so two runs of the tool see the same recency.
constexpr int64_t kAsOf = 1795305600;  // 2026-11-22T00:00:00Z
constexpr size_t kErrorCapacity = 1024;
// What the tool writes into the score array before a call: a plugin that leaves it there did
// not write that score.
constexpr double kUnwritten = -7.25;

absl::string_view ViewOf(PersonaString s) {
  return s.size == 0 || s.data == nullptr ? absl::string_view() : absl::string_view(s.data, s.size);
}

// The catalog schema's rule for segmenter names, which a plugin's default name must meet.
bool IsValidSegmenterName(absl::string_view name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// MAJOR.MINOR.PATCH with an optional -prerelease or +build suffix.
bool IsSemanticVersion(absl::string_view version) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    const size_t start = i;
    while (i < version.size() && version[i] >= '0' && version[i] <= '9') ++i;
    if (i == start) return false;
    if (part < 2) {
      if (i >= version.size() || version[i] != '.') return false;
      ++i;
    }
  }
  if (i == version.size()) return true;
  if (version[i] != '-' && version[i] != '+') return false;
  if (i + 1 == version.size()) return false;
  return std::all_of(version.begin() + static_cast<std::ptrdiff_t>(i) + 1, version.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                              (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+';
                     });
}

absl::StatusOr<Value> ParseJson(const std::string& text, const std::string& what) {
  Value value;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &value);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not valid JSON: ", std::string(status.message())));
  }
  return value;
}

absl::StatusOr<Value> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseJson(text.str(), path);
}

std::string ToJson(const Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

std::string Shorten(std::string text, size_t max = 160) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

class Reporter {
 public:
  explicit Reporter(std::FILE* out) : out_(out) {}

  void Begin(const char* check) { g_current_check.store(check); }
  void Pass(const char* check, const std::string& message) { Line("PASS", check, message); }
  void Fail(const char* check, const std::string& message) {
    ++failures_;
    Line("FAIL", check, message);
  }
  void Skip(const char* check, const std::string& message) { Line("SKIP", check, message); }
  // An indented line under the last check: the evidence behind a verdict.
  void Note(const std::string& message) {
    std::fprintf(out_, "      %s\n", message.c_str());
    std::fflush(out_);
  }
  void Raw(const std::string& message) {
    std::fprintf(out_, "%s\n", message.c_str());
    std::fflush(out_);
  }
  int failures() const { return failures_; }
  int checks() const { return checks_; }

 private:
  void Line(const char* verdict, const char* check, const std::string& message) {
    ++checks_;
    std::fprintf(out_, "%-4s  %-12s %s\n", verdict, check, message.c_str());
    std::fflush(out_);
  }

  std::FILE* out_;
  int failures_ = 0;
  int checks_ = 0;
};

// ---------------------------------------------------------------------------------------
// Score calls, recorded through a sink that also checks how the plugin uses it.

struct CallRecord {
  bool ok = false;
  std::string error;
  std::vector<PersonaCriterionScore> scores;
  std::vector<std::pair<std::string, std::string>> labels;
  size_t details = 0;
  std::string sink_violation;  // the first misuse of the sink in this call
  uint64_t allocations = 0;
};

struct SinkState {
  bool explain;
  size_t count;
  CallRecord* record;
};

void Violation(CallRecord* record, std::string text) {
  if (record->sink_violation.empty()) record->sink_violation = std::move(text);
}

bool BadString(PersonaString s) { return s.size > 0 && s.data == nullptr; }

void OnLabel(void* context, PersonaString key, PersonaString value) {
  AllocationPause pause;  // recording is the tool's allocation, not the plugin's
  auto* state = static_cast<SinkState*>(context);
  CallRecord* record = state->record;
  if (BadString(key) || BadString(value)) {
    Violation(record, "add_label with a NULL string of non-zero size");
    return;
  }
  std::string k(ViewOf(key));
  std::string v(ViewOf(value));
  if (v.empty()) Violation(record, absl::StrCat("add_label(\"", k, "\") with an empty value"));
  for (const auto& label : record->labels) {
    if (label.first == k) {
      Violation(record, absl::StrCat("add_label called twice for key \"", k,
                                     "\" in one call (one value per key)"));
    }
  }
  record->labels.emplace_back(std::move(k), std::move(v));
}

void OnDetail(void* context, size_t index, PersonaString field, double affinity, int32_t missing,
              PersonaString reason) {
  AllocationPause pause;
  auto* state = static_cast<SinkState*>(context);
  CallRecord* record = state->record;
  ++record->details;
  if (!state->explain) {
    Violation(record,
              "add_detail called with explain off (build explanations only when "
              "sink->explain is set: nobody reads them and the hot path pays)");
  } else if (index >= state->count) {
    Violation(record, absl::StrCat("add_detail for criterion index ", index, " of a call with ",
                                   state->count, " criteria"));
  } else if (BadString(field) || BadString(reason)) {
    Violation(record, "add_detail with a NULL string of non-zero size");
  } else if (field.size == 0) {
    Violation(record, "add_detail with an empty field name");
  } else if (missing == 0 && !(std::isfinite(affinity) && affinity >= 0.0 && affinity <= 1.0)) {
    Violation(record, absl::StrCat("add_detail(\"", ViewOf(field), "\") with affinity ", affinity,
                                   " (must be finite and in [0,1] unless missing)"));
  }
}

void ScoreOnce(const PluginSegmenter& segmenter, const PersonaCustomer& customer,
               const std::vector<const PersonaCompiledCriterion*>& criteria, bool explain,
               bool count_allocations, CallRecord* record) {
  record->scores.assign(criteria.size(), PersonaCriterionScore{kUnwritten, kUnwritten});
  record->labels.clear();
  record->labels.reserve(8);
  record->details = 0;
  record->sink_violation.clear();
  record->error.clear();
  record->allocations = 0;
  SinkState state{explain, criteria.size(), record};
  const PersonaScoreSink sink{sizeof(PersonaScoreSink), &state, explain ? 1 : 0, &OnLabel,
                              &OnDetail};
  const PersonaScoreRequest request{sizeof(PersonaScoreRequest), kAsOf, &sink};
  // Never hand the plugin NULL arrays, even for zero criteria.
  static const PersonaCompiledCriterion* const kNoCriteria[1] = {nullptr};
  PersonaCriterionScore no_scores[1];
  char buffer[kErrorCapacity];
  buffer[0] = '\0';
  PersonaErrorBuffer error{buffer, sizeof(buffer)};
  bool ok = false;
  bool threw = false;
  if (count_allocations) AllocationCounter::Start();
  try {
    ok =
        segmenter.Score(customer, criteria.empty() ? kNoCriteria : criteria.data(), criteria.size(),
                        request, criteria.empty() ? no_scores : record->scores.data(), &error);
  } catch (...) {
    threw = true;
  }
  if (count_allocations) record->allocations = AllocationCounter::Stop();
  record->ok = ok && !threw;
  if (threw) {
    record->error = "an exception escaped score() (score must never throw)";
  } else if (!ok) {
    const size_t length = strnlen(buffer, sizeof(buffer));
    record->error = length > 0 ? std::string(buffer, length) : "score() failed without a reason";
  }
}

// Why this call's numbers break the contract, or "".
std::string ScoreProblem(const CallRecord& record) {
  for (size_t i = 0; i < record.scores.size(); ++i) {
    const PersonaCriterionScore& s = record.scores[i];
    if (s.affinity == kUnwritten && s.coverage == kUnwritten) {
      return absl::StrCat("scores[", i, "] was not written");
    }
    if (!std::isfinite(s.affinity) || s.affinity < 0.0 || s.affinity > 1.0) {
      return absl::StrCat("scores[", i, "].affinity is ", s.affinity,
                          " (must be finite and in [0,1])");
    }
    if (!std::isfinite(s.coverage) || s.coverage < 0.0 || s.coverage > 1.0) {
      return absl::StrCat("scores[", i, "].coverage is ", s.coverage,
                          " (must be finite and in [0,1])");
    }
  }
  return "";
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// Bitwise: determinism means the very same doubles, not nearly the same. An affinity with
// coverage 0 is ignored by the server, so it may be anything.
bool SameNumbers(const CallRecord& a, const CallRecord& b) {
  if (a.ok != b.ok || a.scores.size() != b.scores.size()) return false;
  if (!a.ok) return true;
  for (size_t i = 0; i < a.scores.size(); ++i) {
    const PersonaCriterionScore& x = a.scores[i];
    const PersonaCriterionScore& y = b.scores[i];
    if (!SameBits(x.coverage, y.coverage)) return false;
    if (x.coverage != 0.0 && !SameBits(x.affinity, y.affinity)) return false;
  }
  return true;
}

bool SameResult(const CallRecord& a, const CallRecord& b) {
  return SameNumbers(a, b) && a.labels == b.labels;
}

std::string Describe(const CallRecord& record) {
  if (!record.ok) return absl::StrCat("error \"", Shorten(record.error, 80), "\"");
  std::vector<std::string> parts;
  for (const PersonaCriterionScore& s : record.scores) {
    parts.push_back(absl::StrCat("(", s.affinity, ", ", s.coverage, ")"));
    if (parts.size() == 3) break;
  }
  std::string labels;
  for (const auto& [k, v] : record.labels) {
    absl::StrAppend(&labels, labels.empty() ? "" : ", ", k.empty() ? "" : k + "=", v);
  }
  return absl::StrCat("scores ", absl::StrJoin(parts, " "), record.scores.size() > 3 ? " ..." : "",
                      " labels [", labels, "]");
}

// Redirects stdout and stderr to a temporary file: whatever a plugin prints while scoring
// would land in the server's log, once per request.
class OutputCapture {
 public:
  void Start() {
    std::fflush(stdout);
    std::fflush(stderr);
    file_ = std::tmpfile();
    if (file_ == nullptr) return;
    saved_out_ = dup(STDOUT_FILENO);
    saved_err_ = dup(STDERR_FILENO);
    dup2(fileno(file_), STDOUT_FILENO);
    dup2(fileno(file_), STDERR_FILENO);
    g_capture_fd.store(fileno(file_));
  }
  // Restores the streams; returns how much was written and its first `max_bytes`.
  std::pair<size_t, std::string> Stop(size_t max_bytes = 120) {
    if (file_ == nullptr) return {0, ""};
    std::fflush(stdout);
    std::fflush(stderr);
    g_capture_fd.store(-1);
    dup2(saved_out_, STDOUT_FILENO);
    dup2(saved_err_, STDERR_FILENO);
    close(saved_out_);
    close(saved_err_);
    // The redirected descriptors share the file's offset: its end is what was written.
    const off_t size = std::max<off_t>(lseek(fileno(file_), 0, SEEK_END), 0);
    std::string head(std::min(static_cast<size_t>(size), max_bytes), '\0');
    if (!head.empty()) {
      const ssize_t got = pread(fileno(file_), head.data(), head.size(), 0);
      head.resize(got > 0 ? static_cast<size_t>(got) : 0);
    }
    std::fclose(file_);
    file_ = nullptr;
    return {static_cast<size_t>(size), head};
  }

 private:
  std::FILE* file_ = nullptr;
  int saved_out_ = -1;
  int saved_err_ = -1;
};

// Runs `fn` with stdout/stderr captured and echoes what was printed to stderr, minus the
// plugin host's own event-log lines ({"ts":…,"event":"plugin_loaded",…}): the server's log
// format is noise in a report.
template <typename Fn>
void WithoutHostLog(Fn&& fn) {
  OutputCapture capture;
  capture.Start();
  fn();
  const std::string text = capture.Stop(1 << 16).second;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "{\"ts\":") && absl::StrContains(line, "\"event\":\"plugin_")) {
      continue;
    }
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

// ---------------------------------------------------------------------------------------

class Checker {
 public:
  Checker(const CheckOptions& options, std::FILE* out) : options_(options), report_(out) {}

  int Run() {
    if (!ReadInputs()) return -1;
    report_.Raw(absl::StrCat("persona-plugin-check: ", options_.plugin_path));
    report_.Raw(absl::StrCat("host: segmenter ABI ", PERSONA_SEGMENTER_ABI_MAJOR, ".",
                             PERSONA_SEGMENTER_ABI_MINOR, " (loads plugins built against ",
                             PERSONA_SEGMENTER_ABI_MAJOR, ".0 to ", PERSONA_SEGMENTER_ABI_MAJOR,
                             ".", PERSONA_SEGMENTER_ABI_MINOR, ")"));
    if (CheckAbi()) {
      CheckExports();
      CheckMetadata();
      if (!ResolveSamples()) return -1;
      if (CheckConfig()) {
        CheckParams();
        CheckMalformed();
        CheckScoring();
      }
      // Release every criterion and destroy every instance, as a catalog swap does, before
      // the verdict: a crash there is reported against "lifecycle".
      report_.Begin("lifecycle");
      second_.reset();
      instance_.reset();
      if (lifecycle_checked_) {
        if (lifecycle_problem_.empty()) {
          report_.Pass("lifecycle",
                       "two instances side by side (as during a reload); destroying one left the "
                       "other scoring identically; release_criterion and destroy returned");
        } else {
          report_.Fail("lifecycle", lifecycle_problem_);
        }
      }
      WithoutHostLog([&] { library_.reset(); });
    }
    report_.Begin("result");
    if (report_.failures() == 0) {
      report_.Raw(absl::StrCat("RESULT: PASS (", report_.checks(), " checks)"));
    } else {
      report_.Raw(absl::StrCat("RESULT: FAIL (", report_.failures(), " of ", report_.checks(),
                               " checks failed)"));
    }
    return report_.failures();
  }

 private:
  // Input files are the caller's to get right: a bad one is a usage error (exit 2), not a
  // verdict on the plugin.
  bool ReadInputs() {
    if (!options_.params_path.empty()) {
      absl::StatusOr<Value> value = ReadJsonFile(options_.params_path);
      if (!value.ok()) return InputError(value.status().message());
      if (value->has_struct_value()) {
        file_params_.push_back(value->struct_value());
      } else if (value->has_list_value()) {
        for (int i = 0; i < value->list_value().values_size(); ++i) {
          if (!value->list_value().values(i).has_struct_value()) {
            return InputError(
                absl::StrCat(options_.params_path, "[", i, "]: each params must be a JSON object"));
          }
          file_params_.push_back(value->list_value().values(i).struct_value());
        }
        if (file_params_.empty()) {
          return InputError(absl::StrCat(options_.params_path, ": an empty list"));
        }
      } else {
        return InputError(
            absl::StrCat(options_.params_path, ": must hold a params object or a list of them"));
      }
    }
    if (!options_.config_path.empty()) {
      absl::StatusOr<Value> value = ReadJsonFile(options_.config_path);
      if (!value.ok()) return InputError(value.status().message());
      if (!value->has_struct_value()) {
        return InputError(absl::StrCat(options_.config_path, ": config must be a JSON object"));
      }
      config_ = value->struct_value();
      config_source_ = options_.config_path;
    }
    if (!options_.catalog_path.empty()) {
      CatalogProblems problems;
      catalog_ = std::make_unique<CatalogSource>();
      if (!ReadCatalogPath(options_.catalog_path, catalog_.get(), &problems)) {
        std::vector<std::string> lines;
        for (const CatalogProblem& p : problems) lines.push_back(p.ToString());
        return InputError(absl::StrJoin(lines, "; "));
      }
    }
    return true;
  }

  bool InputError(absl::string_view message) {
    std::fprintf(stderr, "error: %.*s\n", static_cast<int>(message.size()), message.data());
    return false;
  }

  bool CheckAbi() {
    report_.Begin("abi");
    // The server's own path: a private content-addressed copy, opened with
    // rtld_now | rtld_local, then the ABI handshake.
    absl::StatusOr<std::unique_ptr<PluginStore>> store = PluginStore::Create("");
    if (!store.ok()) {
      report_.Fail("abi", std::string(store.status().message()));
      return false;
    }
    store_ = *std::move(store);
    absl::StatusOr<PluginStore::Loaded> loaded = absl::InternalError("not loaded");
    WithoutHostLog([&] { loaded = store_->Load(options_.plugin_path, ""); });
    if (!loaded.ok()) {
      report_.Fail("abi", std::string(loaded.status().message()));
      return false;
    }
    library_ = loaded->library;
    RecordPrivateCopies(store_->cache_dir());
    const PersonaSegmenterPlugin& api = library_->api();
    std::string note;
    if (api.struct_size < sizeof(PersonaSegmenterPlugin)) {
      note = " (an older minor: fields added since are absent, which is fine)";
    }
    report_.Pass("abi", absl::StrCat("built against ABI ", library_->abi_version(),
                                     ", loaded the way the server loads it", note));
    report_.Note(absl::StrCat("sha256 ", loaded->sha256, " (to pin this build in a catalog: ",
                              "\"sha256\": \"", loaded->sha256, "\")"));
    return true;
  }

  void CheckExports() {
    report_.Begin("exports");
    absl::StatusOr<std::vector<std::string>> symbols = ExportedSymbols(options_.plugin_path);
    if (!symbols.ok()) {
      report_.Fail("exports", std::string(symbols.status().message()));
      return;
    }
    std::vector<std::string> extra;
    for (const std::string& symbol : *symbols) {
      if (symbol != PERSONA_SEGMENTER_ENTRY_SYMBOL) extra.push_back(symbol);
    }
    if (extra.empty()) {
      report_.Pass("exports",
                   absl::StrCat("only ", PERSONA_SEGMENTER_ENTRY_SYMBOL, " is exported"));
      return;
    }
    // Plain C names first: those were exported on purpose; C++ (_Z...) ones leak from
    // default visibility.
    std::sort(extra.begin(), extra.end(), [](const std::string& a, const std::string& b) {
      const bool a_cxx = a.rfind("_Z", 0) == 0;
      const bool b_cxx = b.rfind("_Z", 0) == 0;
      return a_cxx != b_cxx ? b_cxx : a < b;
    });
    const size_t shown = std::min<size_t>(extra.size(), 5);
    report_.Fail("exports", absl::StrCat(extra.size(), " symbol", extra.size() == 1 ? "" : "s",
                                         " exported besides ", PERSONA_SEGMENTER_ENTRY_SYMBOL, ": ",
                                         absl::StrJoin(extra.begin(), extra.begin() + shown, ", "),
                                         extra.size() > shown ? ", ..." : ""));
    report_.Note(
        "build with persona_add_segmenter() (hidden visibility and a version script), or link "
        "with -fvisibility=hidden and -Wl,--version-script exporting only the entry point");
  }

  void CheckMetadata() {
    report_.Begin("metadata");
    const PersonaSegmenterPlugin& api = library_->api();
    std::vector<std::string> problems;
    if (BadString(api.version) || BadString(api.description) || BadString(api.params_doc)) {
      report_.Fail("metadata", "a metadata string has a NULL pointer and a non-zero size");
      return;
    }
    const absl::string_view name = ViewOf(api.name);
    const absl::string_view version = ViewOf(api.version);
    const absl::string_view description = ViewOf(api.description);
    if (!IsValidSegmenterName(name)) {
      problems.push_back(absl::StrCat("name \"", name,
                                      "\" is not a valid segmenter name (lowercase letter, then "
                                      "lowercase letters, digits or _; at most 32)"));
    }
    if (!IsSemanticVersion(version)) {
      problems.push_back(
          absl::StrCat("version \"", version, "\" is not a semantic version like 1.2.0"));
    }
    if (description.empty() || description.size() > 200 ||
        std::any_of(description.begin(), description.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      problems.push_back(absl::StrCat("description must be one line of 1 to 200 bytes, got ",
                                      description.size(), " bytes"));
    }
    std::string doc_summary = "no params_doc";
    if (!ViewOf(api.params_doc).empty()) {
      std::string problem = ParseParamsDoc(std::string(ViewOf(api.params_doc)));
      if (!problem.empty()) {
        problems.push_back(absl::StrCat("params_doc: ", problem));
      } else {
        doc_summary = absl::StrCat("params_doc documents ", doc_params_.size(), " params",
                                   doc_example_ ? " with an example" : "");
      }
    } else if (api.struct_size >= sizeof(PersonaSegmenterPlugin)) {
      doc_summary = "no params_doc (optional since ABI 1.1)";
    }
    if (!problems.empty()) {
      report_.Fail("metadata", problems.front());
      for (size_t i = 1; i < problems.size(); ++i) report_.Note(problems[i]);
      return;
    }
    report_.Pass("metadata",
                 absl::StrCat("name \"", name, "\", version ", version, ", \"",
                              Shorten(std::string(description), 60), "\"; ", doc_summary));
    const std::string file = std::filesystem::path(options_.plugin_path).filename().string();
    if (file != absl::StrCat("libsegmenter_", name, ".so")) {
      report_.Note(absl::StrCat("note: the file is ", file, "; persona_add_segmenter(", name,
                                ") would name it libsegmenter_", name, ".so"));
    }
  }

  // Validates the params_doc JSON and keeps what the malformed-params probes use.
  std::string ParseParamsDoc(const std::string& text) {
    absl::StatusOr<Value> doc = ParseJson(text, "params_doc");
    if (!doc.ok()) return std::string(doc.status().message());
    if (!doc->has_struct_value()) return "must be a JSON object";
    for (const auto& [key, member] : doc->struct_value().fields()) {
      if (key == "params" || key == "config") {
        if (!member.has_struct_value()) return absl::StrCat("\"", key, "\" must be an object");
        for (const auto& [param, text_value] : member.struct_value().fields()) {
          if (!text_value.has_string_value() || text_value.string_value().empty()) {
            return absl::StrCat("\"", key, ".", param, "\" must be a non-empty description");
          }
          if (key == "params") doc_params_.push_back(param);
        }
      } else if (key == "example") {
        if (!member.has_struct_value()) return "\"example\" must be an object of params";
        doc_example_ = member.struct_value();
      } else {
        return absl::StrCat("unknown member \"", key, "\" (known: params, config, example)");
      }
    }
    std::sort(doc_params_.begin(), doc_params_.end());
    if (doc_example_ && !doc_params_.empty()) {
      for (const auto& [key, unused] : doc_example_->fields()) {
        if (!std::binary_search(doc_params_.begin(), doc_params_.end(), key)) {
          return absl::StrCat("example uses \"", key, "\", which \"params\" does not document");
        }
      }
    }
    return "";
  }

  bool ResolveSamples() {
    const std::string plugin_name(ViewOf(library_->api().name));
    const std::string segmenter = options_.segmenter.empty() ? plugin_name : options_.segmenter;
    if (!file_params_.empty()) {
      samples_ = file_params_;
      samples_source_ = options_.params_path;
    } else if (catalog_) {
      const persona::v1::PersonaCatalog& catalog = catalog_->catalog;
      for (const auto& persona : catalog.personas()) {
        for (const auto& criterion : persona.criteria()) {
          if (criterion.segmenter() == segmenter) samples_.push_back(criterion.params());
        }
      }
      if (samples_.empty()) {
        return InputError(absl::StrCat("catalog ", options_.catalog_path,
                                       " has no criterion for segmenter \"", segmenter,
                                       "\" (pass --segmenter=<name as the catalog calls it>)"));
      }
      samples_source_ = absl::StrCat("every criterion of segmenter \"", segmenter, "\" in ",
                                     options_.catalog_path);
    } else if (doc_example_) {
      samples_.push_back(*doc_example_);
      samples_source_ = "the plugin's params_doc example (no --params given)";
    } else {
      samples_.emplace_back();
      samples_source_ =
          "{} only: no --params given and the plugin documents no example; pass --params "
          "with real params for a meaningful check";
    }
    if (config_source_.empty()) {
      config_source_ = "{}";
      if (catalog_) {
        for (const auto& spec : catalog_->catalog.segmenters()) {
          if (spec.name() == segmenter) {
            config_ = spec.config();
            config_source_ =
                absl::StrCat("segmenter \"", segmenter, "\" in ", options_.catalog_path);
          }
        }
      }
    }
    return true;
  }

  bool CheckConfig() {
    report_.Begin("config");
    ConfigValueTree tree(config_);
    absl::StatusOr<std::unique_ptr<PluginSegmenter>> created =
        PluginSegmenter::Create(library_, tree.root());
    if (!created.ok()) {
      report_.Fail("config", absl::StrCat("create() refused the config from ", config_source_, ": ",
                                          created.status().message()));
      SkipRest("create() failed");
      return false;
    }
    instance_ = *std::move(created);

    // Probe: an unknown config key must be refused, naming the key.
    Struct probe = config_;
    (*probe.mutable_fields())[kUnknownKey].set_number_value(1);
    ConfigValueTree probe_tree(probe);
    absl::StatusOr<std::unique_ptr<PluginSegmenter>> accepted =
        PluginSegmenter::Create(library_, probe_tree.root());
    const std::string problem =
        RefusalProblem(accepted.ok() ? absl::OkStatus() : accepted.status(), kUnknownKey);
    if (!problem.empty()) {
      report_.Fail("config",
                   absl::StrCat("config with an unknown key \"", kUnknownKey, "\": ", problem));
      return true;  // the instance works; scoring can still be checked
    }
    report_.Pass(
        "config",
        absl::StrCat("create() accepted ", config_source_, " and refused an unknown key: \"",
                     Shorten(std::string(accepted.status().message()), 90), "\""));
    return true;
  }

  // "" when `status` is a proper refusal mentioning `must_mention`; else what is wrong.
  static std::string RefusalProblem(const absl::Status& status, absl::string_view must_mention) {
    if (status.ok()) return "accepted (it must be refused with a message naming it)";
    if (status.code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat(
          "refused with PERSONA_INTERNAL (\"", Shorten(std::string(status.message()), 80),
          "\"); bad input must return PERSONA_INVALID_ARGUMENT (throw persona::sdk::ParamError, "
          "e.g. via Value::Fail)");
    }
    if (status.message().empty()) return "refused without a message";
    if (!must_mention.empty() && status.message().find(must_mention) == absl::string_view::npos) {
      return absl::StrCat("refused, but the message does not name \"", must_mention, "\": \"",
                          Shorten(std::string(status.message()), 90), "\"");
    }
    return "";
  }

  void CheckParams() {
    report_.Begin("params");
    std::vector<std::string> problems;
    for (size_t i = 0; i < samples_.size(); ++i) {
      ConfigValueTree tree(samples_[i]);
      absl::StatusOr<const PersonaCompiledCriterion*> compiled = CompileGuarded(*instance_, tree);
      if (!compiled.ok()) {
        problems.push_back(absl::StrCat("params #", i + 1, " ", Shorten(ToJson(samples_[i]), 80),
                                        ": ", compiled.status().message()));
        continue;
      }
      criteria_.push_back(*compiled);
    }
    if (!problems.empty()) {
      report_.Fail("params", absl::StrCat(problems.size(), " of ", samples_.size(),
                                          " sample params refused (from ", samples_source_, ")"));
      for (const std::string& p : problems) report_.Note(p);
      return;
    }
    report_.Pass("params",
                 absl::StrCat("compiled ", samples_.size(), " criteri",
                              samples_.size() == 1 ? "on" : "a", " from ", samples_source_));
  }

  static absl::StatusOr<const PersonaCompiledCriterion*> CompileGuarded(
      PluginSegmenter& segmenter, const ConfigValueTree& tree) {
    try {
      return segmenter.Compile(tree.root());
    } catch (...) {
      return absl::InternalError("an exception escaped compile() (it must return an error)");
    }
  }

  void CheckMalformed() {
    report_.Begin("malformed");
    const Struct base = criteria_.empty() ? Struct() : samples_.front();
    struct Probe {
      std::string what;
      Struct params;
      std::string must_mention;
    };
    std::vector<Probe> probes;
    {
      Probe probe{absl::StrCat("unknown key \"", kUnknownKey, "\""), base, kUnknownKey};
      (*probe.params.mutable_fields())[kUnknownKey].set_number_value(1);
      probes.push_back(std::move(probe));
    }
    // Every key any sample uses, probed in the first sample that has it (so the rest of the
    // params stay valid), plus every documented key.
    std::map<std::string, const Struct*> keys;
    for (size_t i = 0; i < criteria_.size() && i < samples_.size(); ++i) {
      for (const auto& [key, unused] : samples_[i].fields()) keys.emplace(key, &samples_[i]);
    }
    for (const std::string& key : doc_params_) keys.emplace(key, &base);
    for (const auto& [key, owner] : keys) {
      Probe probe{"", *owner, key};
      Value& slot = (*probe.params.mutable_fields())[key];
      const auto sample = owner->fields().find(key);
      if (sample == owner->fields().end()) {
        // Documented but not in the sample: its type is unknown, so use a value no typed
        // param can accept (an object holding only an unknown key).
        (*slot.mutable_struct_value()->mutable_fields())[kUnknownKey].set_bool_value(true);
        probe.what = absl::StrCat("\"", key, "\": {\"", kUnknownKey, "\": true}");
      } else if (sample->second.kind_case() == Value::kBoolValue) {
        slot.set_string_value("persona-plugin-check");
        probe.what = absl::StrCat("\"", key, "\" as a string instead of a bool");
      } else {
        slot.set_bool_value(true);
        probe.what =
            absl::StrCat("\"", key, "\" as true instead of ", KindName(sample->second.kind_case()));
      }
      probes.push_back(std::move(probe));
    }

    std::vector<std::string> failures;
    for (const Probe& probe : probes) {
      ConfigValueTree tree(probe.params);
      absl::StatusOr<const PersonaCompiledCriterion*> compiled = CompileGuarded(*instance_, tree);
      const std::string problem =
          RefusalProblem(compiled.ok() ? absl::OkStatus() : compiled.status(), probe.must_mention);
      if (!problem.empty()) failures.push_back(absl::StrCat(probe.what, ": ", problem));
    }
    std::string empty_note;
    if (!base.fields().empty()) {
      ConfigValueTree tree{Struct()};
      if (CompileGuarded(*instance_, tree).ok()) {
        empty_note =
            "note: {} compiles: make sure an empty criterion means something (most plugins "
            "refuse it with \"params: must give at least one of ...\")";
      }
    }
    if (failures.empty()) {
      report_.Pass("malformed",
                   absl::StrCat("refused all ", probes.size(),
                                " malformed params with a message naming the key (an unknown "
                                "key, and a wrong type for each of ",
                                keys.size(), " key", keys.size() == 1 ? "" : "s", ")"));
    } else {
      report_.Fail("malformed", absl::StrCat(failures.size(), " of ", probes.size(),
                                             " malformed params not refused properly"));
      for (const std::string& f : failures) report_.Note(f);
    }
    if (!empty_note.empty()) report_.Note(empty_note);
  }

  static const char* KindName(Value::KindCase kind) {
    switch (kind) {
      case Value::kNumberValue:
        return "a number";
      case Value::kStringValue:
        return "a string";
      case Value::kListValue:
        return "a list";
      case Value::kStructValue:
        return "an object";
      case Value::kNullValue:
        return "null";
      default:
        return "its type";
    }
  }

  void SkipRest(const std::string& why) {
    for (const char* check :
         {"params", "malformed", "scoring", "sink", "determinism", "allocation", "cost"}) {
      report_.Skip(check, absl::StrCat("not run: ", why));
    }
  }

  void CheckScoring() {
    if (criteria_.empty()) {
      for (const char* check : {"scoring", "sink", "determinism", "allocation", "cost"}) {
        report_.Skip(check, "not run: no sample params compiled");
      }
      return;
    }
    GeneratorOptions generator = options_.generator;
    generator.as_of_unix_seconds = kAsOf;
    const auto customers = GenerateCustomers(generator);
    const size_t n = customers.size();
    const std::string population =
        absl::StrCat(n, " generated customers (seed ", generator.seed, ") x ", criteria_.size(),
                     " criteri", criteria_.size() == 1 ? "on" : "a");

    report_.Begin("scoring");
    OutputCapture capture;
    capture.Start();
    // Pass 1 warms up (first-call allocations are not the hot path's) and is the baseline.
    std::vector<CallRecord> baseline(n), rerun(n), explained(n);
    for (size_t i = 0; i < n; ++i) {
      ScoreOnce(*instance_, customers[i]->view(), criteria_, false, false, &baseline[i]);
    }
    // Pass 2: the same customers again, counting allocations.
    for (size_t i = 0; i < n; ++i) {
      ScoreOnce(*instance_, customers[i]->view(), criteria_, false, true, &rerun[i]);
    }
    // Pass 3: with explanations.
    for (size_t i = 0; i < n; ++i) {
      ScoreOnce(*instance_, customers[i]->view(), criteria_, true, false, &explained[i]);
    }
    // No criteria at all: labels still allowed, details not, and it must succeed.
    CallRecord empty_call;
    ScoreOnce(*instance_, customers[std::min<size_t>(1, n - 1)]->view(), {}, true, false,
              &empty_call);
    // Threads: each scores every customer, starting at a different one.
    const size_t thread_count = static_cast<size_t>(std::max(1, options_.threads));
    std::vector<std::vector<CallRecord>> threaded(thread_count, std::vector<CallRecord>(n));
    {
      std::vector<std::thread> threads;
      for (size_t t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
          for (size_t k = 0; k < n; ++k) {
            const size_t i = (k + t * n / thread_count) % n;
            ScoreOnce(*instance_, customers[i]->view(), criteria_, false, false, &threaded[t][i]);
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    }
    // A second instance of the same catalog, as a reload builds while the first serves.
    std::vector<CallRecord> second_run(n);
    std::string second_problem = ScoreWithSecondInstance(customers, &second_run);
    std::vector<CallRecord> after_destroy(n);
    if (second_problem.empty()) {
      second_.reset();  // the reload's old snapshot goes away; the other instance keeps going
      for (size_t i = 0; i < n; ++i) {
        ScoreOnce(*instance_, customers[i]->view(), criteria_, false, false, &after_destroy[i]);
      }
    }
    const auto [output_bytes, output_head] = capture.Stop();

    // --- scoring: status and ranges, explain off and on
    size_t failed_calls = 0;
    size_t bad_ranges = 0;
    std::string first_problem;
    for (size_t i = 0; i < n; ++i) {
      for (const CallRecord* record : {&baseline[i], &explained[i]}) {
        std::string problem = record->ok ? ScoreProblem(*record) : record->error;
        if (problem.empty()) continue;
        (record->ok ? bad_ranges : failed_calls) += 1;
        if (first_problem.empty()) {
          first_problem =
              absl::StrCat("customer ", ViewOf(customers[i]->view().customer_id),
                           record == &explained[i] ? " (explain on)" : "", ": ", problem);
        }
      }
    }
    if (!empty_call.ok) {
      ++failed_calls;
      if (first_problem.empty()) {
        first_problem = absl::StrCat("a call with no criteria: ", empty_call.error);
      }
    }
    if (failed_calls == 0 && bad_ranges == 0) {
      report_.Pass("scoring", absl::StrCat(population,
                                           ", explain off and on: every call OK, "
                                           "affinity and coverage finite and in [0,1]"));
    } else {
      report_.Fail("scoring",
                   absl::StrCat(failed_calls, " failed call", failed_calls == 1 ? "" : "s", ", ",
                                bad_ranges, " out-of-contract result", bad_ranges == 1 ? "" : "s",
                                " over ", population));
      report_.Note(first_problem);
    }

    // --- sink: labels and details only through the sink, used as the ABI says
    report_.Begin("sink");
    std::vector<std::string> sink_problems;
    for (size_t i = 0; i < n && sink_problems.empty(); ++i) {
      for (const CallRecord* record : {&baseline[i], &explained[i]}) {
        if (!record->sink_violation.empty()) {
          sink_problems.push_back(
              absl::StrCat("customer ", ViewOf(customers[i]->view().customer_id),
                           record == &explained[i] ? " (explain on): " : " (explain off): ",
                           record->sink_violation));
          break;
        }
      }
    }
    if (!empty_call.sink_violation.empty()) {
      sink_problems.push_back(absl::StrCat("a call with no criteria: ", empty_call.sink_violation));
    }
    size_t label_changes = 0;
    size_t details_seen = 0;
    for (size_t i = 0; i < n; ++i) {
      if (baseline[i].ok && explained[i].ok && baseline[i].labels != explained[i].labels) {
        ++label_changes;
      }
      details_seen += explained[i].details;
    }
    if (label_changes > 0) {
      sink_problems.push_back(absl::StrCat("labels differ with explain on for ", label_changes,
                                           " customers (labels are emitted on every call, the "
                                           "same either way)"));
    }
    if (output_bytes > 0) {
      sink_problems.push_back(
          absl::StrCat("wrote ", output_bytes,
                       " bytes to stdout/stderr while scoring (that is the server's "
                       "log, once per request; report through the sink): \"",
                       Shorten(output_head, 80), "\""));
    }
    size_t labelled = 0;
    for (const CallRecord& record : baseline) labelled += record.labels.empty() ? 0 : 1;
    if (sink_problems.empty()) {
      report_.Pass("sink", absl::StrCat("labels on ", labelled, " of ", n,
                                        " customers, identical with explain on; ", details_seen,
                                        " details only with explain, indices in range; nothing "
                                        "printed"));
    } else {
      report_.Fail("sink", sink_problems.front());
      for (size_t i = 1; i < sink_problems.size(); ++i) report_.Note(sink_problems[i]);
    }

    // --- determinism: runs, explain, threads, a second instance
    report_.Begin("determinism");
    std::vector<std::string> differences;
    const auto compare = [&](const std::vector<CallRecord>& other, const std::string& what,
                             bool numbers_only) {
      size_t differing = 0;
      size_t first = n;
      for (size_t i = 0; i < n; ++i) {
        const bool same =
            numbers_only ? SameNumbers(baseline[i], other[i]) : SameResult(baseline[i], other[i]);
        if (!same) {
          ++differing;
          if (first == n) first = i;
        }
      }
      if (differing == 0) return;
      differences.push_back(
          absl::StrCat(what, ": ", differing, " of ", n, " customers differ, e.g. ",
                       ViewOf(customers[first]->view().customer_id), ": ",
                       Describe(baseline[first]), " vs ", Describe(other[first])));
    };
    compare(rerun, "second run, same instance", false);
    compare(explained, "explain on vs off (numbers)", true);
    for (size_t t = 0; t < thread_count; ++t) {
      compare(threaded[t], absl::StrCat("thread ", t + 1, " of ", thread_count), false);
    }
    if (second_problem.empty()) compare(second_run, "a second instance", false);
    if (differences.empty()) {
      report_.Pass("determinism",
                   absl::StrCat("bit-identical across 2 runs, explain on/off, ", thread_count,
                                " concurrent threads (each in a different order) and a second "
                                "instance"));
    } else {
      report_.Fail("determinism", differences.front());
      for (size_t i = 1; i < differences.size(); ++i) report_.Note(differences[i]);
    }

    // --- allocation: pass 2, explain off, after a warm-up pass
    report_.Begin("allocation");
    uint64_t allocations = 0;
    size_t allocating_calls = 0;
    size_t first_allocating = n;
    for (size_t i = 0; i < n; ++i) {
      allocations += rerun[i].allocations;
      if (rerun[i].allocations > 0) {
        ++allocating_calls;
        if (first_allocating == n) first_allocating = i;
      }
    }
    if (!AllocationCounter::Available() || !AllocationCounter::SelfTest()) {
      report_.Fail("allocation",
                   "this build of persona-plugin-check cannot count allocations (self-test "
                   "failed), so it cannot vouch for the plugin");
    } else if (allocations == 0) {
      report_.Pass("allocation",
                   absl::StrCat("0 heap allocations in ", n, " warm score calls with explain off"));
    } else {
      report_.Fail("allocation",
                   absl::StrCat(allocations, " heap allocation", allocations == 1 ? "" : "s",
                                " in ", allocating_calls, " of ", n,
                                " warm score calls with explain off (first: customer ",
                                ViewOf(customers[first_allocating]->view().customer_id),
                                "); score must not allocate: precompute in compile, use the "
                                "stack"));
    }

    // --- lifecycle verdict is printed after the instances are destroyed (see Run)
    lifecycle_checked_ = true;
    if (!second_problem.empty()) {
      lifecycle_problem_ = second_problem;
    } else {
      size_t differing = 0;
      for (size_t i = 0; i < n; ++i) differing += SameResult(baseline[i], after_destroy[i]) ? 0 : 1;
      if (differing > 0) {
        lifecycle_problem_ =
            absl::StrCat("after a second instance was destroyed, the first scored ", differing,
                         " of ", n, " customers differently (shared state between instances?)");
      }
    }

    CheckCost(customers);
  }

  std::string ScoreWithSecondInstance(
      const std::vector<std::unique_ptr<GeneratedCustomer>>& customers,
      std::vector<CallRecord>* out) {
    ConfigValueTree tree(config_);
    absl::StatusOr<std::unique_ptr<PluginSegmenter>> created =
        PluginSegmenter::Create(library_, tree.root());
    if (!created.ok()) {
      return absl::StrCat("a second create() with the same config failed: ",
                          created.status().message());
    }
    second_ = *std::move(created);
    std::vector<const PersonaCompiledCriterion*> criteria;
    for (const Struct& params : samples_) {
      ConfigValueTree params_tree(params);
      absl::StatusOr<const PersonaCompiledCriterion*> compiled =
          CompileGuarded(*second_, params_tree);
      if (!compiled.ok()) {
        return absl::StrCat("the second instance refused params the first compiled: ",
                            compiled.status().message());
      }
      criteria.push_back(*compiled);
    }
    for (size_t i = 0; i < customers.size(); ++i) {
      ScoreOnce(*second_, customers[i]->view(), criteria, false, false, &(*out)[i]);
    }
    return "";
  }

  void CheckCost(const std::vector<std::unique_ptr<GeneratedCustomer>>& customers) {
    report_.Begin("cost");
    // A sink that records nothing: the plugin's cost, not the tool's bookkeeping.
    const PersonaScoreSink sink{
        sizeof(PersonaScoreSink), nullptr, 0, [](void*, PersonaString, PersonaString) {},
        [](void*, size_t, PersonaString, double, int32_t, PersonaString) {}};
    const PersonaScoreRequest request{sizeof(PersonaScoreRequest), kAsOf, &sink};
    std::vector<PersonaCriterionScore> scores(criteria_.size());
    char buffer[kErrorCapacity];
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    using Clock = std::chrono::steady_clock;
    // Whatever the plugin prints (the sink check reported it) must not flood the report.
    OutputCapture discard;
    discard.Start();
    const auto started = Clock::now();
    const auto budget = std::chrono::duration<double>(options_.cost_seconds);
    uint64_t calls = 0;
    do {
      for (const auto& customer : customers) {
        instance_->Score(customer->view(), criteria_.data(), criteria_.size(), request,
                         scores.data(), &error);
        ++calls;
      }
    } while (Clock::now() - started < budget && calls < 50'000'000);
    const double nanos = std::chrono::duration<double, std::nano>(Clock::now() - started).count();
    discard.Stop();
    const double per_call = nanos / static_cast<double>(calls);
    const double per_criterion = per_call / static_cast<double>(criteria_.size());
    const std::string message = absl::StrCat(
        absl::SixDigits(per_criterion), " ns per criterion per customer (",
        absl::SixDigits(per_call), " ns per score call with ", criteria_.size(), " criteri",
        criteria_.size() == 1 ? "on" : "a", ", ", calls, " calls, one thread)");
    if (options_.max_ns_per_criterion > 0 && per_criterion > options_.max_ns_per_criterion) {
      report_.Fail(
          "cost",
          absl::StrCat(message, " exceeds --max_ns_per_criterion=", options_.max_ns_per_criterion));
    } else {
      report_.Pass("cost", message);
    }
  }

  const CheckOptions& options_;
  Reporter report_;

  std::vector<Struct> file_params_;
  std::unique_ptr<CatalogSource> catalog_;
  Struct config_;
  std::string config_source_;

  std::unique_ptr<PluginStore> store_;
  std::shared_ptr<const PluginLibrary> library_;
  std::vector<std::string> doc_params_;
  std::optional<Struct> doc_example_;
  std::vector<Struct> samples_;
  std::string samples_source_;

  std::unique_ptr<PluginSegmenter> instance_;
  std::unique_ptr<PluginSegmenter> second_;
  std::vector<const PersonaCompiledCriterion*> criteria_;
  bool lifecycle_checked_ = false;
  std::string lifecycle_problem_;
};

}  // namespace

const char* CurrentCheck() { return g_current_check.load(); }

int CapturedOutputFd() { return g_capture_fd.load(); }

void RemovePrivateCopies() {
  for (const char* file : g_private_files) {
    if (file[0] != '\0') unlink(file);
  }
  if (g_private_dir[0] != '\0') rmdir(g_private_dir);
}

int RunChecks(const CheckOptions& options, std::FILE* out) {
  Checker checker(options, out);
  return checker.Run();
}

}  // namespace plugin_check
}  // namespace persona
