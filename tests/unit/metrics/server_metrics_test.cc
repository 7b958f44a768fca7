#include "service/metrics/server_metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A plain HTTP/1.0 GET, as a Prometheus server scrapes.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string body;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) body.append(buffer, n);
  close(fd);
  return body;
}

TEST(ServerMetricsTest, ShadowPromoteAndAuditSeriesMove) {
  const int port = FreePort();
  auto metrics = ServerMetrics::Start("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  (*metrics)->OnCandidateStaged(true);
  (*metrics)->OnShadowCompared(true);
  (*metrics)->OnShadowCompared(false);
  (*metrics)->OnShadowDropped();
  (*metrics)->OnShadowFailed();
  (*metrics)->OnAuditWriteFailed();
  (*metrics)->OnRpcDone("PromoteCatalog", absl::StatusCode::kFailedPrecondition,
                        absl::Microseconds(50));
  CatalogSnapshot snapshot;
  snapshot.version = "promoted";
  ReloadOutcome promote;
  promote.applied = true;
  promote.how = "promote";
  (*metrics)->OnReload(promote, &snapshot);  // moves the version, is not a reload

  std::string text = Scrape(port);
  EXPECT_THAT(text, HasSubstr("persona_candidate_staged 1"));
  EXPECT_THAT(text, HasSubstr("persona_shadow_comparisons_total 2"));
  EXPECT_THAT(text, HasSubstr("persona_shadow_top1_agreements_total 1"));
  EXPECT_THAT(text, HasSubstr("persona_shadow_dropped_total 1"));
  EXPECT_THAT(text, HasSubstr("persona_shadow_failures_total 1"));
  EXPECT_THAT(text, HasSubstr("persona_audit_write_failures_total 1"));
  EXPECT_THAT(text, HasSubstr("persona_rpc_requests_total{code=\"FAILED_PRECONDITION\","
                              "method=\"PromoteCatalog\"} 1"));
  EXPECT_THAT(text, HasSubstr("persona_catalog_info{version=\"promoted\"} 1"));
  EXPECT_THAT(text, HasSubstr("persona_catalog_reloads_total{outcome=\"ok\"} 0"));
  (*metrics)->OnCandidateStaged(false);
  text = Scrape(port);
  EXPECT_THAT(text, HasSubstr("persona_candidate_staged 0"));
}

TEST(ServerMetricsTest, CountersMoveAndAreScrapable) {
  const int port = FreePort();
  auto metrics = ServerMetrics::Start("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(metrics.ok()) << metrics.status();

  (*metrics)->OnRpcDone("ScoreCustomer", absl::StatusCode::kOk, absl::Microseconds(80));
  (*metrics)->OnRpcDone("ScoreCustomer", absl::StatusCode::kOk, absl::Microseconds(120));
  (*metrics)->OnRpcDone("ScoreCustomer", absl::StatusCode::kInvalidArgument,
                        absl::Microseconds(30));
  (*metrics)->OnRpcDone("ScoreCustomerBatches", absl::StatusCode::kOk, absl::Milliseconds(9));
  CatalogSnapshot snapshot;
  snapshot.version = "2026-11-22.1";
  snapshot.personas.resize(5);
  snapshot.segmenters.resize(2);
  snapshot.segmenters[0].info.name = "demographic";
  snapshot.segmenters[1].info.name = "rfm";
  ScoreStats stats;
  stats.faulted_segmenters = {1, 1};  // rfm faulted twice
  stats.segmenter_nanos = {300, 4000};
  (*metrics)->OnScored(snapshot, stats);  // before any reload: the lookup path
  ReloadOutcome ok;
  ok.applied = true;
  (*metrics)->OnReload(ok, &snapshot);
  ReloadOutcome rejected;
  (*metrics)->OnReload(rejected, &snapshot);
  snapshot.version = "2026-11-22.2";
  (*metrics)->OnReload(ok, &snapshot);
  stats.faulted_segmenters = {0};         // demographic once
  (*metrics)->OnScored(snapshot, stats);  // the precomputed path

  const std::string text = Scrape(port);
  EXPECT_THAT(text, HasSubstr("200 OK"));
  EXPECT_THAT(text,
              HasSubstr("persona_rpc_requests_total{code=\"OK\",method=\"ScoreCustomer\"} 2"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "persona_rpc_requests_total{code=\"INVALID_ARGUMENT\",method=\"ScoreCustomer\"} 1"));
  EXPECT_THAT(text, HasSubstr("persona_rpc_duration_seconds_count{method=\"ScoreCustomer\"} 3"));
  EXPECT_THAT(
      text, HasSubstr("persona_rpc_requests_total{code=\"OK\",method=\"ScoreCustomerBatches\"} 1"));
  // Faults are counted per segmenter, on the lookup path and the precomputed one alike.
  EXPECT_THAT(text, HasSubstr("persona_segmenter_faults_total{segmenter=\"rfm\"} 2"));
  EXPECT_THAT(text, HasSubstr("persona_segmenter_faults_total{segmenter=\"demographic\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("\npersona_segmenter_faults_total ")));  // none unlabelled
  EXPECT_THAT(text, HasSubstr("persona_catalog_reloads_total{outcome=\"ok\"} 2"));
  EXPECT_THAT(text, HasSubstr("persona_catalog_reloads_total{outcome=\"rejected\"} 1"));
  EXPECT_THAT(text, HasSubstr("persona_personas_loaded 5"));
  EXPECT_THAT(text, HasSubstr("persona_segmenter_score_seconds_count{segmenter=\"rfm\"} 2"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "persona_segmenter_score_seconds_bucket{segmenter=\"demographic\",le=\"5e-07\"} 2"));
  // Only the serving version is 1; the replaced one is gone.
  EXPECT_THAT(text, HasSubstr("persona_catalog_info{version=\"2026-11-22.2\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("version=\"2026-11-22.1\"")));
}

TEST(ServerMetricsTest, EverySegmenterOfTheServingCatalogHasAFaultSeriesFromTheStart) {
  const int port = FreePort();
  auto metrics = ServerMetrics::Start("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  CatalogSnapshot snapshot;
  snapshot.segmenters.resize(2);
  snapshot.segmenters[0].info.name = "demographic";
  snapshot.segmenters[1].info.name = "rfm";
  ReloadOutcome ok;
  ok.applied = true;
  (*metrics)->OnReload(ok, &snapshot);
  const std::string text = Scrape(port);
  EXPECT_THAT(text, HasSubstr("persona_segmenter_faults_total{segmenter=\"demographic\"} 0"));
  EXPECT_THAT(text, HasSubstr("persona_segmenter_faults_total{segmenter=\"rfm\"} 0"));
}

TEST(ServerMetricsTest, UnbindableAddressIsAnError) {
  auto metrics = ServerMetrics::Start("256.1.1.1:1");
  EXPECT_FALSE(metrics.ok());
}

}  // namespace
}  // namespace persona
