// End-to-end harness: runs the real persona-server (and other binaries) as child processes.
//
// Every wait here is bounded. A server child asks the kernel to kill it if the test process
// dies (PR_SET_PDEATHSIG), so a crashed test never leaves a server behind.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace persona::e2e {

// A directory under $TMPDIR (or /tmp) that is removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name (replacing it) and returns the full path.
  std::string Write(absl::string_view name, absl::string_view contents) const;

 private:
  std::string path_;
};

// Whole file as a string; empty if it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);
// Writes a file through a temporary and rename(2), so a reader never sees half of it.
void WriteFileAtomically(const std::string& path, absl::string_view contents);

struct ProcessResult {
  int exit_code = -1;      // exit status when the process exited normally, else -1
  int term_signal = 0;     // the signal that ended it, else 0
  bool timed_out = false;  // it was SIGKILLed after the timeout
  absl::Duration elapsed;
  std::string out;  // stdout
  std::string err;  // stderr

  // "exit 1" / "signal 9" / "timed out", plus stderr: for failure messages.
  std::string Describe() const;
};

// Runs argv (argv[0] is the binary's path) to completion with stdin from /dev/null,
// capturing stdout and stderr. After `timeout` the process is SIGKILLed.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         absl::Duration timeout = absl::Seconds(30));

// Channel arguments for every channel a test opens to a persona-server child: a refused
// connection is retried within 50-200 ms, and one connection attempt (TCP connect plus the
// TLS handshake) may take up to 10 s. gRPC 1.51 takes GRPC_ARG_MIN_RECONNECT_BACKOFF_MS as
// the minimum connect timeout as well; a TLS handshake under ASan on a loaded machine takes
// 100-400 ms, so a 50 ms value cuts every attempt short ("handshaker shutdown") for as long
// as the test waits. Each key is set exactly once: grpc::ChannelArguments keeps a repeated
// key, and gRPC uses the FIRST occurrence, so a later SetInt of the same key does nothing.
grpc::ChannelArguments TestChannelArguments();

struct ServerOptions {
  std::string binary;      // path of persona-server
  std::string catalog;     // --catalog
  std::string plugin_dir;  // --plugin_dir; empty: the server's default
  std::vector<std::string> extra_args;
  // --listen. The harness always connects to 127.0.0.1:<port>, so any host that includes
  // the IPv4 loopback works (e.g. "0.0.0.0:0", to test a non-loopback bind). Keep port 0.
  std::string listen = "127.0.0.1:0";
  // How channel() (and the health waits) connect; null = plaintext. For a TLS server,
  // grpc::SslCredentials with its CA (and a client certificate for mTLS).
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  // Start() returns once the health Check answers this (overall service "").
  ServingStatus expect_health = grpc::health::v1::HealthCheckResponse::SERVING;
  absl::Duration start_timeout = absl::Seconds(30);
};

// One persona-server child listening on 127.0.0.1 on a port the kernel picked (--listen with
// port 0; the port is read from the server's structured "server_started" log line, so no other
// process can take it between choosing and binding).
class ServerProcess {
 public:
  using ServingStatus = ServerOptions::ServingStatus;

  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const ServerOptions& options);
  // Stops the server (SIGTERM, then SIGKILL after a bound) if it still runs.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& target() const { return target_; }  // "127.0.0.1:<port>"
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // The server's stderr so far (its structured log).
  std::string Log() const;
  // Log lines containing every one of `needles`.
  std::vector<std::string> LogLines(const std::vector<std::string>& needles) const;
  // Waits (bounded) until a log line contains every one of `needles`.
  bool WaitForLogLine(const std::vector<std::string>& needles, absl::Duration timeout) const;

  // One grpc.health.v1.Health/Check call.
  absl::StatusOr<ServingStatus> CheckHealth(const std::string& service = "",
                                            absl::Duration timeout = absl::Seconds(5)) const;
  // Polls Check until it answers `want`; returns the last answer's description on timeout.
  absl::Status WaitForHealth(ServingStatus want, absl::Duration timeout,
                             const std::string& service = "") const;

  absl::Status Signal(int signal_number) const;
  // True while the child has not been reaped.
  bool Running();

  struct StopResult {
    int exit_code = -1;
    int term_signal = 0;
    bool killed = false;  // did not exit within the bound after SIGTERM; SIGKILLed
    absl::Duration took;
  };
  // SIGTERM, then waits up to `timeout`; SIGKILL as the last resort (reported in `killed`).
  StopResult Stop(absl::Duration timeout = absl::Seconds(20));
  // Stop() (a no-op if it already ended), then an error unless the server exited 0 on its own
  // and its log holds no sanitizer report (ASan, LSan and UBSan write to stderr).
  absl::Status StopCleanly(absl::Duration timeout = absl::Seconds(20));

 private:
  ServerProcess() = default;

  std::unique_ptr<TempDir> dir_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  int port_ = 0;
  std::string target_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace persona::e2e
