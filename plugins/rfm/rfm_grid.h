// The RFM scoring rules shared by the segmenter and by rfm-calibrate: how a raw value is
// binned into a 1..5 score, and which named segment each R x F cell belongs to. Both sides
// include this one header so a calibrated cut point means exactly what the plugin does with
// it. Standard library only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace persona {
namespace rfm {

// Four strictly increasing cut points split one dimension into five bins.
using CutPoints = std::array<double, 4>;

// Bin 1..5 of `value`, right-closed like pandas.qcut: a value equal to a cut point falls in
// the LOWER bin (v <= c0 -> 1, c0 < v <= c1 -> 2, ..., v > c3 -> 5). Cut points are
// strictly increasing, so the bin is one plus the number of cut points below the value.
inline int BinOf(double value, const CutPoints& cuts) noexcept {
  int bin = 1;
  for (double cut : cuts) {
    if (!(value > cut)) break;
    ++bin;
  }
  return bin;
}

// F and M: more orders / more spend is a higher score.
inline int AscendingScore(double value, const CutPoints& cuts) noexcept {
  return BinOf(value, cuts);
}

// R: fewer days since the last order is a higher score (most recent = 5).
inline int RecencyScore(double days_since_last_order, const CutPoints& cuts) noexcept {
  return 6 - BinOf(days_since_last_order, cuts);
}

// The ten segments of the R x F grid (plugins/rfm/README.md maps every cell to one).
enum class Segment : uint8_t {
  kChampions = 0,
  kLoyalCustomers,
  kPotentialLoyalist,
  kNewCustomers,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCantLoseThem,
  kHibernating,
};
inline constexpr int kSegmentCount = 10;

// The catalog name ("champions", "loyal_customers", ...); static storage.
std::string_view SegmentName(Segment segment) noexcept;

// Exact (already normalised) name to segment; nullopt for an unknown name.
std::optional<Segment> ParseSegment(std::string_view name) noexcept;

// "champions, loyal_customers, ..." for error messages.
std::string ValidSegmentNames();

// The segment of cell (r, f); r and f in 1..5.
Segment SegmentForCell(int r, int f) noexcept;

}  // namespace rfm
}  // namespace persona
