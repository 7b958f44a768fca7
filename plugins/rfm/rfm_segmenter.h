// The RFM (recency, frequency, monetary) segmenter: the behavioural lens. Computes a
// customer's R, F and M scores (1..5) once per score call, labels the R x F segment and
// grades every persona criterion against them. See README.md for the rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <persona/segmenter.hpp>

#include "rfm_rules/rfm_grid.h"
#include "rfm_rules/rfm_metrics.h"

namespace persona {
namespace rfm {

// The segmenter's catalog `config`. Every key is optional; these are the defaults.
struct RfmConfig {
  CutPoints recency_days = {14, 30, 90, 180};
  CutPoints frequency = {1, 2, 4, 8};
  CutPoints monetary = {50, 150, 400, 1000};
  int window_days = kDefaultWindowDays;

  // Throws sdk::ParamError naming the path, e.g. "config.frequency[2]: ...".
  static RfmConfig Parse(const sdk::Value& config);
};

// One customer's R, F and M, computed once per score call and shared by every criterion.
struct CustomerRfm {
  enum class Source : uint8_t { kNone, kOrders, kSummary };

  Source source = Source::kNone;
  // Scores 1..5; 0 when the customer gave no data for that dimension.
  int r = 0;
  int f = 0;
  int m = 0;
  // The raw values behind the scores: days since the last order, orders in the window,
  // spend in the window (or the rfm summary's values).
  double days = 0.0;
  double frequency = 0.0;
  double monetary = 0.0;

  bool HasSegment() const noexcept { return r != 0 && f != 0; }
  Segment segment() const noexcept { return SegmentForCell(r, f); }  // needs HasSegment()
};

// A compiled criterion: flat data, graded with table look-ups and arithmetic.
struct RfmCriterion {
  struct Range {
    bool enabled = false;
    int min = 1;
    int max = 5;
    double weight = 1.0;
  };

  bool has_segments = false;
  double segments_weight = 1.0;
  uint16_t listed = 0;  // bit (1 << Segment) per listed segment
  // segment_steps[r - 1][f - 1]: 0 = the cell's segment is listed, 1 = the cell is one R or
  // F step (not diagonal) from a cell of a listed segment, 2 = farther.
  uint8_t segment_steps[5][5] = {};
  Range r;
  Range f;
  Range m;
  double near_miss_credit = 0.5;
};

class RfmSegmenter {
 public:
  using Criterion = RfmCriterion;

  explicit RfmSegmenter(const RfmConfig& config) : config_(config) {}

  // Load time; throw sdk::ParamError for a bad config or params.
  static std::unique_ptr<RfmSegmenter> Create(const sdk::Value& config);
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // The hot path: no allocation, no locks, no exceptions.
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  // R, F and M of one customer as of `as_of_unix_seconds` (what Score computes once).
  CustomerRfm Measure(const PersonaCustomer& customer, int64_t as_of_unix_seconds) const noexcept;

  const RfmConfig& config() const noexcept { return config_; }

 private:
  PersonaCriterionScore Grade(const Criterion& criterion, const CustomerRfm& rfm, size_t index,
                              const sdk::ScoreContext& context) const noexcept;

  RfmConfig config_;
};

}  // namespace rfm
}  // namespace persona
