// Unit tests for the RFM segmenter: config, binning, the 25-cell grid, measuring R/F/M from
// orders and from the summary, grading, labels, explanations, the C ABI (through the SDK
// adapter and through the built .so) and the hot path's no-allocation rule.
#include "rfm_segmenter.h"

#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

// Counts every operator new in this binary, to prove Score does not allocate.
namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Every replaceable allocation form goes through the same two functions, so that each
// pointer is freed by the family that allocated it (ASan checks the pairing).
// GCC 12 pairs the replaced operator delete's free() with the replaced operator new's
// malloc() across inlining and warns of a mismatch that is not there (both are replaced
// together, below); the warning is a known false positive for this pattern.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return operator new(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace persona {
namespace rfm {
namespace {

using testing::Capture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonTree;
using testing::kAsOf;
using testing::kDay;
using testing::TestCustomer;

std::unique_ptr<RfmSegmenter> MakeSegmenter(std::string_view config = "{}") {
  JsonTree tree(config);
  return RfmSegmenter::Create(sdk::Value(tree.root(), "config"));
}

std::string ConfigError(std::string_view config) {
  try {
    MakeSegmenter(config);
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "(no error)";
}

std::unique_ptr<RfmCriterion> Compile(const RfmSegmenter& segmenter, std::string_view params) {
  JsonTree tree(params);
  return segmenter.Compile(sdk::Value(tree.root(), "params"));
}

std::string ParamsError(std::string_view params) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  try {
    Compile(*segmenter, params);
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "(no error)";
}

struct Scored {
  std::vector<PersonaCriterionScore> scores;
  std::unique_ptr<Capture> capture;
};

Scored ScoreAll(const RfmSegmenter& segmenter, const PersonaCustomer& customer,
                const std::vector<const RfmCriterion*>& criteria, bool explain = false) {
  Scored out;
  out.capture = std::make_unique<Capture>(kAsOf, explain);
  out.scores.assign(criteria.size(), PersonaCriterionScore{-1.0, -1.0});
  segmenter.Score(customer, criteria.data(), criteria.size(),
                  sdk::ScoreContext(&out.capture->request), out.scores.data());
  return out;
}

// One criterion, one customer: the resulting score.
PersonaCriterionScore ScoreOne(std::string_view params, TestCustomer& customer,
                               std::string_view config = "{}") {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter(config);
  const std::unique_ptr<RfmCriterion> criterion = Compile(*segmenter, params);
  return ScoreAll(*segmenter, customer.get(), {criterion.get()}).scores[0];
}

// A summary-only customer in cell (r, f) under the default cut points.
TestCustomer CellCustomer(int r, int f, std::optional<double> spend = std::nullopt) {
  static constexpr double kDaysForR[6] = {0, 365, 120, 60, 20, 0};  // R1..R5
  static constexpr double kCountForF[6] = {0, 1, 2, 3, 6, 10};      // F1..F5
  TestCustomer c;
  c.Summary(kDaysForR[r], kCountForF[f], spend);
  return c;
}

// Cell 545 from orders: last order 2 days ago, 6 orders of 200 within the window.
TestCustomer Champion545() {
  TestCustomer c;
  for (int i = 0; i < 6; ++i) c.OrderDaysAgo(2 + 30 * i, 200);
  return c;
}

// ---------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------

TEST(RfmConfigTest, EmptyConfigUsesDefaults) {
  const RfmConfig config = MakeSegmenter("{}")->config();
  EXPECT_THAT(config.recency_days, ElementsAre(14, 30, 90, 180));
  EXPECT_THAT(config.frequency, ElementsAre(1, 2, 4, 8));
  EXPECT_THAT(config.monetary, ElementsAre(50, 150, 400, 1000));
  EXPECT_EQ(config.window_days, 365);
}

TEST(RfmConfigTest, ParsesEveryKey) {
  const RfmConfig config = MakeSegmenter(
                               R"({"recency_days": [7, 21, 60, 120], "frequency": [0, 1, 3, 9.5],
                                   "monetary": [10, 20.25, 30, 40], "window_days": 90})")
                               ->config();
  EXPECT_THAT(config.recency_days, ElementsAre(7, 21, 60, 120));
  EXPECT_THAT(config.frequency, ElementsAre(0, 1, 3, 9.5));
  EXPECT_THAT(config.monetary, ElementsAre(10, 20.25, 30, 40));
  EXPECT_EQ(config.window_days, 90);
}

TEST(RfmConfigTest, KeysDefaultIndependently) {
  const RfmConfig config = MakeSegmenter(R"({"frequency": [2, 3, 5, 10]})")->config();
  EXPECT_THAT(config.frequency, ElementsAre(2, 3, 5, 10));
  EXPECT_THAT(config.recency_days, ElementsAre(14, 30, 90, 180));
  EXPECT_EQ(config.window_days, 365);
}

struct ErrorCase {
  const char* json;
  const char* message;
};

struct BinCase {
  double value;
  int score;
};

// gtest prints parameters into test names; without these it prints raw bytes.
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.json; }
void PrintTo(const BinCase& c, std::ostream* os) { *os << c.value << " -> " << c.score; }

std::string ErrorCaseName(const ::testing::TestParamInfo<ErrorCase>& info) {
  return "Case" + std::to_string(info.index);
}

std::string BinCaseName(const ::testing::TestParamInfo<BinCase>& info) {
  std::string name = "Value" + std::to_string(info.param.value);
  for (char& c : name) c = c == '.' ? '_' : c;
  return name + "_Score" + std::to_string(info.param.score);
}

class RfmConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RfmConfigErrorTest, NamesPathAndRule) {
  EXPECT_EQ(ConfigError(GetParam().json), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, RfmConfigErrorTest,
    ::testing::Values(
        ErrorCase{R"({"frequency": [1, 2, 2, 8]})",
                  "config.frequency[2]: must be greater than the previous cut point 2 (cut "
                  "points are strictly increasing), got 2"},
        ErrorCase{R"({"frequency": [1, 5, 4, 8]})",
                  "config.frequency[2]: must be greater than the previous cut point 5 (cut "
                  "points are strictly increasing), got 4"},
        ErrorCase{R"({"frequency": [1, 2, 4]})",
                  "config.frequency: must list exactly 4 cut points, got 3"},
        ErrorCase{R"({"monetary": [1, 2, 3, 4, 5]})",
                  "config.monetary: must list exactly 4 cut points, got 5"},
        ErrorCase{R"({"monetary": [-1, 2, 3, 4]})", "config.monetary[0]: must be >= 0, got -1"},
        ErrorCase{R"({"recency_days": [1, "7", 30, 90]})",
                  "config.recency_days[1]: must be a number"},
        ErrorCase{R"({"recency_days": 14})",
                  "config.recency_days: must be a list of 4 strictly increasing cut points"},
        ErrorCase{R"({"window_days": 0})",
                  "config.window_days: must be between 1 and 100000, got 0"},
        ErrorCase{R"({"window_days": 30.5})",
                  "config.window_days: must be a whole number of days, got 30.5"},
        ErrorCase{R"({"window_days": "365"})", "config.window_days: must be a number"},
        ErrorCase{R"({"windows_days": 30})",
                  "config.windows_days: unknown parameter (known: recency_days, frequency, "
                  "monetary, window_days)"}),
    ErrorCaseName);

// ---------------------------------------------------------------------------------------
// Binning: right-closed, a value on a cut point falls in the lower bin.
// ---------------------------------------------------------------------------------------

class AscendingBinTest : public ::testing::TestWithParam<BinCase> {};

TEST_P(AscendingBinTest, RightClosed) {
  EXPECT_EQ(AscendingScore(GetParam().value, CutPoints{1, 2, 4, 8}), GetParam().score)
      << "value " << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(DefaultFrequencyCuts, AscendingBinTest,
                         ::testing::Values(BinCase{0, 1}, BinCase{1, 1}, BinCase{1.5, 2},
                                           BinCase{2, 2}, BinCase{3, 3}, BinCase{4, 3},
                                           BinCase{4.0001, 4}, BinCase{8, 4}, BinCase{8.0001, 5},
                                           BinCase{1e9, 5}),
                         BinCaseName);

class RecencyBinTest : public ::testing::TestWithParam<BinCase> {};

TEST_P(RecencyBinTest, MostRecentIsFive) {
  EXPECT_EQ(RecencyScore(GetParam().value, CutPoints{14, 30, 90, 180}), GetParam().score)
      << "days " << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(DefaultRecencyCuts, RecencyBinTest,
                         ::testing::Values(BinCase{0, 5}, BinCase{14, 5}, BinCase{15, 4},
                                           BinCase{30, 4}, BinCase{31, 3}, BinCase{90, 3},
                                           BinCase{91, 2}, BinCase{180, 2}, BinCase{181, 1},
                                           BinCase{10000, 1}),
                         BinCaseName);

// ---------------------------------------------------------------------------------------
// The R x F grid: one test per cell, plus reachability.
// ---------------------------------------------------------------------------------------

struct CellCase {
  int r;
  int f;
  const char* segment;
};

// The README's table, written out independently of rfm_grid.cc.
constexpr CellCase kCells[] = {
    {1, 1, "hibernating"},
    {1, 2, "hibernating"},
    {1, 3, "at_risk"},
    {1, 4, "at_risk"},
    {1, 5, "cant_lose_them"},
    {2, 1, "hibernating"},
    {2, 2, "hibernating"},
    {2, 3, "at_risk"},
    {2, 4, "at_risk"},
    {2, 5, "cant_lose_them"},
    {3, 1, "about_to_sleep"},
    {3, 2, "about_to_sleep"},
    {3, 3, "need_attention"},
    {3, 4, "loyal_customers"},
    {3, 5, "loyal_customers"},
    {4, 1, "promising"},
    {4, 2, "potential_loyalist"},
    {4, 3, "potential_loyalist"},
    {4, 4, "loyal_customers"},
    {4, 5, "loyal_customers"},
    {5, 1, "new_customers"},
    {5, 2, "potential_loyalist"},
    {5, 3, "potential_loyalist"},
    {5, 4, "champions"},
    {5, 5, "champions"},
};

void PrintTo(const CellCase& c, std::ostream* os) {
  *os << "R" << c.r << " F" << c.f << " " << c.segment;
}

class RfmGridTest : public ::testing::TestWithParam<CellCase> {};

TEST_P(RfmGridTest, CellMapsToSegment) {
  const CellCase& cell = GetParam();
  EXPECT_EQ(SegmentName(SegmentForCell(cell.r, cell.f)), cell.segment);

  // And end to end: a customer in that cell is labelled with it.
  TestCustomer customer = CellCustomer(cell.r, cell.f, 100);
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const Scored scored = ScoreAll(*segmenter, customer.get(), {});
  EXPECT_EQ(scored.capture->Label(""), std::string(cell.segment));
  EXPECT_EQ(scored.capture->Label("rfm_cell"),
            std::to_string(cell.r) + std::to_string(cell.f) + "2");
}

INSTANTIATE_TEST_SUITE_P(AllCells, RfmGridTest, ::testing::ValuesIn(kCells),
                         [](const ::testing::TestParamInfo<CellCase>& info) {
                           return "R" + std::to_string(info.param.r) + "F" +
                                  std::to_string(info.param.f) + "_" + info.param.segment;
                         });

TEST(RfmGridTest, TableCoversEveryCellOnce) {
  std::set<std::pair<int, int>> cells;
  for (const CellCase& c : kCells) cells.emplace(c.r, c.f);
  EXPECT_EQ(cells.size(), 25u);
}

TEST(RfmGridTest, EverySegmentIsReachable) {
  std::set<std::string> reached;
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) reached.emplace(SegmentName(SegmentForCell(r, f)));
  }
  EXPECT_THAT(reached, ::testing::UnorderedElementsAre(
                           "champions", "loyal_customers", "potential_loyalist", "new_customers",
                           "promising", "need_attention", "about_to_sleep", "at_risk",
                           "cant_lose_them", "hibernating"));
  for (int s = 0; s < kSegmentCount; ++s) {
    const Segment segment = static_cast<Segment>(s);
    EXPECT_EQ(ParseSegment(SegmentName(segment)), segment);
  }
  EXPECT_EQ(ParseSegment("champion"), std::nullopt);
}

// ---------------------------------------------------------------------------------------
// Measuring R, F, M
// ---------------------------------------------------------------------------------------

TEST(RfmMeasureTest, DaysRoundDown) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  struct Case {
    int64_t seconds_ago;
    double days;
    int r;
  };
  for (const Case& c :
       {Case{0, 0, 5}, Case{kDay - 1, 0, 5}, Case{kDay, 1, 5}, Case{15 * kDay - 1, 14, 5},
        Case{15 * kDay, 15, 4}, Case{181 * kDay - 1, 180, 2}, Case{181 * kDay, 181, 1}}) {
    TestCustomer customer;
    customer.OrderAt(kAsOf - c.seconds_ago, 10);
    const CustomerRfm rfm = segmenter->Measure(customer.get(), kAsOf);
    EXPECT_EQ(rfm.days, c.days) << c.seconds_ago;
    EXPECT_EQ(rfm.r, c.r) << c.seconds_ago;
  }
}

