#include "rfm_segmenter.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace rfm {
namespace {

using sdk::ParamError;
using sdk::Value;

std::string Num(double v) { return Value::FormatNumber(v); }

// ---------------------------------------------------------------------------------------
// Load time: config and params.
// ---------------------------------------------------------------------------------------

CutPoints ParseCutPoints(const Value& v) {
  if (!v.IsList()) v.Fail("must be a list of 4 strictly increasing cut points");
  const std::vector<Value> items = v.List();
  if (items.size() != 4) {
    v.Fail("must list exactly 4 cut points, got " + std::to_string(items.size()));
  }
  CutPoints cuts{};
  for (size_t i = 0; i < items.size(); ++i) {
    const double c = items[i].Number();
    if (!std::isfinite(c)) items[i].Fail("must be a finite number");
    if (c < 0.0) items[i].Fail("must be >= 0, got " + Num(c));
    if (i > 0 && !(c > cuts[i - 1])) {
      items[i].Fail("must be greater than the previous cut point " + Num(cuts[i - 1]) +
                    " (cut points are strictly increasing), got " + Num(c));
    }
    cuts[i] = c;
  }
  return cuts;
}

int ParseWindowDays(const Value& v) {
  const double days = v.Number();
  if (days != std::floor(days)) v.Fail("must be a whole number of days, got " + Num(days));
  if (days < 1 || days > kMaxWindowDays) {
    v.Fail("must be between 1 and " + std::to_string(kMaxWindowDays) + ", got " + Num(days));
  }
  return static_cast<int>(days);
}

double ParseWeight(const Value& v) {
  const double weight = v.Number();
  if (!(weight > 0.0) || !std::isfinite(weight)) {
    v.Fail("must be greater than 0, got " + Num(weight));
  }
  return weight;
}

int ParseScore(const Value& v) {
  const double score = v.NumberIn(1, 5);
  if (score != std::floor(score)) v.Fail("must be a whole score 1..5, got " + Num(score));
  return static_cast<int>(score);
}

RfmCriterion::Range ParseRange(const Value& v) {
  if (!v.IsObject()) {
    v.Fail("must be an object {\"min\": 1..5, \"max\": 1..5, \"weight\": w}");
  }
  v.RejectUnknownKeys({"min", "max", "weight"});
  RfmCriterion::Range range;
  range.enabled = true;
  const std::optional<Value> min = v.Find("min");
  const std::optional<Value> max = v.Find("max");
  // An empty range would match everyone: most likely a mistake, never a useful rule.
  if (!min && !max) v.Fail("must give min and/or max (scores 1..5)");
  if (min) range.min = ParseScore(*min);
  if (max) range.max = ParseScore(*max);
  if (range.min > range.max) {
    v.Fail("min " + std::to_string(range.min) + " is greater than max " +
           std::to_string(range.max));
  }
  if (const std::optional<Value> weight = v.Find("weight")) range.weight = ParseWeight(*weight);
  return range;
}

uint16_t Bit(Segment segment) { return static_cast<uint16_t>(1u << static_cast<int>(segment)); }

bool Listed(uint16_t listed, int r, int f) {
  if (r < 1 || r > 5 || f < 1 || f > 5) return false;
  return (listed & Bit(SegmentForCell(r, f))) != 0;
}

void ParseSegments(const Value& v, RfmCriterion* criterion) {
  criterion->has_segments = true;
  std::optional<Value> list = v;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "weight"});
    list = v.Get("any_of");
    if (const std::optional<Value> weight = v.Find("weight")) {
      criterion->segments_weight = ParseWeight(*weight);
    }
  }
  std::vector<Value> items;
  if (list->IsString()) {
    items.push_back(*list);
  } else if (list->IsList()) {
    items = list->List();
  } else {
    list->Fail("must be a list of segment names or an object {\"any_of\": [...], \"weight\": w}");
  }
  if (items.empty())
    list->Fail("must name at least one segment (valid: " + ValidSegmentNames() + ")");
  for (const Value& item : items) {
    const std::string name = sdk::NormalizeTag(item.String());
    const std::optional<Segment> segment = ParseSegment(name);
    if (!segment) {
      item.Fail("unknown segment \"" + std::string(item.String()) +
                "\" (valid: " + ValidSegmentNames() + ")");
    }
    criterion->listed |= Bit(*segment);
  }
  // The near-miss table is built once here so the hot path is a single look-up.
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      uint8_t steps = 2;
      if (Listed(criterion->listed, r, f)) {
        steps = 0;
      } else if (Listed(criterion->listed, r - 1, f) || Listed(criterion->listed, r + 1, f) ||
                 Listed(criterion->listed, r, f - 1) || Listed(criterion->listed, r, f + 1)) {
        steps = 1;
      }
      criterion->segment_steps[r - 1][f - 1] = steps;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Hot path helpers: no allocation. Explanation text goes into stack buffers.
