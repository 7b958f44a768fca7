#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace persona::e2e {
namespace {

namespace fs = std::filesystem;

constexpr absl::Duration kPollInterval = absl::Milliseconds(10);
constexpr absl::Duration kReapAfterKill = absl::Seconds(10);

// An idle gRPC C++ client channel reads its socket only when the backup poller runs (every
// 5 s by default). A server shutting down waits for its clients to acknowledge GOAWAY and close,
// so every SIGTERM would take up to 5 s (or the whole grace period) while a test holds a channel.
// Poll often instead, unless the caller chose a value. Runs before gRPC initializes.
const bool kBackupPollSet = [] {
  setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "50", /*overwrite=*/0);
  return true;
}();

std::string Errno(absl::string_view what) { return absl::StrCat(what, ": ", std::strerror(errno)); }

// Starts argv with stdin from /dev/null and stdout/stderr into the given files.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& out_path,
                            const std::string& err_path) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  // Everything the child needs is prepared before fork: between fork and exec a child of a
  // multi-threaded process may only make async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
    const std::string error = Errno("open");
    for (int fd : {in_fd, out_fd, err_fd}) {
      if (fd >= 0) close(fd);
    }
    return absl::InternalError(error);
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // Die with the test: a crashed or killed test must not leave a server listening.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    // The mask and ignored signals survive exec; give the child a clean slate.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD}) signal(sig, SIG_DFL);
    execv(args[0], args.data());
    _exit(127);
  }
  const std::string fork_error = pid < 0 ? Errno("fork") : "";
  close(in_fd);
  close(out_fd);
  close(err_fd);
  if (pid < 0) return absl::InternalError(fork_error);
  return pid;
}

// waitpid with a bound. True when reaped (status in *status).
bool WaitForExit(pid_t pid, absl::Duration timeout, int* status) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return false;  // not our child (anymore)
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(kPollInterval);
  }
}

void Decode(int status, int* exit_code, int* term_signal) {
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  *term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

// The port of the first {"event":"server_started",…,"port":"N"} line, or 0.
int PortFromLog(const std::string& log) {
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, "\"event\":\"server_started\"")) continue;
    constexpr absl::string_view kKey = "\"port\":\"";
    const size_t at = line.find(kKey);
    if (at == absl::string_view::npos) return 0;
    absl::string_view rest = line.substr(at + kKey.size());
    rest = rest.substr(0, rest.find('"'));
    int port = 0;
    return absl::SimpleAtoi(rest, &port) ? port : 0;
  }
  return 0;
}

const char* StatusName(ServerProcess::ServingStatus status) {
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(status).c_str();
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/persona-e2e-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "%s\n", Errno("mkdtemp").c_str());
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(absl::string_view name, absl::string_view contents) const {
  const std::string path = absl::StrCat(path_, "/", name);
  WriteFileAtomically(path, contents);
  return path;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFileAtomically(const std::string& path, absl::string_view contents) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
}

std::string ProcessResult::Describe() const {
  std::string how;
  if (timed_out) {
    how = "timed out";
  } else if (term_signal != 0) {
    how = absl::StrCat("killed by signal ", term_signal);
  } else {
    how = absl::StrCat("exit ", exit_code);
  }
  return absl::StrCat(how, " after ", absl::FormatDuration(elapsed), "\n--- stdout ---\n", out,
                      "--- stderr ---\n", err);
}

ProcessResult RunProcess(const std::vector<std::string>& argv, absl::Duration timeout) {
  ProcessResult result;
  TempDir dir;
  const std::string out_path = dir.path() + "/stdout";
  const std::string err_path = dir.path() + "/stderr";
  const absl::Time start = absl::Now();
  absl::StatusOr<pid_t> pid = Spawn(argv, out_path, err_path);
  if (!pid.ok()) {
    result.err = std::string(pid.status().message());
    return result;
  }
  int status = 0;
  if (!WaitForExit(*pid, timeout, &status)) {
    result.timed_out = true;
    kill(*pid, SIGKILL);
    WaitForExit(*pid, kReapAfterKill, &status);
  }
  result.elapsed = absl::Now() - start;
  Decode(status, &result.exit_code, &result.term_signal);
  if (result.timed_out) result.exit_code = -1;
  result.out = ReadFileOrEmpty(out_path);
  result.err = ReadFileOrEmpty(err_path);
  return result;
}