TEST(RfmMeasureTest, WindowIsOpenAtItsStartAndClosedAtAsOf) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter(R"({"window_days": 30})");
  TestCustomer customer;
  customer.OrderAt(kAsOf - 30 * kDay, 1000);     // exactly window_days ago: outside
  customer.OrderAt(kAsOf - 30 * kDay + 1, 100);  // one second later: inside
  customer.OrderAt(kAsOf, 60);                   // at as_of: inside
  const CustomerRfm rfm = segmenter->Measure(customer.get(), kAsOf);
  EXPECT_EQ(rfm.source, CustomerRfm::Source::kOrders);
  EXPECT_EQ(rfm.frequency, 2);
  EXPECT_EQ(rfm.monetary, 160);
  EXPECT_EQ(rfm.days, 0);
  EXPECT_EQ(rfm.f, 2);  // 1 < 2 <= 2
  EXPECT_EQ(rfm.m, 3);  // 150 < 160 <= 400
}

TEST(RfmMeasureTest, OrdersOutsideTheWindowStillCountForRecency) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  TestCustomer customer;
  customer.OrderDaysAgo(400, 5000).OrderDaysAgo(500, 5000);
  const Scored scored = ScoreAll(*segmenter, customer.get(), {});
  const CustomerRfm rfm = segmenter->Measure(customer.get(), kAsOf);
  EXPECT_EQ(rfm.days, 400);
  EXPECT_EQ(rfm.frequency, 0);
  EXPECT_EQ(rfm.monetary, 0);
  EXPECT_EQ(scored.capture->Label("rfm_cell"), "111");
  EXPECT_EQ(scored.capture->Label(""), "hibernating");
}

