// Scraping a server's Prometheus endpoint from end-to-end tests.
#pragma once

#include <optional>
#include <string>

namespace persona::e2e {

// A loopback TCP port that was free a moment ago (for --metrics_listen, which must be told
// its port). Another process may take it in between; tests accept that small risk.
int FreeLoopbackPort();

// GET http://127.0.0.1:<port><path> over HTTP/1.0; the raw response (status line, headers and
// body), or empty if nothing answered.
std::string HttpGet(int port, const std::string& path);

// The value of one series in a Prometheus text exposition, e.g.
// `persona_segmenter_faults_total` or `persona_rpc_requests_total{code="OK",method="X"}`
// (labels exactly as the server prints them); nullopt if the series is absent.
std::optional<double> MetricValue(const std::string& exposition, const std::string& series);

}  // namespace persona::e2e
