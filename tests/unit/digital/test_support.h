// Test helpers for the digital segmenter: the plugin's function table as the SDK adapter
// builds it (the same the .so exports), driven by the SDK's TestHost, and the instants the
// tests score at.
#pragma once

#include <cstdint>
#include <persona/sdk/testing/customer_builder.hpp>
#include <persona/sdk/testing/test_host.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "digital_segmenter.h"

namespace persona {
namespace digital {
namespace testing {

using sdk::testing::CustomerBuilder;
using sdk::testing::EventData;
using sdk::testing::ScoreResult;
using sdk::testing::TestHost;

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;
// 2026-01-01T00:00:00Z: what every test scores as of.
constexpr int64_t kAsOf = sdk::testing::kDefaultTestAsOf;
// Asia/Jakarta, UTC+7: as_of is 2026-01-01 07:00 there.
constexpr int32_t kJakarta = 7 * 3600;

inline const PersonaSegmenterPlugin* Plugin() {
  return sdk::internal::Adapter<DigitalSegmenter>::Describe("digital", "1.0.0", "digital lens");
}

// An event on `device` (and `channel`, if any) at `time`.
inline EventData On(std::string device, std::string channel = "") {
  EventData data;
  data.device = std::move(device);
  data.channel = std::move(channel);
  return data;
}

// The Compile error for `params_json` with config `config_json`, "" when it compiles.
inline std::string CompileError(std::string_view params_json, std::string_view config_json = "{}") {
  TestHost host(Plugin());
  const std::string created = host.Create(config_json);
  if (!created.empty()) return "create: " + created;
  return host.Compile(params_json);
}

inline std::string CreateError(std::string_view config_json) {
  TestHost host(Plugin());
  return host.Create(config_json);
}

// Scores `customer` against one criterion; explain on.
inline ScoreResult ScoreOne(std::string_view params_json, const PersonaCustomer& customer,
                            std::string_view config_json = "{}") {
  TestHost host(Plugin());
  const std::string created = host.Create(config_json);
  if (!created.empty()) throw std::runtime_error("create: " + created);
  const std::string compiled = host.Compile(params_json);
  if (!compiled.empty()) throw std::runtime_error("compile: " + compiled);
  ScoreResult result = host.Score(customer, /*explain=*/true, kAsOf);
  if (result.status != PERSONA_OK || result.scores.size() != 1) {
    throw std::runtime_error("score failed: " + result.error);
  }
  return result;
}

// How many labels `key` the call reported.
inline size_t LabelCount(const ScoreResult& result, std::string_view key) {
  size_t n = 0;
  for (const auto& label : result.labels) n += label.first == key ? 1 : 0;
  return n;
}

}  // namespace testing
}  // namespace digital
}  // namespace persona