TEST(RfmMeasureTest, FrequencyAndMonetaryFromOrdersInTheWindow) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  TestCustomer customer;
  for (int i = 0; i < 5; ++i) customer.OrderDaysAgo(40 + i, 100);
  customer.OrderDaysAgo(366, 1000);  // outside the 365-day window
  const CustomerRfm rfm = segmenter->Measure(customer.get(), kAsOf);
  EXPECT_EQ(rfm.days, 40);
  EXPECT_EQ(rfm.frequency, 5);
  EXPECT_EQ(rfm.monetary, 500);
  EXPECT_EQ(rfm.r, 3);  // 30 < 40 <= 90
  EXPECT_EQ(rfm.f, 4);  // 4 < 5 <= 8
  EXPECT_EQ(rfm.m, 4);  // 400 < 500 <= 1000
}

TEST(RfmMeasureTest, OrdersWinOverTheSummary) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  TestCustomer customer = Champion545();
  customer.Summary(500, 1, 1);
  const Scored scored = ScoreAll(*segmenter, customer.get(), {});
  EXPECT_EQ(scored.capture->Label("rfm_cell"), "545");
  EXPECT_EQ(scored.capture->Label(""), "champions");
}

TEST(RfmMeasureTest, SummaryFieldsAreIndependent) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  {
    TestCustomer customer;
    customer.Summary(3, std::nullopt, std::nullopt);
    const CustomerRfm rfm = segmenter->Measure(customer.get(), kAsOf);
    EXPECT_EQ(rfm.source, CustomerRfm::Source::kSummary);
    EXPECT_EQ(rfm.r, 5);
    EXPECT_EQ(rfm.f, 0);
    EXPECT_EQ(rfm.m, 0);
    const Scored scored = ScoreAll(*segmenter, customer.get(), {});
    EXPECT_EQ(scored.capture->Label("rfm_cell"), "5--");
    EXPECT_EQ(scored.capture->Label(""), std::nullopt);  // a segment needs R and F
  }
  {
    TestCustomer customer;
    customer.Summary(std::nullopt, std::nullopt, 150);
    const Scored scored = ScoreAll(*segmenter, customer.get(), {});
    EXPECT_EQ(scored.capture->Label("rfm_cell"), "--2");  // 150 is on a cut: lower bin
    EXPECT_EQ(scored.capture->Label(""), std::nullopt);
  }
  {
    TestCustomer customer;
    customer.Summary(100, 9, std::nullopt);
    const Scored scored = ScoreAll(*segmenter, customer.get(), {});
    EXPECT_EQ(scored.capture->Label("rfm_cell"), "25-");
    EXPECT_EQ(scored.capture->Label(""), "cant_lose_them");
  }
}

