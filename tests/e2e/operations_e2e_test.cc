// Operator-facing behaviour of the real binaries: the Prometheus endpoint of a running
// server, and persona-cli rfm-calibrate on an order history with heavy ties.
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

using ::testing::HasSubstr;

TEST(E2eOperations, MetricsEndpointCountersMoveWithTraffic) {
  const int metrics_port = FreeLoopbackPort();
  ServerOptions options;
  options.binary = PERSONA_SERVER_BINARY;
  options.catalog = std::string(PERSONA_SOURCE_DIR) + "/deploy/catalog";
  options.plugin_dir = PERSONA_PLUGIN_DIR;
  options.extra_args = {absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port)};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  const std::string before = HttpGet(metrics_port, "/metrics");
  ASSERT_THAT(before, HasSubstr("200 OK"));
  EXPECT_THAT(before, HasSubstr("persona_catalog_info{version=\"2026-12-07.1\"} 1"));
  EXPECT_THAT(before, HasSubstr("persona_personas_loaded 5"));
  EXPECT_THAT(before, HasSubstr("persona_catalog_reloads_total{outcome=\"ok\"} 1"));

  auto stub = persona::v1::PersonaScoring::NewStub((*server)->channel());
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    persona::v1::ScoreCustomerRequest request;
    request.mutable_customer()->mutable_demographics()->set_age(30);
    persona::v1::ScoreCustomerResponse response;
    ASSERT_TRUE(stub->ScoreCustomer(&context, request, &response).ok());
  }
  grpc::ClientContext bad_context;
  persona::v1::ScoreCustomerRequest bad;
  bad.mutable_customer()->mutable_demographics()->set_age(999);
  persona::v1::ScoreCustomerResponse ignored;
  EXPECT_EQ(stub->ScoreCustomer(&bad_context, bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const std::string after = HttpGet(metrics_port, "/metrics");
  EXPECT_THAT(after,
              HasSubstr("persona_rpc_requests_total{code=\"OK\",method=\"ScoreCustomer\"} 3"));
  EXPECT_THAT(after, HasSubstr("persona_rpc_requests_total{code=\"INVALID_ARGUMENT\",method="
                               "\"ScoreCustomer\"} 1"));
  EXPECT_THAT(after, HasSubstr("persona_rpc_duration_seconds_count{method=\"ScoreCustomer\"} 4"));
  EXPECT_THAT(after, HasSubstr("persona_segmenter_score_seconds_count{segmenter=\"rfm\"} 3"));
  const auto stopped = (*server)->Stop();
  EXPECT_EQ(stopped.exit_code, 0);
}

TEST(E2eOperations, RfmCalibrateHandlesHeavyTiesAndPrintsAConfig) {
  TempDir dir;
  // 500 customers: half bought exactly once, recency and spend spread out.
  std::ostringstream csv;
  csv << "customer_id,order_id,time,amount\n";
  int order = 0;
  for (int c = 0; c < 500; ++c) {
    const int orders = c % 2 == 0 ? 1 : 1 + c % 9;
    for (int o = 0; o < orders; ++o) {
      csv << "c" << c << ",o" << ++order << "," << 1790000000 - (c * 7 + o) * 3600 * 5 << ","
          << 10 + (c * 13 + o * 7) % 400 << "\n";
    }
  }
  const std::string path = dir.Write("orders.csv", csv.str());
  const ProcessResult result = RunProcess({PERSONA_CLI_BINARY, "rfm-calibrate", path});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out, HasSubstr("\"recency_days\": ["));
  EXPECT_THAT(result.out, HasSubstr("\"frequency\": ["));
  EXPECT_THAT(result.out, HasSubstr("\"window_days\": 365"));
  // The ties are reported, not hidden: the report names the moved cut points / uneven bins.
  EXPECT_THAT(result.err, HasSubstr("customers: 500"));
  EXPECT_THAT(result.err, HasSubstr("frequency: the 40% quantile"));
  EXPECT_THAT(result.err, HasSubstr("(ties); moved up to the next distinct value"));

  // Too few distinct values: an error and a non-zero exit, never duplicate cut points.
  const std::string flat = dir.Write(
      "flat.csv", "customer_id,order_id,time,amount\na,1,1790000000,5\nb,2,1790000000,5\n");
  const ProcessResult refused = RunProcess({PERSONA_CLI_BINARY, "rfm-calibrate", flat});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(refused.err, HasSubstr("distinct"));
}

}  // namespace
}  // namespace persona::e2e
