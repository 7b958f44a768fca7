#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/loadgen/latency_histogram.h"

namespace persona {

struct LoadOptions {
  std::string target = "127.0.0.1:50051";
  std::string lb_policy;  // "round_robin" to spread over every address of the target
  // Full method path; any unary method works, requests are sent as raw bytes.
  std::string method = "/persona.v1.PersonaScoring/ScoreCustomer";
  // Serialized request messages, sent in turn.
  std::vector<std::string> requests;
  // Open loop (default): calls start on a fixed schedule of `rate` per second whatever the
  // server does, and latency is measured from the scheduled start, so a stalled server shows
  // up as latency instead of silently lowering the load. Closed loop: `concurrency` calls
  // always in flight, each started when the previous one ends: the maximum throughput.
  bool closed_loop = false;
  double rate = 1000;
  absl::Duration duration = absl::Seconds(10);
  // Open loop: connections the schedule is spread over. Closed loop: calls in flight.
  int concurrency = 1;
  // Closed loop: connections the calls are spread over (0: one per call, at most 8).
  int connections = 0;
  absl::Duration timeout = absl::Seconds(10);  // per call
  // Unmeasured closed-loop calls first, so connection setup and cold caches are not timed.
  absl::Duration warmup = absl::Seconds(1);
};

struct LoadResult {
  uint64_t started = 0;
  uint64_t completed = 0;
  std::array<uint64_t, 17> by_code{};  // completed calls per grpc::StatusCode
  absl::Duration elapsed;              // from the first scheduled start to the last completion
  // Open loop: how late the generator itself started a call, at worst. Large values mean the
  // load generator (not the server) could not keep the schedule.
  absl::Duration max_start_lag;
  double throughput() const;  // completed OK calls per second
  uint64_t ok() const { return by_code[0]; }
};

// Drives one unary method with the gRPC callback API: starting a call never waits for
// another one to finish. `latency` receives every completed call's latency (any status).
LoadResult RunLoad(const LoadOptions& options, LatencyHistogram* latency);

}  // namespace persona