TEST(RfmMeasureTest, NoDataMeansNoLabelsAndNoCoverage) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> a = Compile(*segmenter, R"({"segments": ["champions"]})");
  const std::unique_ptr<RfmCriterion> b =
      Compile(*segmenter, R"({"r": {"min": 4}, "f": {"min": 1}, "m": {"max": 2}})");
  TestCustomer customer;
  const Scored scored = ScoreAll(*segmenter, customer.get(), {a.get(), b.get()});
  EXPECT_TRUE(scored.capture->labels.empty());
  for (const PersonaCriterionScore& s : scored.scores) {
    EXPECT_EQ(s.coverage, 0.0);
    EXPECT_EQ(s.affinity, 0.0);
  }
}

// ---------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------

TEST(RfmLabelTest, LabelsOnEveryCallEvenWithoutCriteria) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  TestCustomer customer = Champion545();
  const Scored scored = ScoreAll(*segmenter, customer.get(), {});
  EXPECT_THAT(scored.capture->labels,
              ElementsAre(std::make_pair(std::string(""), std::string("champions")),
                          std::make_pair(std::string("rfm_cell"), std::string("545"))));
}

TEST(RfmLabelTest, ConfigCutPointsDecideTheCell) {
  // The same customer under stricter frequency cuts drops from F4 to F2.
  const std::unique_ptr<RfmSegmenter> segmenter =
      MakeSegmenter(R"({"frequency": [5, 10, 20, 40]})");
  TestCustomer customer = Champion545();
  const Scored scored = ScoreAll(*segmenter, customer.get(), {});
  EXPECT_EQ(scored.capture->Label("rfm_cell"), "525");
  EXPECT_EQ(scored.capture->Label(""), "potential_loyalist");
}

// ---------------------------------------------------------------------------------------
// Grading
// ---------------------------------------------------------------------------------------

TEST(RfmGradeTest, ListedSegmentScoresOne) {
  TestCustomer customer = Champion545();
  const PersonaCriterionScore s =
      ScoreOne(R"({"segments": ["potential_loyalist", "champions"]})", customer);
  EXPECT_EQ(s.affinity, 1.0);
  EXPECT_EQ(s.coverage, 1.0);
}

