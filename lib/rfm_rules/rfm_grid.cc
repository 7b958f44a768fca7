#include "rfm_rules/rfm_grid.h"

namespace persona {
namespace rfm {
namespace {

constexpr std::array<std::string_view, kSegmentCount> kSegmentNames = {
    "champions",      "loyal_customers", "potential_loyalist", "new_customers",
    "promising",      "need_attention",  "about_to_sleep",     "at_risk",
    "cant_lose_them", "hibernating",
};

// Short names so each R row of the grid below reads as one line.
constexpr Segment kHib = Segment::kHibernating;
constexpr Segment kRisk = Segment::kAtRisk;
constexpr Segment kCant = Segment::kCantLoseThem;
constexpr Segment kSleep = Segment::kAboutToSleep;
constexpr Segment kAttn = Segment::kNeedAttention;
constexpr Segment kLoyal = Segment::kLoyalCustomers;
constexpr Segment kPromis = Segment::kPromising;
constexpr Segment kPotent = Segment::kPotentialLoyalist;
constexpr Segment kNew = Segment::kNewCustomers;
constexpr Segment kChamp = Segment::kChampions;

// kGrid[r - 1][f - 1]. Rows are R (5 = bought most recently), columns F1..F5. Written out
// in full so the table here, the README and the per-cell unit tests can be compared line
// by line.
constexpr Segment kGrid[5][5] = {
    /* R1 */ {kHib, kHib, kRisk, kRisk, kCant},
    /* R2 */ {kHib, kHib, kRisk, kRisk, kCant},
    /* R3 */ {kSleep, kSleep, kAttn, kLoyal, kLoyal},
    /* R4 */ {kPromis, kPotent, kPotent, kLoyal, kLoyal},
    /* R5 */ {kNew, kPotent, kPotent, kChamp, kChamp},
};

}  // namespace

std::string_view SegmentName(Segment segment) noexcept {
  return kSegmentNames[static_cast<size_t>(segment)];
}

std::optional<Segment> ParseSegment(std::string_view name) noexcept {
  for (size_t i = 0; i < kSegmentNames.size(); ++i) {
    if (kSegmentNames[i] == name) return static_cast<Segment>(i);
  }
  return std::nullopt;
}

std::string ValidSegmentNames() {
  std::string out;
  for (std::string_view name : kSegmentNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

Segment SegmentForCell(int r, int f) noexcept { return kGrid[r - 1][f - 1]; }

}  // namespace rfm
}  // namespace persona
