// persona-plugin-check: tells a plugin author whether a segmenter is fit to load, using the
// server's own plugin host code. Exit 0 only when every check passes.
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/plugin_check/output_capture.h"
#include "tools/plugin_check/plugin_checker.h"
#include "tools/plugin_check/plugin_loading.h"
#include "tools/plugin_check/report.h"

ABSL_FLAG(std::string, params, "",
          "A JSON file with one criterion's params object, or a list of them (one per "
          "persona). Default: the plugin's params_doc example, else {}.");
ABSL_FLAG(std::string, config, "",
          "A JSON file with the segmenter's config object. Default: the catalog's, else {}.");
ABSL_FLAG(std::string, catalog, "",
          "Take params (and config) from every criterion of --segmenter in this catalog file "
          "or directory.");
ABSL_FLAG(std::string, segmenter, "",
          "The segmenter's name in --catalog (default: the plugin's own name).");
ABSL_FLAG(int32_t, generate, 400, "How many customers to generate and score.");
ABSL_FLAG(std::string, customers, "",
          "A JSON Lines file of persona.v1.Customer (one per line, the API's JSON), scored in "
          "addition to the generated customers: give the plugin the data it reads.");
ABSL_FLAG(std::string, as_of, "2026-11-22T00:00:00Z",
          "The reference time score() is given (RFC 3339); fixed by default so runs are "
          "reproducible.");
ABSL_FLAG(uint64_t, seed, 1, "Seed for the generated customers (same seed, same customers).");
ABSL_FLAG(int32_t, threads, 4, "Threads scoring concurrently in the determinism check.");
ABSL_FLAG(std::vector<std::string>, attribute_values, {},
          "Extra customer attributes the plugin reads, as key=v1|v2|v3 (comma-separated "
          "entries); generated customers get one of the values for each key.");
ABSL_FLAG(double, max_ns_per_criterion, 0,
          "Fail the cost check above this many ns per criterion per customer (0 = report only).");
ABSL_FLAG(double, cost_seconds, 0.3, "How long to measure the cost.");
ABSL_FLAG(int32_t, timeout_seconds, 120,
          "Fail if the checks take longer (a plugin that blocks or spins in a call).");

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PERSONA_CHECK_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PERSONA_CHECK_ASAN 1
#endif
#if defined(PERSONA_CHECK_ASAN)
// Sanitizer builds: ASan keeps SIGSEGV to itself unless told otherwise, and a sanitizer that
// stops the process (UBSan's null load, ASan's overflow) exits without a signal. Both must
// still end in a FAIL line naming the running check, with the sanitizer's report.
extern "C" const char* __asan_default_options() { return "allow_user_segv_handler=1"; }
extern "C" void __sanitizer_set_death_callback(void (*callback)(void));
#endif

namespace {

// Where crash and timeout reports go: the original stdout, even while the checker has
// redirected stdout/stderr to see whether the plugin prints.
int g_report_fd = STDOUT_FILENO;

void WriteAll(const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = write(g_report_fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

const char* SignalName(int signal_number) {
  switch (signal_number) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "a signal";
  }
}

// Async-signal-safe: write(2) and _exit(2) only.
void OnFatalSignal(int signal_number) {
  WriteAll("FAIL  ");
  WriteAll(persona::plugin_check::CurrentCheck());
  if (signal_number == SIGALRM) {
    WriteAll(": timed out (the plugin blocks or spins; see --timeout_seconds)\n");
  } else {
    WriteAll(": the process crashed with ");
    WriteAll(SignalName(signal_number));
    WriteAll(" inside the plugin\n");
  }
  WriteAll("RESULT: FAIL\n");
  persona::plugin_check::RemovePrivateCopies();
  _exit(1);
}

#if defined(PERSONA_CHECK_ASAN)
void OnSanitizerDeath() {
  WriteAll("FAIL  ");
  WriteAll(persona::plugin_check::CurrentCheck());
  WriteAll(": a sanitizer stopped the process inside the plugin; its report:\n");
  // The report went to stderr, which may be the checker's capture file right now.
  const int captured = persona::plugin_check::CapturedOutputFd();
  if (captured >= 0) {
    char buffer[4096];
    off_t offset = 0;
    ssize_t n = 0;
    while ((n = pread(captured, buffer, sizeof(buffer), offset)) > 0) {
      if (write(g_report_fd, buffer, static_cast<size_t>(n)) < 0) break;
      offset += n;
    }
  }
  WriteAll("RESULT: FAIL\n");
  persona::plugin_check::RemovePrivateCopies();
}

// ASan and UBSan may be separate shared runtimes, each with its own death callback: set it in
// every loaded sanitizer runtime, not only the one the linker bound first.
void InstallSanitizerDeathCallback() {
  __sanitizer_set_death_callback(&OnSanitizerDeath);
  dl_iterate_phdr(
      [](struct dl_phdr_info* info, size_t, void*) {
        if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, "san") == nullptr) return 0;
        if (void* handle = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD)) {
          using SetCallback = void (*)(void (*)(void));
          if (auto set =
                  reinterpret_cast<SetCallback>(dlsym(handle, "__sanitizer_set_death_callback"))) {
            set(&OnSanitizerDeath);
          }
          dlclose(handle);
        }
        return 0;
      },
      nullptr);
}
#endif