TEST(RfmGradeTest, SegmentNearMissIsOneOrthogonalStep) {
  // new_customers is cell 51 alone. Its orthogonal neighbours are 41 (promising) and 52
  // (potential_loyalist); 42 is diagonal.
  const char* params = R"({"segments": ["new_customers"]})";
  TestCustomer c51 = CellCustomer(5, 1);
  TestCustomer c41 = CellCustomer(4, 1);
  TestCustomer c52 = CellCustomer(5, 2);
  TestCustomer c42 = CellCustomer(4, 2);
  TestCustomer c31 = CellCustomer(3, 1);
  EXPECT_EQ(ScoreOne(params, c51).affinity, 1.0);
  EXPECT_EQ(ScoreOne(params, c41).affinity, 0.5);
  EXPECT_EQ(ScoreOne(params, c52).affinity, 0.5);
  EXPECT_EQ(ScoreOne(params, c42).affinity, 0.0);
  EXPECT_EQ(ScoreOne(params, c31).affinity, 0.0);
  EXPECT_EQ(ScoreOne(params, c42).coverage, 1.0);
}

TEST(RfmGradeTest, SegmentNearMissOverTheWholeGrid) {
  // need_attention is cell 33 alone: its four orthogonal neighbours get the credit, its four
  // diagonal neighbours and everything farther get nothing.
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> c =
      Compile(*segmenter, R"({"segments": ["need_attention"], "near_miss_credit": 0.3})");
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      const int distance = std::abs(r - 3) + std::abs(f - 3);
      const double expected = distance == 0 ? 1.0 : distance == 1 ? 0.3 : 0.0;
      TestCustomer customer = CellCustomer(r, f);
      EXPECT_EQ(ScoreAll(*segmenter, customer.get(), {c.get()}).scores[0].affinity, expected)
          << "cell " << r << f;
    }
  }
}

TEST(RfmGradeTest, SegmentNearMissCountsEveryCellOfTheSegment) {
  // champions is 54 and 55: 44, 45 and 53 are one step from it, 43 is not.
  const char* params = R"({"segments": ["champions"], "near_miss_credit": 0.25})";
  TestCustomer c44 = CellCustomer(4, 4);
  TestCustomer c45 = CellCustomer(4, 5);
  TestCustomer c53 = CellCustomer(5, 3);
  TestCustomer c43 = CellCustomer(4, 3);
  EXPECT_EQ(ScoreOne(params, c44).affinity, 0.25);
  EXPECT_EQ(ScoreOne(params, c45).affinity, 0.25);
  EXPECT_EQ(ScoreOne(params, c53).affinity, 0.25);
  EXPECT_EQ(ScoreOne(params, c43).affinity, 0.0);
}

TEST(RfmGradeTest, RangeGivesCreditOneStepOutside) {
  const char* params = R"({"f": {"min": 2, "max": 3}})";
  const double expected[6] = {0, 0.5, 1, 1, 0.5, 0};  // F1..F5
  for (int f = 1; f <= 5; ++f) {
    TestCustomer customer = CellCustomer(3, f);
    EXPECT_EQ(ScoreOne(params, customer).affinity, expected[f]) << "F=" << f;
  }
  TestCustomer r1 = CellCustomer(1, 1);
  EXPECT_EQ(ScoreOne(R"({"r": {"min": 3}, "near_miss_credit": 0.8})", r1).affinity, 0.0);
  TestCustomer r2 = CellCustomer(2, 1);
  EXPECT_EQ(ScoreOne(R"({"r": {"min": 3}, "near_miss_credit": 0.8})", r2).affinity, 0.8);
  EXPECT_EQ(ScoreOne(R"({"r": {"min": 3}, "near_miss_credit": 0})", r2).affinity, 0.0);
}

TEST(RfmGradeTest, PartWeightsCombine) {
  // Champion545 (cell 545): segments listed (1, weight 3); F=4 is two steps above max 2
  // (0, weight 1).
  TestCustomer customer = Champion545();
  const PersonaCriterionScore s = ScoreOne(
      R"({"segments": {"any_of": ["champions"], "weight": 3}, "f": {"max": 2, "weight": 1}})",
      customer);
  EXPECT_DOUBLE_EQ(s.affinity, 0.75);
  EXPECT_EQ(s.coverage, 1.0);
  const PersonaCriterionScore t = ScoreOne(
      R"({"r": {"min": 5, "weight": 1}, "m": {"max": 4, "weight": 2}, "near_miss_credit": 0.4})",
      customer);
  EXPECT_DOUBLE_EQ(t.affinity, (1 * 1.0 + 2 * 0.4) / 3);
}