// ---------------------------------------------------------------------------------------

double StepAffinity(int steps, double near_miss_credit) noexcept {
  if (steps == 0) return 1.0;
  if (steps == 1) return near_miss_credit;
  return 0.0;
}

char Digit(int score) noexcept { return score == 0 ? '-' : static_cast<char>('0' + score); }

// A short account of where a dimension's raw value came from, for explanations.
void DescribeRaw(char dimension, const CustomerRfm& rfm, int window_days, char* out,
                 size_t size) noexcept {
  const bool orders = rfm.source == CustomerRfm::Source::kOrders;
  switch (dimension) {
    case 'r':
      if (orders) {
        std::snprintf(out, size, "%.15g days since the last order", rfm.days);
      } else {
        std::snprintf(out, size, "rfm.days_since_last_order %.15g", rfm.days);
      }
      break;
    case 'f':
      if (orders) {
        std::snprintf(out, size, "%.15g orders in the last %d days", rfm.frequency, window_days);
      } else {
        std::snprintf(out, size, "rfm.order_count %.15g", rfm.frequency);
      }
      break;
    default:
      if (orders) {
        std::snprintf(out, size, "spend %.15g in the last %d days", rfm.monetary, window_days);
      } else {
        std::snprintf(out, size, "rfm.total_spend %.15g", rfm.monetary);
      }
      break;
  }
}

const char* SummaryField(char dimension) noexcept {
  switch (dimension) {
    case 'r':
      return "rfm.days_since_last_order";
    case 'f':
      return "rfm.order_count";
    default:
      return "rfm.total_spend";
  }
}

void GradeRange(char dimension, const RfmCriterion::Range& range, int score, const CustomerRfm& rfm,
                const RfmCriterion& criterion, int window_days, size_t index,
                const sdk::ScoreContext& context, sdk::AffinityAccumulator* accumulator) noexcept {
  if (!range.enabled) return;
  const char field[2] = {dimension, '\0'};
  const std::string_view field_name(field, 1);
  if (score == 0) {
    accumulator->AddMissing(range.weight);
    if (context.explain()) {
      char reason[96];
      std::snprintf(reason, sizeof(reason), "no orders and no %s", SummaryField(dimension));
      context.AddDetail(index, field_name, 0.0, true, reason);
    }
    return;
  }
  int steps = 0;
  if (score < range.min) steps = range.min - score;
  if (score > range.max) steps = score - range.max;
  const double affinity = StepAffinity(steps, criterion.near_miss_credit);
  accumulator->AddPresent(range.weight, affinity);
  if (!context.explain()) return;

  const char upper = static_cast<char>(dimension - 'a' + 'A');
  char raw[96];
  DescribeRaw(dimension, rfm, window_days, raw, sizeof(raw));
  const char* side = score < range.min ? "below" : "above";
  char reason[224];
  if (steps == 0) {
    std::snprintf(reason, sizeof(reason), "%c=%d in [%d,%d] (%s)", upper, score, range.min,
                  range.max, raw);
  } else if (steps == 1) {
    std::snprintf(reason, sizeof(reason), "%c=%d, one step %s [%d,%d] (%s)", upper, score, side,
                  range.min, range.max, raw);
  } else {
    std::snprintf(reason, sizeof(reason), "%c=%d, %d steps %s [%d,%d] (%s)", upper, score, steps,
                  side, range.min, range.max, raw);
  }
  context.AddDetail(index, field_name, affinity, false, reason);
}

