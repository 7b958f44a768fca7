// A faulting segmenter's reason reaches the log through the engine, once per segmenter per
// interval however many faults arrive, and the next line says how many were held back.
#include "service/plugin_host/segmenter_fault_log.h"

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/engine/scoring_engine.h"

namespace persona {
namespace {

using ::testing::HasSubstr;

// Fails every score call with a fixed reason, as a plugin writing its error buffer would.
class FailingSegmenter : public SegmenterInstance {
 public:
  explicit FailingSegmenter(std::string reason) : reason_(std::move(reason)) {}
  absl::StatusOr<const PersonaCompiledCriterion*> Compile(const PersonaValue&) override {
    return nullptr;
  }
  bool Score(const PersonaCustomer&, const PersonaCompiledCriterion* const*, size_t,
             const PersonaScoreRequest&, PersonaCriterionScore*,
             PersonaErrorBuffer* error) const override {
    std::snprintf(error->message, error->capacity, "%s", reason_.c_str());
    return false;
  }

 private:
  std::string reason_;
};

// One persona with one criterion on each of two failing segmenters, "rfm" and "toy".
std::unique_ptr<CatalogSnapshot> TwoFailingSegmenters() {
  auto snapshot = std::make_unique<CatalogSnapshot>();
  CompiledPersona persona;
  persona.id = "p";
  for (const char* name : {"rfm", "toy"}) {
    SegmenterSlot slot;
    slot.info.name = name;
    slot.info.plugin_file = std::string("libsegmenter_") + name + ".so";
    slot.info.plugin_version = "1.0.0";
    slot.instance = std::make_unique<FailingSegmenter>(std::string(name) + " failed in score");
    slot.criteria.push_back(nullptr);
    slot.persona_of.push_back(0);
    slot.criterion_of.push_back(static_cast<uint32_t>(persona.criteria.size()));
    const auto index = static_cast<uint32_t>(snapshot->segmenters.size());
    persona.criteria.push_back(CompiledCriterion{index, 0, 1.0, false, 0.0, 0.5});
    snapshot->segmenters.push_back(std::move(slot));
  }
  persona.total_weight = 2.0;
  snapshot->personas.push_back(std::move(persona));
  snapshot->persona_index["p"] = 0;
  FinishCatalogSnapshot(snapshot.get());  // as the loader does before publishing
  return snapshot;
}

// The "segmenter_fault" lines of captured stderr.
std::vector<std::string> FaultLines(const std::string& captured) {
  std::vector<std::string> lines;
  std::istringstream in(captured);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"event\":\"segmenter_fault\"") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

class SegmenterFaultLogTest : public ::testing::Test {
 protected:
  // Scores `calls` customers; returns the fault lines logged meanwhile.
  std::vector<std::string> ScoreBurst(int calls) {
    ScoreOptions options;
    options.fault_observer = &log_;
    ScoreResult result;
    PersonaCustomer customer{};
    customer.struct_size = sizeof(customer);
    ::testing::internal::CaptureStderr();
    for (int i = 0; i < calls; ++i) {
      ScoreCustomer(*snapshot_, customer, options, &result);
      EXPECT_EQ(result.segmenter_faults, 2u);
    }
    return FaultLines(::testing::internal::GetCapturedStderr());
  }

  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  SegmenterFaultLog log_{absl::Seconds(10), [this] { return now_; }};
  std::unique_ptr<CatalogSnapshot> snapshot_ = TwoFailingSegmenters();
};

TEST_F(SegmenterFaultLogTest, BurstIsLoggedOncePerSegmenterThenWithTheSuppressedCount) {
  std::vector<std::string> lines = ScoreBurst(100);
  ASSERT_EQ(lines.size(), 2u);  // 200 faults, one line per segmenter
  EXPECT_THAT(lines[0], HasSubstr("\"level\":\"warning\""));
  EXPECT_THAT(lines[0], HasSubstr("\"segmenter\":\"rfm\""));
  EXPECT_THAT(lines[0], HasSubstr("\"plugin\":\"libsegmenter_rfm.so\""));
  EXPECT_THAT(lines[0], HasSubstr("\"plugin_version\":\"1.0.0\""));
  EXPECT_THAT(lines[0], HasSubstr("\"reason\":\"rfm failed in score\""));
  EXPECT_THAT(lines[0], HasSubstr("\"suppressed\":\"0\""));
  EXPECT_THAT(lines[1], HasSubstr("\"segmenter\":\"toy\""));
  EXPECT_THAT(lines[1], HasSubstr("\"reason\":\"toy failed in score\""));

  // Still inside the interval: counted, not logged.
  now_ += absl::Seconds(9);
  EXPECT_TRUE(ScoreBurst(50).empty());

  // The interval has passed: one line each, carrying the 149 faults held back.
  now_ += absl::Seconds(1);
  lines = ScoreBurst(1);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"segmenter\":\"rfm\""));
  EXPECT_THAT(lines[0], HasSubstr("\"suppressed\":\"149\""));
  EXPECT_THAT(lines[1], HasSubstr("\"segmenter\":\"toy\""));
  EXPECT_THAT(lines[1], HasSubstr("\"suppressed\":\"149\""));

  // And the count starts again from the line just written.
  now_ += absl::Seconds(10);
  lines = ScoreBurst(1);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"suppressed\":\"0\""));
}

TEST_F(SegmenterFaultLogTest, ReasonIsEscapedIntoOneJsonLine) {
  SegmenterInfo info;
  info.name = "toy";
  ::testing::internal::CaptureStderr();
  log_.OnSegmenterFault(info, "bad \"value\"\nsecond line");
  const std::vector<std::string> lines = FaultLines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(R"("reason":"bad \"value\"\nsecond line")"));
}

}  // namespace
}  // namespace persona