grpc::ChannelArguments TestChannelArguments() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  // Not a backoff here: the time one connection attempt may take (see the header).
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10000);
  return args;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(const ServerOptions& options) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->dir_ = std::make_unique<TempDir>();
  server->stderr_path_ = server->dir_->path() + "/server.stderr";

  std::vector<std::string> argv = {options.binary, absl::StrCat("--listen=", options.listen),
                                   absl::StrCat("--catalog=", options.catalog)};
  if (!options.plugin_dir.empty())
    argv.push_back(absl::StrCat("--plugin_dir=", options.plugin_dir));
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());

  const absl::Time deadline = absl::Now() + options.start_timeout;
  absl::StatusOr<pid_t> pid =
      Spawn(argv, server->dir_->path() + "/server.stdout", server->stderr_path_);
  if (!pid.ok()) return pid.status();
  server->pid_ = *pid;

  // The listening port, from the server's own log once it is bound.
  while (server->port_ == 0) {
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->reaped_ = true;
      server->wait_status_ = status;
      return absl::FailedPreconditionError(absl::StrCat(
          "persona-server ", DescribeExit(status), " before listening; log:\n", server->Log()));
    }
    server->port_ = PortFromLog(server->Log());
    if (server->port_ != 0) break;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("persona-server logged no server_started line with a port within ",
                       absl::FormatDuration(options.start_timeout), "; log:\n", server->Log()));
    }
    absl::SleepFor(kPollInterval);
  }

  server->target_ = absl::StrCat("127.0.0.1:", server->port_);
  const grpc::ChannelArguments args = TestChannelArguments();
  server->channel_ = grpc::CreateCustomChannel(server->target_,
                                               options.channel_credentials != nullptr
                                                   ? options.channel_credentials
                                                   : grpc::InsecureChannelCredentials(),
                                               args);
  server->health_ = grpc::health::v1::Health::NewStub(server->channel_);

  const absl::Status health = server->WaitForHealth(
      options.expect_health, std::max(deadline - absl::Now(), absl::Seconds(1)));
  if (!health.ok()) {
    return absl::Status(health.code(), absl::StrCat(health.message(), "; log:\n", server->Log()));
  }
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !reaped_) {
    const StopResult result = Stop();
    if (result.killed) {
      std::fprintf(stderr, "[e2e] persona-server pid %d ignored SIGTERM; SIGKILLed\n", pid_);
    }
  }
}

std::string ServerProcess::Log() const { return ReadFileOrEmpty(stderr_path_); }

std::vector<std::string> ServerProcess::LogLines(const std::vector<std::string>& needles) const {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(Log(), '\n')) {
    bool all = !line.empty();
    for (const std::string& needle : needles) all = all && absl::StrContains(line, needle);
    if (all) lines.emplace_back(line);
  }
  return lines;
}

bool ServerProcess::WaitForLogLine(const std::vector<std::string>& needles,
                                   absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (!LogLines(needles).empty()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<ServerProcess::ServingStatus> ServerProcess::CheckHealth(
    const std::string& service, absl::Duration timeout) const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = health_->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("Health/Check: ", status.error_message()));
  }
  return response.status();
}

absl::Status ServerProcess::WaitForHealth(ServingStatus want, absl::Duration timeout,
                                          const std::string& service) const {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    absl::StatusOr<ServingStatus> got =
        CheckHealth(service, std::clamp(left, absl::Milliseconds(100), absl::Seconds(2)));
    if (got.ok() && *got == want) return absl::OkStatus();
    last = got.ok() ? StatusName(*got) : got.status().ToString();
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("health of \"", service, "\" did not become ", StatusName(want), " within ",
                       absl::FormatDuration(timeout), "; last answer: ", last));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::Status ServerProcess::Signal(int signal_number) const {
  if (pid_ <= 0 || reaped_) return absl::FailedPreconditionError("server is not running");
  if (kill(pid_, signal_number) != 0) return absl::InternalError(Errno("kill"));
  return absl::OkStatus();
}

bool ServerProcess::Running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    wait_status_ = status;
  }
  return !reaped_;
}

ServerProcess::StopResult ServerProcess::Stop(absl::Duration timeout) {
  StopResult result;
  const absl::Time start = absl::Now();
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    if (WaitForExit(pid_, timeout, &status)) {
      reaped_ = true;
      wait_status_ = status;
    } else {
      result.killed = true;
      kill(pid_, SIGKILL);
      if (WaitForExit(pid_, kReapAfterKill, &status)) {
        reaped_ = true;
        wait_status_ = status;
      }
    }
  }
  result.took = absl::Now() - start;
  if (reaped_) Decode(wait_status_, &result.exit_code, &result.term_signal);
  return result;
}

absl::Status ServerProcess::StopCleanly(absl::Duration timeout) {
  const StopResult result = Stop(timeout);
  const std::string log = Log();
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    if (absl::StrContains(log, marker)) {
      return absl::InternalError(
          absl::StrCat("persona-server log has a sanitizer report (\"", marker, "\")"));
    }
  }
  if (result.killed) return absl::DeadlineExceededError("persona-server ignored SIGTERM");
  if (result.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("persona-server ended with ", result.term_signal != 0
                                                       ? absl::StrCat("signal ", result.term_signal)
                                                       : absl::StrCat("exit ", result.exit_code)));
  }
  return absl::OkStatus();
}

}  // namespace persona::e2e