TEST(RfmGradeTest, MissingPartsLowerCoverage) {
  // R and F known from the summary, M missing.
  TestCustomer customer = CellCustomer(5, 4);
  const PersonaCriterionScore s =
      ScoreOne(R"({"segments": ["champions"], "m": {"min": 4, "weight": 3}})", customer);
  EXPECT_EQ(s.affinity, 1.0);  // over the part with data
  EXPECT_DOUBLE_EQ(s.coverage, 0.25);
}

TEST(RfmGradeTest, EveryCriterionGradedInOneCall) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> a = Compile(*segmenter, R"({"segments": "champions"})");
  const std::unique_ptr<RfmCriterion> b = Compile(*segmenter, R"({"segments": ["at_risk"]})");
  const std::unique_ptr<RfmCriterion> c = Compile(*segmenter, R"({"m": {"min": 5}})");
  TestCustomer customer = Champion545();
  const Scored scored = ScoreAll(*segmenter, customer.get(), {a.get(), b.get(), c.get()});
  EXPECT_EQ(scored.scores[0].affinity, 1.0);
  EXPECT_EQ(scored.scores[1].affinity, 0.0);
  EXPECT_EQ(scored.scores[2].affinity, 1.0);
  EXPECT_EQ(scored.capture->labels.size(), 2u);  // labels once per call, not per criterion
}

// ---------------------------------------------------------------------------------------
// Params errors
// ---------------------------------------------------------------------------------------

class RfmParamsErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RfmParamsErrorTest, NamesPathAndRule) {
  EXPECT_EQ(ParamsError(GetParam().json), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, RfmParamsErrorTest,
    ::testing::Values(
        ErrorCase{"{}", "params: must give at least one of segments, r, f, m"},
        ErrorCase{R"({"near_miss_credit": 0.5})",
                  "params: must give at least one of segments, r, f, m"},
        ErrorCase{R"({"segments": ["champions", "champion"]})",
                  "params.segments[1]: unknown segment \"champion\" (valid: champions, "
                  "loyal_customers, potential_loyalist, new_customers, promising, "
                  "need_attention, about_to_sleep, at_risk, cant_lose_them, hibernating)"},
        ErrorCase{R"({"segments": []})",
                  "params.segments: must name at least one segment (valid: champions, "
                  "loyal_customers, potential_loyalist, new_customers, promising, "
                  "need_attention, about_to_sleep, at_risk, cant_lose_them, hibernating)"},
        ErrorCase{R"({"segments": 3})",
                  "params.segments: must be a list of segment names or an object {\"any_of\": "
                  "[...], \"weight\": w}"},
        ErrorCase{R"({"segments": {"any_of": ["champions"], "weigth": 2}})",
                  "params.segments.weigth: unknown parameter (known: any_of, weight)"},
        ErrorCase{R"({"segments": {"weight": 2}})", "params.segments.any_of: is required"},
        ErrorCase{R"({"segments": {"any_of": ["at_risk"], "weight": 0}})",
                  "params.segments.weight: must be greater than 0, got 0"},
        ErrorCase{R"({"r": {"min": 0}})", "params.r.min: must be between 1 and 5, got 0"},
        ErrorCase{R"({"r": {"max": 6}})", "params.r.max: must be between 1 and 5, got 6"},
        ErrorCase{R"({"r": {"min": 2.5}})", "params.r.min: must be a whole score 1..5, got 2.5"},
        ErrorCase{R"({"f": {"min": 4, "max": 2}})", "params.f: min 4 is greater than max 2"},
        ErrorCase{R"({"m": {}})", "params.m: must give min and/or max (scores 1..5)"},
        ErrorCase{R"({"m": {"min": 1, "weight": -1}})",
                  "params.m.weight: must be greater than 0, got -1"},
        ErrorCase{R"({"m": {"mn": 1}})",
                  "params.m.mn: unknown parameter (known: min, max, weight)"},
        ErrorCase{R"({"r": 5})",
                  "params.r: must be an object {\"min\": 1..5, \"max\": 1..5, \"weight\": w}"},
        ErrorCase{R"({"r": {"min": 1}, "near_miss_credit": 1.5})",
                  "params.near_miss_credit: must be between 0 and 1, got 1.5"},
        ErrorCase{R"({"rr": {"min": 1}})",
                  "params.rr: unknown parameter (known: segments, r, f, m, near_miss_credit)"}),
    ErrorCaseName);

TEST(RfmParamsTest, SegmentNamesAreNormalised) {
  TestCustomer customer = Champion545();
  EXPECT_EQ(ScoreOne(R"({"segments": [" Champions "]})", customer).affinity, 1.0);
}

// ---------------------------------------------------------------------------------------
// Explanations
// ---------------------------------------------------------------------------------------

TEST(RfmExplainTest, NoDetailsUnlessAsked) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> c =
      Compile(*segmenter, R"({"segments": ["champions"], "r": {"min": 4}})");
  TestCustomer customer = Champion545();
  const Scored scored = ScoreAll(*segmenter, customer.get(), {c.get()}, /*explain=*/false);
  EXPECT_TRUE(scored.capture->details.empty());
}