void ExplainSegments(const RfmCriterion& criterion, const CustomerRfm& rfm, int steps,
                     double affinity, size_t index, const sdk::ScoreContext& context) noexcept {
  const Segment segment = rfm.segment();
  const std::string_view name = SegmentName(segment);
  char reason[192];
  if (steps == 0) {
    std::snprintf(reason, sizeof(reason), "cell %d%d is %.*s, listed", rfm.r, rfm.f,
                  static_cast<int>(name.size()), name.data());
  } else if (steps == 1) {
    // Name the neighbour that earned the credit, in a fixed order (R+1, R-1, F+1, F-1).
    const int neighbours[4][2] = {
        {rfm.r + 1, rfm.f}, {rfm.r - 1, rfm.f}, {rfm.r, rfm.f + 1}, {rfm.r, rfm.f - 1}};
    int nr = rfm.r;
    int nf = rfm.f;
    for (const auto& n : neighbours) {
      if (Listed(criterion.listed, n[0], n[1])) {
        nr = n[0];
        nf = n[1];
        break;
      }
    }
    const std::string_view near = SegmentName(SegmentForCell(nr, nf));
    std::snprintf(reason, sizeof(reason), "cell %d%d is %.*s, one step from %.*s (cell %d%d)",
                  rfm.r, rfm.f, static_cast<int>(name.size()), name.data(),
                  static_cast<int>(near.size()), near.data(), nr, nf);
  } else {
    std::snprintf(reason, sizeof(reason),
                  "cell %d%d is %.*s, not listed and not one step from a listed segment", rfm.r,
                  rfm.f, static_cast<int>(name.size()), name.data());
  }
  context.AddDetail(index, "segments", affinity, false, reason);
}

void AddRangeQuiet(const RfmCriterion::Range& range, int score, double near_miss_credit,
                   sdk::AffinityAccumulator* accumulator) noexcept {
  if (!range.enabled) return;
  if (score == 0) {
    accumulator->AddMissing(range.weight);
    return;
  }
  int steps = 0;
  if (score < range.min) steps = range.min - score;
  if (score > range.max) steps = score - range.max;
  accumulator->AddPresent(range.weight, StepAffinity(steps, near_miss_credit));
}

// Grade without explanations: the hot path for thousands of criteria per call. The same
// accumulation, in the same order, as RfmSegmenter::Grade, so the numbers are identical.
PersonaCriterionScore GradeQuiet(const RfmCriterion& criterion, const CustomerRfm& rfm) noexcept {
  sdk::AffinityAccumulator accumulator;
  if (criterion.has_segments) {
    if (!rfm.HasSegment()) {
      accumulator.AddMissing(criterion.segments_weight);
    } else {
      accumulator.AddPresent(
          criterion.segments_weight,
          StepAffinity(criterion.segment_steps[rfm.r - 1][rfm.f - 1], criterion.near_miss_credit));
    }
  }
  AddRangeQuiet(criterion.r, rfm.r, criterion.near_miss_credit, &accumulator);
  AddRangeQuiet(criterion.f, rfm.f, criterion.near_miss_credit, &accumulator);
  AddRangeQuiet(criterion.m, rfm.m, criterion.near_miss_credit, &accumulator);
  return accumulator.Result();
}

}  // namespace

RfmConfig RfmConfig::Parse(const Value& config) {
  config.RejectUnknownKeys({"recency_days", "frequency", "monetary", "window_days"});
  RfmConfig out;
  if (const std::optional<Value> v = config.Find("recency_days")) {
    out.recency_days = ParseCutPoints(*v);
  }
  if (const std::optional<Value> v = config.Find("frequency")) out.frequency = ParseCutPoints(*v);
  if (const std::optional<Value> v = config.Find("monetary")) out.monetary = ParseCutPoints(*v);
  if (const std::optional<Value> v = config.Find("window_days")) {
    out.window_days = ParseWindowDays(*v);
  }
  return out;
}

std::unique_ptr<RfmSegmenter> RfmSegmenter::Create(const Value& config) {
  return std::make_unique<RfmSegmenter>(RfmConfig::Parse(config));
}

std::unique_ptr<RfmCriterion> RfmSegmenter::Compile(const Value& params) const {
  params.RejectUnknownKeys({"segments", "r", "f", "m", "near_miss_credit"});
  auto criterion = std::make_unique<RfmCriterion>();
  if (const std::optional<Value> v = params.Find("segments")) ParseSegments(*v, criterion.get());
  if (const std::optional<Value> v = params.Find("r")) criterion->r = ParseRange(*v);
  if (const std::optional<Value> v = params.Find("f")) criterion->f = ParseRange(*v);
  if (const std::optional<Value> v = params.Find("m")) criterion->m = ParseRange(*v);
  if (const std::optional<Value> v = params.Find("near_miss_credit")) {
    criterion->near_miss_credit = v->NumberIn(0, 1);
  }
  if (!criterion->has_segments && !criterion->r.enabled && !criterion->f.enabled &&
      !criterion->m.enabled) {
    params.Fail("must give at least one of segments, r, f, m");
  }
  return criterion;
}

