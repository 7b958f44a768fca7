// Test helpers for the triggers segmenter: instants from local calendar times, and the
// segmenter driven through the SDK's TestHost (the adapter's C function table, as the server
// drives the plugin), so config and params are written as catalog JSON.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <persona/sdk/testing/customer_builder.hpp>
#include <persona/sdk/testing/test_host.hpp>
#include <string>
#include <string_view>

#include "triggers_segmenter.h"

namespace persona {
namespace triggers {
namespace testing {

using sdk::testing::CustomerBuilder;
using sdk::testing::ScoreResult;
using sdk::testing::TestHost;

// The instant at local time y-m-d hh:mm where clocks are `offset_seconds` ahead of UTC.
inline int64_t At(int32_t year, int32_t month, int32_t day, int32_t hour = 12, int32_t minute = 0,
                  int32_t offset_seconds = 0) {
  return sdk::DaysFromCivil(sdk::CivilDate{year, month, day}) * sdk::kSecondsPerDay + hour * 3600 +
         minute * 60 - offset_seconds;
}

inline const PersonaSegmenterPlugin* AdapterPlugin() {
  return sdk::internal::Adapter<TriggersSegmenter>::Describe("triggers", "1.0.0", "triggers lens");
}

// A Create()d host for `config`; fails the test when the config is refused.
inline std::unique_ptr<TestHost> MakeHost(std::string_view config = "{}") {
  auto host = std::make_unique<TestHost>(AdapterPlugin());
  const std::string error = host->Create(config);
  if (!error.empty()) ADD_FAILURE() << "config refused: " << error;
  return host;
}

// The message create() gives for `config`, "" when accepted.
inline std::string ConfigError(std::string_view config) {
  TestHost host(AdapterPlugin());
  return host.Create(config);
}

// The message compile() gives for `params` under `config`, "" when accepted.
inline std::string ParamsError(std::string_view params, std::string_view config = "{}") {
  TestHost host(AdapterPlugin());
  const std::string error = host.Create(config);
  if (!error.empty()) return "config refused: " + error;
  return host.Compile(params);
}

// A realistic Indonesian calendar, as in README.md.
inline constexpr char kIndonesianCalendars[] = R"({"calendars": {
  "harbolnas": {"yearly": ["11.11", "12.12"], "days_before": 2, "days_after": 0},
  "lebaran": {"dates": ["2026-03-20", "2027-03-10"], "days_before": 14, "days_after": 7},
  "payday": {"monthly": {"from_day": 25, "to_day": 31}, "days_after": 2},
  "back_to_school": {"yearly_range": {"from": "7.1", "to": "7.31"}},
  "year_end": {"yearly_range": {"from": "12.20", "to": "1.2"}}},
  "default_time_zone": "+07:00"})";

}  // namespace testing
}  // namespace triggers
}  // namespace persona