TEST(RfmExplainTest, OneDetailPerPart) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> unrelated = Compile(*segmenter, R"({"r": {"max": 1}})");
  const std::unique_ptr<RfmCriterion> c =
      Compile(*segmenter,
              R"({"segments": ["champions"], "r": {"min": 4}, "f": {"max": 3}, "m": {"min": 5}})");
  TestCustomer customer = Champion545();
  const Scored scored =
      ScoreAll(*segmenter, customer.get(), {unrelated.get(), c.get()}, /*explain=*/true);
  const std::vector<Capture::Detail> details = scored.capture->DetailsFor(1);
  ASSERT_EQ(details.size(), 4u);
  EXPECT_EQ(details[0].field, "segments");
  EXPECT_EQ(details[0].reason, "cell 54 is champions, listed");
  EXPECT_EQ(details[0].affinity, 1.0);
  EXPECT_EQ(details[1].field, "r");
  EXPECT_EQ(details[1].reason, "R=5 in [4,5] (2 days since the last order)");
  EXPECT_EQ(details[2].field, "f");
  EXPECT_EQ(details[2].reason, "F=4, one step above [1,3] (6 orders in the last 365 days)");
  EXPECT_EQ(details[2].affinity, 0.5);
  EXPECT_EQ(details[3].field, "m");
  EXPECT_EQ(details[3].reason, "M=5 in [5,5] (spend 1200 in the last 365 days)");
  for (const Capture::Detail& d : details) EXPECT_FALSE(d.missing);
  ASSERT_EQ(scored.capture->DetailsFor(0).size(), 1u);
  EXPECT_EQ(scored.capture->DetailsFor(0)[0].reason,
            "R=5, 4 steps above [1,1] (2 days since the last order)");
}

TEST(RfmExplainTest, SegmentReasons) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> c = Compile(*segmenter, R"({"segments": ["champions"]})");
  struct Case {
    int r, f;
    const char* reason;
  };
  for (const Case& k :
       {Case{4, 4, "cell 44 is loyal_customers, one step from champions (cell 54)"},
        Case{5, 3, "cell 53 is potential_loyalist, one step from champions (cell 54)"},
        Case{1, 1, "cell 11 is hibernating, not listed and not one step from a listed segment"}}) {
    TestCustomer customer = CellCustomer(k.r, k.f);
    const Scored scored = ScoreAll(*segmenter, customer.get(), {c.get()}, true);
    ASSERT_EQ(scored.capture->details.size(), 1u);
    EXPECT_EQ(scored.capture->details[0].reason, k.reason);
  }
}

TEST(RfmExplainTest, MissingAndSummaryReasons) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  const std::unique_ptr<RfmCriterion> c =
      Compile(*segmenter,
              R"({"segments": ["champions"], "r": {"min": 4}, "f": {"min": 4}, "m": {"min": 1}})");
  TestCustomer customer;
  customer.Summary(3, std::nullopt, 99.5);
  const Scored scored = ScoreAll(*segmenter, customer.get(), {c.get()}, true);
  const std::vector<Capture::Detail> d = scored.capture->details;
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].reason, "needs R and F: no orders and no rfm.order_count");
  EXPECT_TRUE(d[0].missing);
  EXPECT_EQ(d[1].reason, "R=5 in [4,5] (rfm.days_since_last_order 3)");
  EXPECT_EQ(d[2].reason, "no orders and no rfm.order_count");
  EXPECT_TRUE(d[2].missing);
  EXPECT_EQ(d[3].reason, "M=2 in [1,5] (rfm.total_spend 99.5)");
  EXPECT_DOUBLE_EQ(scored.scores[0].coverage, 0.5);
  EXPECT_EQ(scored.scores[0].affinity, 1.0);
}

// ---------------------------------------------------------------------------------------
// The hot path does not allocate.
// ---------------------------------------------------------------------------------------

struct CountingSink {
  int labels = 0;
  int details = 0;
  char cell[4] = {};
  static void AddLabel(void* ctx, PersonaString key, PersonaString value) {
    auto* self = static_cast<CountingSink*>(ctx);
    ++self->labels;
    if (key.size == 8 && value.size == 3) std::memcpy(self->cell, value.data, 3);
  }
  static void AddDetail(void* ctx, size_t, PersonaString, double, int32_t, PersonaString) {
    ++static_cast<CountingSink*>(ctx)->details;
  }
};