CustomerRfm RfmSegmenter::Measure(const PersonaCustomer& customer,
                                  int64_t as_of_unix_seconds) const noexcept {
  CustomerRfm rfm;
  if (customer.order_count > 0 && customer.orders != nullptr) {
    // Orders win over a summary: they are the primary data and follow this config's window.
    const Window window = Window::Make(as_of_unix_seconds, config_.window_days);
    OrderTally tally;
    for (size_t i = 0; i < customer.order_count; ++i) {
      tally.Add(window, customer.orders[i].time_unix_seconds, customer.orders[i].amount);
    }
    rfm.source = CustomerRfm::Source::kOrders;
    rfm.days = static_cast<double>(tally.Days(window));
    rfm.frequency = static_cast<double>(tally.window_orders);
    rfm.monetary = tally.window_spend;
  } else {
    // The summary's fields are independent: each one missing leaves only its dimension
    // unknown. The host validated them; the checks only keep garbage out of the bins.
    const auto usable = [](const PersonaOptionalNumber& n) {
      return n.present != 0 && std::isfinite(n.value) && n.value >= 0.0;
    };
    const bool has_r = usable(customer.rfm_days_since_last_order);
    const bool has_f = usable(customer.rfm_order_count);
    const bool has_m = usable(customer.rfm_total_spend);
    if (!has_r && !has_f && !has_m) return rfm;
    rfm.source = CustomerRfm::Source::kSummary;
    if (has_r) {
      rfm.days = customer.rfm_days_since_last_order.value;
      rfm.r = RecencyScore(rfm.days, config_.recency_days);
    }
    if (has_f) {
      rfm.frequency = customer.rfm_order_count.value;
      rfm.f = AscendingScore(rfm.frequency, config_.frequency);
    }
    if (has_m) {
      rfm.monetary = customer.rfm_total_spend.value;
      rfm.m = AscendingScore(rfm.monetary, config_.monetary);
    }
    return rfm;
  }
  rfm.r = RecencyScore(rfm.days, config_.recency_days);
  rfm.f = AscendingScore(rfm.frequency, config_.frequency);
  rfm.m = AscendingScore(rfm.monetary, config_.monetary);
  return rfm;
}

void RfmSegmenter::Score(const PersonaCustomer& customer, const Criterion* const* criteria,
                         size_t count, const sdk::ScoreContext& context,
                         PersonaCriterionScore* scores) const noexcept {
  const CustomerRfm rfm = Measure(customer, context.as_of_unix_seconds());
  // Labels describe the customer, not a persona, so they go out even when no criterion
  // uses this segmenter (count == 0).
  if (rfm.source != CustomerRfm::Source::kNone) {
    if (rfm.HasSegment()) context.AddLabel("", SegmentName(rfm.segment()));
    const char cell[3] = {Digit(rfm.r), Digit(rfm.f), Digit(rfm.m)};
    context.AddLabel("rfm_cell", std::string_view(cell, sizeof(cell)));
  }
  if (!context.explain()) {
    for (size_t i = 0; i < count; ++i) scores[i] = GradeQuiet(*criteria[i], rfm);
    return;
  }
  for (size_t i = 0; i < count; ++i) scores[i] = Grade(*criteria[i], rfm, i, context);
}

PersonaCriterionScore RfmSegmenter::Grade(const Criterion& criterion, const CustomerRfm& rfm,
                                          size_t index,
                                          const sdk::ScoreContext& context) const noexcept {
  sdk::AffinityAccumulator accumulator;
  if (criterion.has_segments) {
    if (!rfm.HasSegment()) {
      accumulator.AddMissing(criterion.segments_weight);
      if (context.explain()) {
        const char* reason =
            rfm.r == 0 && rfm.f == 0
                ? "needs R and F: no orders and no rfm.days_since_last_order or rfm.order_count"
            : rfm.r == 0 ? "needs R and F: no orders and no rfm.days_since_last_order"
                         : "needs R and F: no orders and no rfm.order_count";
        context.AddDetail(index, "segments", 0.0, true, reason);
      }
    } else {
      const int steps = criterion.segment_steps[rfm.r - 1][rfm.f - 1];
      const double affinity = StepAffinity(steps, criterion.near_miss_credit);
      accumulator.AddPresent(criterion.segments_weight, affinity);
      if (context.explain()) ExplainSegments(criterion, rfm, steps, affinity, index, context);
    }
  }
  GradeRange('r', criterion.r, rfm.r, rfm, criterion, config_.window_days, index, context,
             &accumulator);
  GradeRange('f', criterion.f, rfm.f, rfm, criterion, config_.window_days, index, context,
             &accumulator);
  GradeRange('m', criterion.m, rfm.m, rfm, criterion, config_.window_days, index, context,
             &accumulator);
  return accumulator.Result();
}

}  // namespace rfm
}  // namespace persona