bool ParseAttributeSpecs(const std::vector<std::string>& entries,
                         std::vector<persona::plugin_check::AttributeSpec>* out) {
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      std::fprintf(stderr, "error: --attribute_values entry \"%s\" is not key=v1|v2\n",
                   entry.c_str());
      return false;
    }
    persona::plugin_check::AttributeSpec spec;
    spec.key = entry.substr(0, eq);
    spec.values = absl::StrSplit(entry.substr(eq + 1), '|');
    out->push_back(std::move(spec));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "persona-plugin-check <libsegmenter_NAME.so> [--params=FILE.json] [--config=FILE.json]\n"
      "       [--catalog=PATH [--segmenter=NAME]] [--customers=FILE.jsonl] [--generate=N]\n"
      "       [--seed=N] [--attribute_values=key=v1|v2,...] [--as_of=RFC3339] [--threads=N]\n"
      "Loads a segmenter plugin exactly as persona-server does and checks it: ABI handshake,\n"
      "exports, metadata, config, sample params, malformed params, that customers reach its\n"
      "grading (exercise), scoring (ranges, sink use, determinism across runs and threads,\n"
      "no allocation), lifecycle, and cost. One PASS/FAIL line per check; exit 0 only if all\n"
      "pass, 1 if any fails, 2 for a usage error.");
  absl::FlagsUsageConfig usage_config;
  // absl's --help lists only flags defined in a file named like the program; these are in
  // tools/plugin_check/main.cc.
  const auto own_flags = [](absl::string_view file) {
    return absl::StrContains(file, "plugin_check/");
  };
  usage_config.contains_help_flags = own_flags;
  usage_config.contains_helpshort_flags = own_flags;
  // "Flags from tools/plugin_check/main.cc", not the build machine's absolute path.
  usage_config.normalize_filename = [](absl::string_view file) {
    const size_t at = file.find("tools/plugin_check/");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  absl::SetFlagsUsageConfig(usage_config);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 2) {
    std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
    return 2;
  }
  persona::plugin_check::CheckOptions options;
  options.plugin_path = positional[1];
  options.params_path = absl::GetFlag(FLAGS_params);
  options.config_path = absl::GetFlag(FLAGS_config);
  options.catalog_path = absl::GetFlag(FLAGS_catalog);
  options.segmenter = absl::GetFlag(FLAGS_segmenter);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.max_ns_per_criterion = absl::GetFlag(FLAGS_max_ns_per_criterion);
  options.cost_seconds = absl::GetFlag(FLAGS_cost_seconds);
  options.generator.seed = absl::GetFlag(FLAGS_seed);
  const int32_t generate = absl::GetFlag(FLAGS_generate);
  if (generate < 2 || options.threads < 1 || options.threads > 64) {
    std::fprintf(stderr, "error: --generate must be >= 2 and --threads in 1..64\n");
    return 2;
  }
  options.generator.count = static_cast<size_t>(generate);
  options.customers_path = absl::GetFlag(FLAGS_customers);
  if (!options.customers_path.empty() &&
      std::all_of(options.customers_path.begin(), options.customers_path.end(),
                  [](char c) { return absl::ascii_isdigit(c); }) &&
      access(options.customers_path.c_str(), F_OK) != 0) {
    std::fprintf(stderr,
                 "error: --customers names a JSON Lines file of customers; for how many to "
                 "generate, use --generate=%s\n",
                 options.customers_path.c_str());
    return 2;
  }
  absl::Time as_of;
  std::string as_of_error;
  if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_as_of), &as_of, &as_of_error)) {
    std::fprintf(stderr, "error: --as_of=%s: not an RFC 3339 time like 2026-11-22T00:00:00Z (%s)\n",
                 absl::GetFlag(FLAGS_as_of).c_str(), as_of_error.c_str());
    return 2;
  }
  options.as_of_unix_seconds = absl::ToUnixSeconds(as_of);
  if (!ParseAttributeSpecs(absl::GetFlag(FLAGS_attribute_values),
                           &options.generator.extra_attributes)) {
    return 2;
  }

  g_report_fd = dup(STDOUT_FILENO);
  if (g_report_fd < 0) g_report_fd = STDOUT_FILENO;
  for (int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = &OnFatalSignal;
    sigaction(signal_number, &action, nullptr);
  }
  // A closed pipe (… | head) must not kill the checker before it cleans up.
  signal(SIGPIPE, SIG_IGN);
  alarm(static_cast<unsigned>(std::max(1, absl::GetFlag(FLAGS_timeout_seconds))));
#if defined(PERSONA_CHECK_ASAN)
  InstallSanitizerDeathCallback();
#endif

  const int failures = persona::plugin_check::RunChecks(options, stdout);
  if (failures < 0) return 2;
  return failures == 0 ? 0 : 1;
}