TEST(RfmHotPathTest, ScoreDoesNotAllocate) {
  const std::unique_ptr<RfmSegmenter> segmenter = MakeSegmenter();
  std::vector<std::unique_ptr<RfmCriterion>> owned;
  for (const char* params :
       {R"({"segments": ["champions", "loyal_customers"]})", R"({"r": {"min": 2, "max": 3}})",
        R"({"f": {"max": 1}, "m": {"min": 5, "weight": 2}})",
        R"({"segments": {"any_of": ["hibernating"], "weight": 2}, "r": {"max": 1}})"}) {
    owned.push_back(Compile(*segmenter, params));
  }
  std::vector<const RfmCriterion*> criteria;
  for (const auto& c : owned) criteria.push_back(c.get());
  TestCustomer champion = Champion545();
  TestCustomer summary;
  summary.Summary(40, std::nullopt, 300);
  TestCustomer nobody;
  std::vector<PersonaCriterionScore> scores(criteria.size());
  for (bool explain : {false, true}) {
    for (TestCustomer* customer : {&champion, &summary, &nobody}) {
      const PersonaCustomer& c = customer->get();
      CountingSink counting;
      PersonaScoreSink sink{sizeof(PersonaScoreSink), &counting, explain ? 1 : 0,
                            &CountingSink::AddLabel, &CountingSink::AddDetail};
      PersonaScoreRequest request{sizeof(PersonaScoreRequest), kAsOf, &sink};
      const int64_t before = g_allocations.load();
      segmenter->Score(c, criteria.data(), criteria.size(), sdk::ScoreContext(&request),
                       scores.data());
      EXPECT_EQ(g_allocations.load() - before, 0) << "explain=" << explain;
      if (explain) {
        EXPECT_GT(counting.details, 0);
      } else {
        EXPECT_EQ(counting.details, 0);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The C ABI, through the SDK adapter and through the built plugin.
// ---------------------------------------------------------------------------------------

void ExerciseLifecycle(const PersonaSegmenterPlugin* plugin) {
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin->abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin->abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));
  EXPECT_EQ(sdk::View(plugin->name), "rfm");
  EXPECT_EQ(sdk::View(plugin->version), "1.0.0");

  char message[256] = "untouched";
  PersonaErrorBuffer error{message, sizeof(message)};
  {
    JsonTree bad(R"({"monetary": [1, 2, 3]})");
    PersonaSegmenterInstance* instance = reinterpret_cast<PersonaSegmenterInstance*>(1);
    EXPECT_EQ(plugin->create(bad.root(), &instance, &error), PERSONA_INVALID_ARGUMENT);
    EXPECT_EQ(instance, nullptr);
    EXPECT_STREQ(message, "config.monetary: must list exactly 4 cut points, got 3");
  }
  JsonTree config(R"({"window_days": 400})");
  PersonaSegmenterInstance* instance = nullptr;
  ASSERT_EQ(plugin->create(config.root(), &instance, &error), PERSONA_OK) << message;
  {
    JsonTree bad(R"({"segments": ["vip"]})");
    PersonaCompiledCriterion* criterion = nullptr;
    EXPECT_EQ(plugin->compile(instance, bad.root(), &criterion, &error), PERSONA_INVALID_ARGUMENT);
    EXPECT_THAT(message, HasSubstr("params.segments[0]: unknown segment \"vip\" (valid: "));
  }
  JsonTree params_a(R"({"segments": ["at_risk"]})");
  JsonTree params_b(R"({"f": {"min": 3}})");
  PersonaCompiledCriterion* a = nullptr;
  PersonaCompiledCriterion* b = nullptr;
  ASSERT_EQ(plugin->compile(instance, params_a.root(), &a, &error), PERSONA_OK) << message;
  ASSERT_EQ(plugin->compile(instance, params_b.root(), &b, &error), PERSONA_OK) << message;

  // 399 days ago is inside the 400-day window: F=3 (3 orders), R=1.
  TestCustomer customer;
  customer.OrderDaysAgo(390, 10).OrderDaysAgo(395, 10).OrderDaysAgo(399, 10);
  Capture capture(kAsOf, false);
  const PersonaCompiledCriterion* criteria[] = {a, b};
  PersonaCriterionScore scores[2] = {};
  ASSERT_EQ(plugin->score(instance, &customer.get(), criteria, 2, &capture.request, scores, &error),
            PERSONA_OK);
  EXPECT_EQ(capture.Label("rfm_cell"), "131");
  EXPECT_EQ(capture.Label(""), "at_risk");
  EXPECT_EQ(scores[0].affinity, 1.0);
  EXPECT_EQ(scores[1].affinity, 1.0);
  EXPECT_EQ(scores[1].coverage, 1.0);
  plugin->release_criterion(instance, a);
  plugin->release_criterion(instance, b);
  plugin->destroy(instance);
}

TEST(RfmAbiTest, AdapterLifecycle) {
  ExerciseLifecycle(sdk::internal::Adapter<RfmSegmenter>::Describe("rfm", "1.0.0", "test"));
}

TEST(RfmAbiTest, BuiltPluginLoadsAndScores) {
  void* handle = dlopen(RFM_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  const auto entry =
      reinterpret_cast<PersonaSegmenterEntryFn>(dlsym(handle, PERSONA_SEGMENTER_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  // Hidden visibility: the logic library's symbols stay inside the plugin.
  EXPECT_EQ(dlsym(handle, "_ZN7persona3rfm14SegmentForCellEii"), nullptr);
  ExerciseLifecycle(entry());
  dlclose(handle);
}

}  // namespace
}  // namespace rfm
}  // namespace persona
