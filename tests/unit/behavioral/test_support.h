// Test helpers for the behavioral segmenter: the plugin's function table as the host sees it
// (through the SDK adapter), instants at local calendar dates, and one-call scoring of a
// customer against a list of params.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <persona/sdk/testing/customer_builder.hpp>
#include <persona/sdk/testing/test_host.hpp>
#include <persona/segmenter.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "behavioral_segmenter.h"

namespace persona {
namespace behavioral {
namespace testing {

using sdk::testing::CustomerBuilder;
using sdk::testing::EventData;
using sdk::testing::OrderDetailData;
using sdk::testing::OrderItemData;
using sdk::testing::ScoreResult;
using sdk::testing::TestHost;

inline const PersonaSegmenterPlugin* Plugin() {
  return sdk::internal::Adapter<BehavioralSegmenter>::Describe("behavioral", "1.0.0",
                                                               "behavioral lens");
}

// The instant at `hour`:`minute` UTC on the given date.
inline int64_t At(int32_t year, int32_t month, int32_t day, int hour = 12, int minute = 0) {
  return sdk::DaysFromCivil(sdk::CivilDate{year, month, day}) * sdk::kSecondsPerDay + hour * 3600 +
         minute * 60;
}

// Every test scores as of 2026-06-15 12:00 UTC unless it says otherwise.
inline const int64_t kAsOf = At(2026, 6, 15);

// `days` whole days before kAsOf (same time of day).
inline int64_t DaysBefore(int64_t days) { return kAsOf - days * sdk::kSecondsPerDay; }

// An item with a category (and brand), quantity and unit price.
inline OrderItemData Item(std::string category, std::optional<double> unit_price,
                          std::optional<double> quantity = std::nullopt, std::string brand = "") {
  return OrderItemData{"sku-" + category, std::move(category), std::move(brand), quantity,
                       unit_price};
}

// Create with `config`, compile every params object, score `customer` once.
inline ScoreResult ScoreAll(std::initializer_list<std::string_view> params,
                            const PersonaCustomer& customer, bool explain = true,
                            int64_t as_of = kAsOf, std::string_view config = "{}") {
  TestHost host(Plugin());
  const std::string created = host.Create(config);
  if (!created.empty()) throw std::runtime_error("create: " + created);
  for (std::string_view p : params) {
    const std::string error = host.Compile(p);
    if (!error.empty()) throw std::runtime_error("compile " + std::string(p) + ": " + error);
  }
  ScoreResult result = host.Score(customer, explain, as_of);
  if (result.status != PERSONA_OK) throw std::runtime_error("score: " + result.error);
  return result;
}

inline ScoreResult ScoreOne(std::string_view params, const PersonaCustomer& customer,
                            bool explain = true, int64_t as_of = kAsOf) {
  return ScoreAll({params}, customer, explain, as_of);
}

// The compile error for `params` ("" when it compiles).
inline std::string CompileError(std::string_view params) {
  TestHost host(Plugin());
  host.Create("{}");
  return host.Compile(params);
}

// The detail criterion `index` reported for `field`; fails the test when there is none.
inline sdk::testing::ScoredDetail DetailOf(const ScoreResult& result, size_t index,
                                           std::string_view field) {
  for (const sdk::testing::ScoredDetail& d : result.details) {
    if (d.criterion == index && d.field == field) return d;
  }
  throw std::runtime_error("no detail " + std::string(field) + " for criterion " +
                           std::to_string(index));
}

inline std::string CreateError(std::string_view config) {
  TestHost host(Plugin());
  return host.Create(config);
}

}  // namespace testing
}  // namespace behavioral
}  // namespace persona
