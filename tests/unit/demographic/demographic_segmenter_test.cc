#include "demographic_segmenter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <utility>
#include <vector>

// Counts every allocation in the process so the tests can prove Score() never allocates.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

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
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace persona {
namespace demographic {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using Criterion = DemographicSegmenter::Criterion;

// ---------------------------------------------------------------------------------------------
// A JSON-like value the tests write inline, e.g. Obj({{"age", Obj({{"min", 25}})}}), and a Tree
// that lays it out as the PersonaValue nodes the host would pass.
// ---------------------------------------------------------------------------------------------
class J {
 public:
  J(int v) : kind_(PERSONA_VALUE_NUMBER), number_(v) {}        // NOLINT: implicit on purpose
  J(double v) : kind_(PERSONA_VALUE_NUMBER), number_(v) {}     // NOLINT
  J(const char* s) : kind_(PERSONA_VALUE_STRING), text_(s) {}  // NOLINT
  static J Null() { return J(PERSONA_VALUE_NULL); }
  static J Bool(bool b) {
    J j(PERSONA_VALUE_BOOL);
    j.number_ = b ? 1 : 0;
    return j;
  }

  friend J List(std::initializer_list<J> items);
  friend J Obj(std::initializer_list<std::pair<std::string, J>> members);
  friend class Tree;

 private:
  explicit J(PersonaValueKind kind) : kind_(kind) {}

  PersonaValueKind kind_;
  double number_ = 0;
  std::string text_;
  std::vector<J> items_;
  std::vector<std::string> keys_;  // objects: keys_[i] names items_[i]
};

J List(std::initializer_list<J> items) {
  J j(PERSONA_VALUE_LIST);
  j.items_.assign(items.begin(), items.end());
  return j;
}

J Obj(std::initializer_list<std::pair<std::string, J>> members = {}) {
  J j(PERSONA_VALUE_OBJECT);
  for (const auto& [key, value] : members) {
    j.keys_.push_back(key);
    j.items_.push_back(value);
  }
  return j;
}

class Tree {
 public:
  explicit Tree(const J& root) : root_(Build(root)) {}
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  const PersonaValue* get() const { return &root_; }

 private:
  PersonaString Keep(const std::string& s) {
    const std::string& kept = strings_.emplace_back(s);
    return PersonaString{kept.data(), kept.size()};
  }

  PersonaValue Build(const J& j) {
    PersonaValue v{};
    v.kind = j.kind_;
    switch (j.kind_) {
      case PERSONA_VALUE_BOOL:
        v.boolean = j.number_ != 0;
        break;
      case PERSONA_VALUE_NUMBER:
        v.number = j.number_;
        break;
      case PERSONA_VALUE_STRING:
        v.string = Keep(j.text_);
        break;
      case PERSONA_VALUE_LIST: {
        auto items = std::make_unique<PersonaValue[]>(j.items_.size());
        for (size_t i = 0; i < j.items_.size(); ++i) items[i] = Build(j.items_[i]);
        v.items = items.get();
        v.item_count = j.items_.size();
        lists_.push_back(std::move(items));
        break;
      }
      case PERSONA_VALUE_OBJECT: {
        auto members = std::make_unique<PersonaMember[]>(j.items_.size());
        for (size_t i = 0; i < j.items_.size(); ++i) {
          members[i].key = Keep(j.keys_[i]);
          members[i].value = Build(j.items_[i]);
        }
        v.members = members.get();
        v.member_count = j.items_.size();
        objects_.push_back(std::move(members));
        break;
      }
      case PERSONA_VALUE_NULL:
        break;
    }
    return v;
  }

  // Declared before root_: Build() fills them while root_ is being initialised.
  std::deque<std::string> strings_;  // deque: element addresses survive growth
  std::vector<std::unique_ptr<PersonaValue[]>> lists_;
  std::vector<std::unique_ptr<PersonaMember[]>> objects_;
  PersonaValue root_;
};

// ---------------------------------------------------------------------------------------------
// Customers. String setters take literals only: PersonaString borrows, it does not copy.
// ---------------------------------------------------------------------------------------------
PersonaString S(const char* s) { return PersonaString{s, std::strlen(s)}; }

class Customer {
 public:
  Customer() { c_.struct_size = sizeof(c_); }
  Customer& Age(double v) { return Number(&c_.age, v); }
  Customer& AnnualIncome(double v) { return Number(&c_.annual_income, v); }
  Customer& HouseholdSize(double v) { return Number(&c_.household_size, v); }
  Customer& Gender(const char* s) { return Text(&c_.gender, s); }
  Customer& Country(const char* s) { return Text(&c_.country, s); }
  Customer& Region(const char* s) { return Text(&c_.region, s); }
  Customer& City(const char* s) { return Text(&c_.city, s); }
  Customer& Urbanicity(const char* s) { return Text(&c_.urbanicity, s); }
  Customer& Education(const char* s) { return Text(&c_.education, s); }
  Customer& Occupation(const char* s) { return Text(&c_.occupation, s); }
  Customer& MaritalStatus(const char* s) { return Text(&c_.marital_status, s); }

  const PersonaCustomer& get() const { return c_; }

 private:
  Customer& Number(PersonaOptionalNumber* n, double v) {
    *n = PersonaOptionalNumber{v, 1};
    return *this;
  }
  Customer& Text(PersonaString* field, const char* s) {
    *field = S(s);
    return *this;
  }

  PersonaCustomer c_{};
};

// ---------------------------------------------------------------------------------------------
// A host sink that records what Score() reports.
// ---------------------------------------------------------------------------------------------
struct Detail {
  size_t index;
  std::string field;
  double affinity;
  bool missing;
  std::string reason;
};

class Recorder {
 public:
  explicit Recorder(bool explain = false) {
    sink_.struct_size = sizeof(sink_);
    sink_.host_context = this;
    sink_.explain = explain ? 1 : 0;
    sink_.add_label = &Recorder::OnLabel;
    sink_.add_detail = &Recorder::OnDetail;
    request_.struct_size = sizeof(request_);
    request_.as_of_unix_seconds = 1'700'000'000;
    request_.sink = &sink_;
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  const PersonaScoreRequest* request() const { return &request_; }
  sdk::ScoreContext context() const { return sdk::ScoreContext(&request_); }

  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<Detail> details;

 private:
  static void OnLabel(void* self, PersonaString key, PersonaString value) {
    static_cast<Recorder*>(self)->labels.emplace_back(std::string(sdk::View(key)),
                                                      std::string(sdk::View(value)));
  }
  static void OnDetail(void* self, size_t index, PersonaString field, double affinity,
                       int32_t missing, PersonaString reason) {
    static_cast<Recorder*>(self)->details.push_back(Detail{index, std::string(sdk::View(field)),
                                                           affinity, missing != 0,
                                                           std::string(sdk::View(reason))});
  }

  PersonaScoreSink sink_{};
  PersonaScoreRequest request_{};
};

// ---------------------------------------------------------------------------------------------
// Shorthands.
// ---------------------------------------------------------------------------------------------
std::unique_ptr<DemographicSegmenter> NewSegmenter(const J& config = Obj()) {
  Tree tree(config);
  return DemographicSegmenter::Create(sdk::Value(tree.get(), "config"));
}

std::string CreateError(const J& config) {
  Tree tree(config);
  try {
    DemographicSegmenter::Create(sdk::Value(tree.get(), "config"));
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "(no error)";
}

std::unique_ptr<Criterion> MustCompile(const DemographicSegmenter& segmenter, const J& params) {
  Tree tree(params);
  return segmenter.Compile(sdk::Value(tree.get(), "params"));
}

std::string CompileError(const J& params) {
  Tree tree(params);
  try {
    NewSegmenter()->Compile(sdk::Value(tree.get(), "params"));
  } catch (const sdk::ParamError& e) {
    return e.what();
  }
  return "(no error)";
}

PersonaCriterionScore ScoreOne(const DemographicSegmenter& segmenter, const Criterion& criterion,
                               const Customer& customer, Recorder* recorder = nullptr) {
  Recorder local;
  Recorder* r = recorder != nullptr ? recorder : &local;
  const Criterion* criteria[] = {&criterion};
  PersonaCriterionScore score{-1, -1};
  segmenter.Score(customer.get(), criteria, 1, r->context(), &score);
  return score;
}

PersonaCriterionScore ScoreWith(const J& params, const Customer& customer,
                                const J& config = Obj()) {
  const auto segmenter = NewSegmenter(config);
  return ScoreOne(*segmenter, *MustCompile(*segmenter, params), customer);
}

// Affinity of a fully present criterion (asserts coverage 1, so "missing" can't pass as 0).
double AffinityOf(const J& params, const Customer& customer, const J& config = Obj()) {
  const PersonaCriterionScore score = ScoreWith(params, customer, config);
  EXPECT_DOUBLE_EQ(score.coverage, 1.0) << "expected every field present";
  return score.affinity;
}

J Range(std::initializer_list<std::pair<std::string, J>> members) { return Obj(members); }

// ---------------------------------------------------------------------------------------------
// Config.
// ---------------------------------------------------------------------------------------------
TEST(DemographicConfigTest, EmptyConfigGivesDocumentedDefaults) {
  const auto segmenter = NewSegmenter();
  EXPECT_DOUBLE_EQ(segmenter->config().age_tolerance, 5);
  EXPECT_DOUBLE_EQ(segmenter->config().household_size_tolerance, 1);
  EXPECT_DOUBLE_EQ(segmenter->config().income_tolerance_ratio, 0.2);
}

TEST(DemographicConfigTest, NullConfigIsTreatedAsEmpty) {
  EXPECT_DOUBLE_EQ(NewSegmenter(J::Null())->config().age_tolerance, 5);
}

TEST(DemographicConfigTest, ReadsEveryDefault) {
  const auto segmenter = NewSegmenter(Obj(
      {{"age_tolerance", 10}, {"household_size_tolerance", 2}, {"income_tolerance_ratio", 0.5}}));
  EXPECT_DOUBLE_EQ(segmenter->config().age_tolerance, 10);
  EXPECT_DOUBLE_EQ(segmenter->config().household_size_tolerance, 2);
  EXPECT_DOUBLE_EQ(segmenter->config().income_tolerance_ratio, 0.5);
}

TEST(DemographicConfigTest, RejectsBadConfigNamingThePath) {
  EXPECT_EQ(CreateError(Obj({{"age_tolerence", 3}})),
            "config.age_tolerence: unknown parameter (known: age_tolerance, "
            "household_size_tolerance, income_tolerance_ratio)");
  EXPECT_EQ(CreateError(Obj({{"age_tolerance", -1}})),
            "config.age_tolerance: must be between 0 and 130, got -1");
  EXPECT_EQ(CreateError(Obj({{"household_size_tolerance", 51}})),
            "config.household_size_tolerance: must be between 0 and 50, got 51");
  EXPECT_EQ(CreateError(Obj({{"income_tolerance_ratio", 1.5}})),
            "config.income_tolerance_ratio: must be between 0 and 1, got 1.5");
  EXPECT_EQ(CreateError(Obj({{"age_tolerance", "5"}})), "config.age_tolerance: must be a number");
  EXPECT_EQ(CreateError(List({1})), "config: must be an object");
}

// ---------------------------------------------------------------------------------------------
// Params validation: every message names the path and the rule.
// ---------------------------------------------------------------------------------------------
TEST(DemographicParamsTest, RejectsEmptyAndNonObjectParams) {
  EXPECT_EQ(CompileError(Obj()),
            "params: needs at least one of age, gender, country, region, city, urbanicity, "
            "education, annual_income, occupation, marital_status, household_size");
  EXPECT_EQ(CompileError(List({})), "params: must be an object");
}

TEST(DemographicParamsTest, RejectsUnknownKeys) {
  EXPECT_THAT(CompileError(Obj({{"agee", Range({{"min", 25}})}})),
              HasSubstr("params.agee: unknown parameter (known: age, gender, country"));
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 25}, {"mni", 3}})}})),
            "params.age.mni: unknown parameter (known: min, max, tolerance, weight)");
  EXPECT_EQ(CompileError(Obj({{"gender", Obj({{"anyof", List({"female"})}})}})),
            "params.gender.anyof: unknown parameter (known: any_of, weight)");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"level", "master"}})}})),
            "params.education.level: unknown parameter (known: any_of, min, max, "
            "tolerance_levels, weight)");
}

TEST(DemographicParamsTest, RejectsBadRanges) {
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", -3}})}})),
            "params.age.min: must be between 0 and 130, got -3");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"max", 131}})}})),
            "params.age.max: must be between 0 and 130, got 131");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", "25"}})}})),
            "params.age.min: must be a number");
  EXPECT_EQ(CompileError(Obj({{"age", Range({})}})), "params.age: needs min or max (or both)");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"tolerance", 2}})}})),
            "params.age: needs min or max (or both)");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 50}, {"max", 30}})}})),
            "params.age: min (50) must not exceed max (30)");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 25}, {"tolerance", -1}})}})),
            "params.age.tolerance: must be between 0 and 130, got -1");
  EXPECT_THAT(CompileError(Obj({{"age", 25}})), HasSubstr("params.age: must be an object"));
  EXPECT_EQ(CompileError(Obj({{"household_size", Range({{"min", 0}})}})),
            "params.household_size.min: must be between 1 and 50, got 0");
  EXPECT_EQ(CompileError(Obj({{"household_size", Range({{"max", 2}, {"tolerance", 60}})}})),
            "params.household_size.tolerance: must be between 0 and 50, got 60");
  EXPECT_EQ(CompileError(Obj({{"annual_income", Range({{"min", -1}})}})),
            "params.annual_income.min: must be >= 0, got -1");
  EXPECT_EQ(CompileError(Obj({{"annual_income", Range({{"max", 10}, {"tolerance", -5}})}})),
            "params.annual_income.tolerance: must be >= 0, got -5");
  EXPECT_EQ(CompileError(Obj({{"annual_income", Range({{"min", 50000}, {"max", 40000}})}})),
            "params.annual_income: min (50000) must not exceed max (40000)");
}

TEST(DemographicParamsTest, RejectsNonPositiveAndHugeWeights) {
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 25}, {"weight", -1}})}})),
            "params.age.weight: must be > 0, got -1");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 25}, {"weight", 0}})}})),
            "params.age.weight: must be > 0, got 0");
  EXPECT_EQ(CompileError(Obj({{"age", Range({{"min", 25}, {"weight", 2e6}})}})),
            "params.age.weight: must be at most 1000000, got 2e+06");
  EXPECT_EQ(CompileError(Obj({{"gender", Obj({{"any_of", List({"female"})}, {"weight", -2}})}})),
            "params.gender.weight: must be > 0, got -2");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"min", "bachelor"}, {"weight", 0}})}})),
            "params.education.weight: must be > 0, got 0");
  EXPECT_EQ(CompileError(Obj({{"city", Obj({{"any_of", List({"Oslo"})}, {"weight", "2"}})}})),
            "params.city.weight: must be a number");
}

TEST(DemographicParamsTest, RejectsUnknownEnumNamesListingTheAllowedOnes) {
  EXPECT_EQ(CompileError(Obj({{"gender", List({"female", "fmale"})}})),
            "params.gender[1]: unknown gender \"fmale\" (allowed: female, male, non_binary, "
            "other)");
  EXPECT_EQ(CompileError(Obj({{"urbanicity", Obj({{"any_of", List({"city"})}})}})),
            "params.urbanicity.any_of[0]: unknown urbanicity \"city\" (allowed: urban, suburban, "
            "rural)");
  EXPECT_EQ(CompileError(Obj({{"marital_status", "engaged"}})),
            "params.marital_status: unknown marital_status \"engaged\" (allowed: single, married, "
            "domestic_partnership, divorced, widowed)");
  EXPECT_EQ(CompileError(Obj({{"education", List({"bachelor", "phd"})}})),
            "params.education[1]: unknown education \"phd\" (allowed: primary, secondary, "
            "vocational, bachelor, master, doctorate)");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"min", "phd"}})}})),
            "params.education.min: unknown education level \"phd\" (allowed, lowest to highest: "
            "primary, secondary, vocational, bachelor, master, doctorate)");
}

TEST(DemographicParamsTest, RejectsMalformedSets) {
  EXPECT_EQ(CompileError(Obj({{"gender", List({})}})),
            "params.gender: must list at least one value");
  EXPECT_EQ(CompileError(Obj({{"gender", Obj({{"any_of", List({})}})}})),
            "params.gender.any_of: must list at least one value");
  EXPECT_EQ(CompileError(Obj({{"gender", Obj({{"weight", 2}})}})),
            "params.gender.any_of: is required");
  EXPECT_THAT(CompileError(Obj({{"gender", 3}})),
              HasSubstr("params.gender: must be a list of values or an object"));
  EXPECT_EQ(CompileError(Obj({{"city", List({"Berlin", "  "})}})),
            "params.city[1]: must not be empty");
  EXPECT_EQ(CompileError(Obj({{"city", List({1})}})), "params.city[0]: must be a string");
  EXPECT_EQ(CompileError(Obj({{"country", J::Null()}})),
            "params.country: must be a list of values or an object {\"any_of\": [...], "
            "\"weight\": w}");
}

TEST(DemographicParamsTest, RejectsMalformedEducationRanges) {
  EXPECT_EQ(
      CompileError(Obj({{"education", Obj({{"min", "bachelor"}, {"any_of", List({"master"})}})}})),
      "params.education: use either any_of or min/max/tolerance_levels, not both");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"min", "master"}, {"max", "bachelor"}})}})),
            "params.education: min (master) must not be above max (bachelor)");
  EXPECT_EQ(
      CompileError(Obj({{"education", Obj({{"min", "bachelor"}, {"tolerance_levels", 1.5}})}})),
      "params.education.tolerance_levels: must be a whole number of levels, got 1.5");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"min", "bachelor"}, {"tolerance_levels", 6}})}})),
            "params.education.tolerance_levels: must be between 0 and 5, got 6");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"weight", 2}})}})),
            "params.education: needs any_of, or min or max (or both)");
  EXPECT_EQ(CompileError(Obj({{"education", Obj({{"tolerance_levels", 1}})}})),
            "params.education: needs any_of, or min or max (or both)");
}

TEST(DemographicParamsTest, AcceptsTheDesignDocExample) {
  const auto segmenter = NewSegmenter();
  const auto criterion = MustCompile(*segmenter, Obj({{"age", Range({{"min", 25}, {"max", 45}})},
                                                      {"annual_income", Range({{"max", 40000}})}}));
  ASSERT_EQ(criterion->matchers.size(), 2u);
}

// The params shown in README.md must stay valid.
TEST(DemographicParamsTest, ReadmeExamplesCompile) {
  const auto segmenter = NewSegmenter(Obj({{"age_tolerance", 5}}));
  const auto mother = MustCompile(
      *segmenter,
      Obj({{"age", Range({{"min", 25}, {"max", 38}, {"weight", 2}})},
           {"gender", List({"female"})},
           {"marital_status", List({"married", "domestic_partnership"})},
           {"household_size", Range({{"min", 3}, {"tolerance", 2}})},
           {"urbanicity", Obj({{"any_of", List({"urban", "suburban"})}, {"weight", 0.5}})}}));
  EXPECT_EQ(mother->matchers.size(), 5u);
  const auto professional = MustCompile(
      *segmenter,
      Obj({{"urbanicity", "rural"},
           {"education", Obj({{"min", "bachelor"}, {"tolerance_levels", 1}})},
           {"annual_income", Range({{"min", 60000}, {"max", 150000}})},
           {"country", List({"NO", "SE", "DK"})},
           {"occupation",
            Obj({{"any_of", List({"Veterinarian", "Physician", "Engineer"})}, {"weight", 0.5}})}}));
  EXPECT_EQ(professional->matchers.size(), 5u);
  const PersonaCriterionScore score = ScoreOne(
      *segmenter, *mother,
      Customer().Age(33).Gender("female").MaritalStatus("married").HouseholdSize(2).Urbanicity(
          "urban"));
  // household 2 is one person below min 3 with tolerance 2: 0.5 at weight 1; the rest match.
  EXPECT_DOUBLE_EQ(score.affinity, (2 + 1 + 1 + 0.5 + 0.5) / 5.5);
  EXPECT_DOUBLE_EQ(score.coverage, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Number ranges.
// ---------------------------------------------------------------------------------------------
const J kAge25To45 = Obj({{"age", Range({{"min", 25}, {"max", 45}})}});

TEST(DemographicRangeTest, BoundsAreInclusive) {
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(25)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(34)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(45)), 1.0);
}

TEST(DemographicRangeTest, DecaysLinearlyOverTheDefaultAgeTolerance) {
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(46)), 0.8);
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(47.5)), 0.5);  // halfway above
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(22.5)), 0.5);  // halfway below
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(50)), 0.0);    // exactly at the edge
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(20)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(80)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(0)), 0.0);  // age 0 is data, not absent
}

TEST(DemographicRangeTest, ToleranceZeroIsAHardEdge) {
  const J params = Obj({{"age", Range({{"min", 25}, {"max", 45}, {"tolerance", 0}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(params, Customer().Age(45)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(params, Customer().Age(45.01)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(params, Customer().Age(24.99)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(params, Customer().Age(25)), 1.0);
}

TEST(DemographicRangeTest, OneSidedRanges) {
  const J seniors = Obj({{"age", Range({{"min", 65}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(seniors, Customer().Age(130)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(seniors, Customer().Age(65)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(seniors, Customer().Age(62.5)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(seniors, Customer().Age(60)), 0.0);
  const J minors = Obj({{"age", Range({{"max", 17}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(minors, Customer().Age(0)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(minors, Customer().Age(18)), 0.8);
  EXPECT_DOUBLE_EQ(AffinityOf(minors, Customer().Age(22)), 0.0);
}

TEST(DemographicRangeTest, ConfigDefaultAndExplicitTolerance) {
  const J config = Obj({{"age_tolerance", 10}});
  EXPECT_DOUBLE_EQ(AffinityOf(kAge25To45, Customer().Age(50), config), 0.5);
  // An explicit tolerance beats the config default.
  const J explicit_tolerance = Obj({{"age", Range({{"max", 45}, {"tolerance", 2}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(explicit_tolerance, Customer().Age(46), config), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(explicit_tolerance, Customer().Age(47), config), 0.0);
}

TEST(DemographicRangeTest, IncomeToleranceIsRelativeToTheBoundCrossed) {
  const J budget = Obj({{"annual_income", Range({{"max", 40000}})}});  // 20% of 40000 = 8000
  EXPECT_DOUBLE_EQ(AffinityOf(budget, Customer().AnnualIncome(0)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(budget, Customer().AnnualIncome(40000)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(budget, Customer().AnnualIncome(44000)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(budget, Customer().AnnualIncome(48000)), 0.0);

  const J affluent = Obj({{"annual_income", Range({{"min", 50000}})}});  // 20% of 50000 = 10000
  EXPECT_DOUBLE_EQ(AffinityOf(affluent, Customer().AnnualIncome(45000)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(affluent, Customer().AnnualIncome(40000)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(affluent, Customer().AnnualIncome(1e9)), 1.0);

  // Two-sided: each side uses its own bound, 5000 below 25000 and 8000 above 40000.
  const J band = Obj({{"annual_income", Range({{"min", 25000}, {"max", 40000}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(22500)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(20000)), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(44000)), 0.5);
}

TEST(DemographicRangeTest, IncomeToleranceRatioAndExplicitTolerance) {
  const J budget = Obj({{"annual_income", Range({{"max", 40000}})}});
  EXPECT_DOUBLE_EQ(
      AffinityOf(budget, Customer().AnnualIncome(40001), Obj({{"income_tolerance_ratio", 0}})),
      0.0);
  EXPECT_DOUBLE_EQ(
      AffinityOf(budget, Customer().AnnualIncome(50000), Obj({{"income_tolerance_ratio", 0.5}})),
      0.5);
  // An explicit tolerance is an amount of money, the same on both sides.
  const J band =
      Obj({{"annual_income", Range({{"min", 25000}, {"max", 40000}, {"tolerance", 1000}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(40500)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(24500)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(band, Customer().AnnualIncome(41000)), 0.0);
}

TEST(DemographicRangeTest, HouseholdSizeDefaultToleranceIsOnePerson) {
  const J small = Obj({{"household_size", Range({{"max", 2}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(small, Customer().HouseholdSize(1)), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(small, Customer().HouseholdSize(2)), 1.0);
  // Tolerance 1 reaches 0 exactly one person out: whole-number sizes see a hard edge.
  EXPECT_DOUBLE_EQ(AffinityOf(small, Customer().HouseholdSize(3)), 0.0);
  EXPECT_DOUBLE_EQ(
      AffinityOf(small, Customer().HouseholdSize(3), Obj({{"household_size_tolerance", 2}})), 0.5);
  const J family = Obj({{"household_size", Range({{"min", 3}, {"max", 5}, {"tolerance", 2}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(family, Customer().HouseholdSize(6)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(family, Customer().HouseholdSize(2)), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(family, Customer().HouseholdSize(1)), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Enumerated and free-text sets.
// ---------------------------------------------------------------------------------------------
TEST(DemographicSetTest, EnumMembership) {
  const J women = Obj({{"gender", List({"female"})}});
  EXPECT_DOUBLE_EQ(AffinityOf(women, Customer().Gender("female")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(women, Customer().Gender("male")), 0.0);
  const J towns = Obj({{"urbanicity", Obj({{"any_of", List({"urban", "suburban"})}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(towns, Customer().Urbanicity("suburban")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(towns, Customer().Urbanicity("rural")), 0.0);
  const J partnered = Obj({{"marital_status", List({"married", "domestic_partnership"})}});
  EXPECT_DOUBLE_EQ(AffinityOf(partnered, Customer().MaritalStatus("domestic_partnership")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(partnered, Customer().MaritalStatus("widowed")), 0.0);
}

TEST(DemographicSetTest, SingleStringAndCatalogCaseAreAccepted) {
  EXPECT_DOUBLE_EQ(AffinityOf(Obj({{"gender", "female"}}), Customer().Gender("female")), 1.0);
  EXPECT_DOUBLE_EQ(
      AffinityOf(Obj({{"gender", List({" Non_Binary ", "OTHER"})}}), Customer().Gender("other")),
      1.0);
  EXPECT_DOUBLE_EQ(
      AffinityOf(Obj({{"gender", List({" Non_Binary "})}}), Customer().Gender("non_binary")), 1.0);
}

TEST(DemographicSetTest, UnrecognisedCustomerEnumValueIsMissingNotZero) {
  const PersonaCriterionScore score =
      ScoreWith(Obj({{"gender", List({"female"})}}), Customer().Gender("robot"));
  EXPECT_DOUBLE_EQ(score.coverage, 0.0);
  const PersonaCriterionScore level =
      ScoreWith(Obj({{"education", Obj({{"min", "bachelor"}})}}), Customer().Education("phd"));
  EXPECT_DOUBLE_EQ(level.coverage, 0.0);
}

TEST(DemographicSetTest, FreeTextMatchesCaseInsensitivelyAndTrimmed) {
  const J cities = Obj({{"city", List({" Berlin ", "hamburg"})}});
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("BERLIN")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("berlin")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("Hamburg")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City(" Berlin\t")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("Berl")), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("Berlin Mitte")), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(cities, Customer().City("Munich")), 0.0);

  EXPECT_DOUBLE_EQ(AffinityOf(Obj({{"occupation", List({"Software Engineer"})}}),
                              Customer().Occupation("software ENGINEER")),
                   1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(Obj({{"country", Obj({{"any_of", List({"DE", "AT"})}})}}),
                              Customer().Country("at")),
                   1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(Obj({{"region", "Bavaria"}}), Customer().Region("BAVARIA")), 1.0);
}

TEST(DemographicSetTest, LongFreeTextListsFindEveryMemberAndNothingElse) {
  // Long lists are binary-searched: check each member, mixed case, and near misses.
  const J cities = Obj({{"city", List({"Oslo", "Zurich", "amsterdam", "Bern", "Paris", "berlin",
                                       "Athens", "Zagreb", "Rome", "Vienna", "Lisbon", "Madrid",
                                       "Dublin", "Prague", "Warsaw", "Berlin"})}});
  const auto segmenter = NewSegmenter();
  const auto criterion = MustCompile(*segmenter, cities);
  EXPECT_EQ(criterion->matchers[0].texts.size(), 15u) << "Berlin and berlin are one city";
  for (const char* city :
       {"OSLO", "zurich", "Amsterdam", "bern", "PARIS", "Berlin", "athens", "ZAGREB", "rome",
        "Vienna", "LISBON", "madrid", "Dublin", "prague", "warsaw"}) {
    EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *criterion, Customer().City(city)).affinity, 1.0) << city;
  }
  for (const char* city : {"A", "Zz", "Bernx", "Ber", "Osl", "Zurich2", "Ámsterdam"}) {
    EXPECT_DOUBLE_EQ(ScoreOne(*segmenter, *criterion, Customer().City(city)).affinity, 0.0) << city;
  }
}

// ---------------------------------------------------------------------------------------------
// Education.
// ---------------------------------------------------------------------------------------------
TEST(DemographicEducationTest, ListIsASet) {
  const J graduates = Obj({{"education", List({"bachelor", "master"})}});
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("master")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("doctorate")), 0.0);
  const J weighted = Obj({{"education", Obj({{"any_of", List({"primary"})}, {"weight", 2}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(weighted, Customer().Education("primary")), 1.0);
}

TEST(DemographicEducationTest, RangeDecaysOverToleranceLevelsPlusOne) {
  const J graduates = Obj({{"education", Obj({{"min", "bachelor"}, {"max", "master"}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("bachelor")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("master")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("vocational")), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("doctorate")), 0.5);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("secondary")), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(graduates, Customer().Education("primary")), 0.0);

  const J strict =
      Obj({{"education", Obj({{"min", "bachelor"}, {"max", "master"}, {"tolerance_levels", 0}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(strict, Customer().Education("vocational")), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(strict, Customer().Education("master")), 1.0);

  const J lenient = Obj({{"education", Obj({{"min", "bachelor"}, {"tolerance_levels", 2}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(lenient, Customer().Education("vocational")), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(AffinityOf(lenient, Customer().Education("secondary")), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(AffinityOf(lenient, Customer().Education("primary")), 0.0);
  EXPECT_DOUBLE_EQ(AffinityOf(lenient, Customer().Education("doctorate")), 1.0);

  const J at_most = Obj({{"education", Obj({{"max", "secondary"}})}});
  EXPECT_DOUBLE_EQ(AffinityOf(at_most, Customer().Education("primary")), 1.0);
  EXPECT_DOUBLE_EQ(AffinityOf(at_most, Customer().Education("vocational")), 0.5);
}

// ---------------------------------------------------------------------------------------------
// Missing data and weights.
// ---------------------------------------------------------------------------------------------
TEST(DemographicMissingTest, CoverageIsTheWeightShareOfPresentFields) {
  const J params = Obj(
      {{"age", Range({{"min", 25}, {"max", 45}, {"weight", 3}})}, {"gender", List({"female"})}});
  const PersonaCriterionScore match = ScoreWith(params, Customer().Gender("female"));
  EXPECT_DOUBLE_EQ(match.affinity, 1.0);
  EXPECT_DOUBLE_EQ(match.coverage, 0.25);
  // Missing does not drag the affinity down: it is graded over the present part only.
  const PersonaCriterionScore mismatch = ScoreWith(params, Customer().Gender("male"));
  EXPECT_DOUBLE_EQ(mismatch.affinity, 0.0);
  EXPECT_DOUBLE_EQ(mismatch.coverage, 0.25);
  const PersonaCriterionScore only_age = ScoreWith(params, Customer().Age(30));
  EXPECT_DOUBLE_EQ(only_age.affinity, 1.0);
  EXPECT_DOUBLE_EQ(only_age.coverage, 0.75);
}

TEST(DemographicMissingTest, WeightsCombinePresentAffinities) {
  const J params = Obj({{"age", Range({{"min", 25}, {"max", 45}, {"weight", 3}})},
                        {"gender", Obj({{"any_of", List({"female"})}, {"weight", 1}})}});
  const PersonaCriterionScore score = ScoreWith(params, Customer().Age(47.5).Gender("female"));
  EXPECT_DOUBLE_EQ(score.affinity, (3 * 0.5 + 1 * 1.0) / 4);
  EXPECT_DOUBLE_EQ(score.coverage, 1.0);
}

TEST(DemographicMissingTest, NothingPresentMeansZeroCoverage) {
  const PersonaCriterionScore score = ScoreWith(
      Obj({{"age", Range({{"max", 17}})}, {"city", List({"Oslo"})}}), Customer().City("   "));
  EXPECT_DOUBLE_EQ(score.coverage, 0.0);  // an absent age is not age 0 (which would match)
}

TEST(DemographicMissingTest, EachCriterionGetsItsOwnScore) {
  const auto segmenter = NewSegmenter();
  const auto young = MustCompile(*segmenter, Obj({{"age", Range({{"max", 30}})}}));
  const auto rural = MustCompile(*segmenter, Obj({{"urbanicity", List({"rural"})}}));
  const auto oslo = MustCompile(*segmenter, Obj({{"city", List({"Oslo"})}}));
  const Criterion* criteria[] = {young.get(), rural.get(), oslo.get()};
  PersonaCriterionScore scores[3] = {{-1, -1}, {-1, -1}, {-1, -1}};
  Recorder recorder;
  segmenter->Score(Customer().Age(32.5).Urbanicity("urban").get(), criteria, 3, recorder.context(),
                   scores);
  EXPECT_DOUBLE_EQ(scores[0].affinity, 0.5);
  EXPECT_DOUBLE_EQ(scores[0].coverage, 1.0);
  EXPECT_DOUBLE_EQ(scores[1].affinity, 0.0);
  EXPECT_DOUBLE_EQ(scores[1].coverage, 1.0);
  EXPECT_DOUBLE_EQ(scores[2].coverage, 0.0);
}

// ---------------------------------------------------------------------------------------------
// Explanations and labels.
// ---------------------------------------------------------------------------------------------
TEST(DemographicExplainTest, NoDetailsUnlessAsked) {
  const auto segmenter = NewSegmenter();
  const auto criterion = MustCompile(*segmenter, kAge25To45);
  Recorder recorder(/*explain=*/false);
  ScoreOne(*segmenter, *criterion, Customer().Age(34), &recorder);
  EXPECT_THAT(recorder.details, IsEmpty());
  EXPECT_THAT(recorder.labels, ElementsAre(Pair("age_band", "25-34")));
}

TEST(DemographicExplainTest, OneDetailPerFieldInApiOrder) {
  const auto segmenter = NewSegmenter();
  // Catalog order differs from API order on purpose.
  const auto criterion =
      MustCompile(*segmenter, Obj({{"urbanicity", List({"suburban", "urban"})},
                                   {"city", List({"Oslo"})},
                                   {"age", Range({{"min", 25}, {"max", 45}, {"weight", 2}})}}));
  Recorder recorder(/*explain=*/true);
  const PersonaCriterionScore score =
      ScoreOne(*segmenter, *criterion, Customer().Age(34).Urbanicity("rural"), &recorder);
  ASSERT_EQ(recorder.details.size(), 3u);
  const Detail& age = recorder.details[0];
  EXPECT_EQ(age.field, "age");
  EXPECT_EQ(age.index, 0u);
  EXPECT_DOUBLE_EQ(age.affinity, 1.0);
  EXPECT_FALSE(age.missing);
  EXPECT_EQ(age.reason, "34 in [25, 45]");
  const Detail& city = recorder.details[1];
  EXPECT_EQ(city.field, "city");
  EXPECT_TRUE(city.missing);
  EXPECT_EQ(city.reason, "not given");
  const Detail& urbanicity = recorder.details[2];
  EXPECT_EQ(urbanicity.field, "urbanicity");
  EXPECT_DOUBLE_EQ(urbanicity.affinity, 0.0);
  EXPECT_FALSE(urbanicity.missing);
  EXPECT_EQ(urbanicity.reason, "rural not in {urban, suburban}");
  EXPECT_DOUBLE_EQ(score.affinity, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(score.coverage, 0.75);
}

// The reason one field of one criterion gives for `customer`.
std::string ReasonFor(const J& params, const Customer& customer) {
  const auto segmenter = NewSegmenter();
  const auto criterion = MustCompile(*segmenter, params);
  Recorder recorder(/*explain=*/true);
  ScoreOne(*segmenter, *criterion, customer, &recorder);
  return recorder.details.size() == 1 ? recorder.details[0].reason : "(not one detail)";
}

TEST(DemographicExplainTest, ReasonsSayWhatWasCompared) {
  EXPECT_EQ(ReasonFor(kAge25To45, Customer().Age(47)), "47 above max 45 by 2 (tolerance 5)");
  EXPECT_EQ(ReasonFor(kAge25To45, Customer().Age(22.5)), "22.5 below min 25 by 2.5 (tolerance 5)");
  EXPECT_EQ(ReasonFor(Obj({{"age", Range({{"min", 65}})}}), Customer().Age(70)), "70 >= 65");
  EXPECT_EQ(ReasonFor(Obj({{"annual_income", Range({{"max", 2000000}})}}),
                      Customer().AnnualIncome(1250000)),
            "1250000 <= 2000000");
  EXPECT_EQ(
      ReasonFor(Obj({{"annual_income", Range({{"max", 40000}})}}), Customer().AnnualIncome(44000)),
      "44000 above max 40000 by 4000 (tolerance 8000)");
  EXPECT_EQ(ReasonFor(Obj({{"city", List({"OSLO", "bergen"})}}), Customer().City("Oslo")),
            "Oslo in {bergen, oslo}");
  EXPECT_EQ(ReasonFor(Obj({{"gender", List({"female"})}}), Customer().Gender("robot")),
            "unrecognised value \"robot\"");
  const J graduates = Obj({{"education", Obj({{"min", "bachelor"}, {"max", "master"}})}});
  EXPECT_EQ(ReasonFor(graduates, Customer().Education("master")), "master in [bachelor, master]");
  EXPECT_EQ(ReasonFor(graduates, Customer().Education("vocational")),
            "vocational below min bachelor by 1 level (tolerance_levels 1)");
  EXPECT_EQ(ReasonFor(graduates, Customer().Education("primary")),
            "primary below min bachelor by 3 levels (tolerance_levels 1)");
  EXPECT_EQ(
      ReasonFor(Obj({{"education", Obj({{"min", "master"}})}}), Customer().Education("doctorate")),
      "doctorate >= master");
}

TEST(DemographicExplainTest, LongListsAreShortenedInExplanations) {
  EXPECT_EQ(ReasonFor(Obj({{"country", List({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"})}}),
                      Customer().Country("z")),
            "z not in {a, b, c, d, e, f, g, h, ... +2 more}");
}

TEST(DemographicExplainTest, DetailsCarryTheirCriterionIndex) {
  const auto segmenter = NewSegmenter();
  const auto first = MustCompile(*segmenter, Obj({{"gender", List({"male"})}}));
  const auto second = MustCompile(*segmenter, Obj({{"gender", List({"female"})}}));
  const Criterion* criteria[] = {first.get(), second.get()};
  PersonaCriterionScore scores[2];
  Recorder recorder(/*explain=*/true);
  segmenter->Score(Customer().Gender("female").get(), criteria, 2, recorder.context(), scores);
  ASSERT_EQ(recorder.details.size(), 2u);
  EXPECT_EQ(recorder.details[0].index, 0u);
  EXPECT_DOUBLE_EQ(recorder.details[0].affinity, 0.0);
  EXPECT_EQ(recorder.details[1].index, 1u);
  EXPECT_DOUBLE_EQ(recorder.details[1].affinity, 1.0);
  EXPECT_THAT(recorder.labels, IsEmpty()) << "no age, no age band";
}

TEST(DemographicLabelTest, AgeBandBoundaries) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0-17"},   {17, "0-17"},  {17.9, "0-17"}, {18, "18-24"}, {24, "18-24"},
      {25, "25-34"}, {34, "25-34"}, {35, "35-44"},  {44, "35-44"}, {45, "45-54"},
      {54, "45-54"}, {55, "55-64"}, {64, "55-64"},  {65, "65+"},   {130, "65+"}};
  for (const auto& [age, band] : cases) EXPECT_EQ(DemographicSegmenter::AgeBand(age), band) << age;
}

TEST(DemographicLabelTest, EmittedOncePerCallEvenWithNoCriteria) {
  const auto segmenter = NewSegmenter();
  {
    Recorder recorder;
    segmenter->Score(Customer().Age(40).get(), nullptr, 0, recorder.context(), nullptr);
    EXPECT_THAT(recorder.labels, ElementsAre(Pair("age_band", "35-44")));
  }
  {
    const auto a = MustCompile(*segmenter, kAge25To45);
    const auto b = MustCompile(*segmenter, Obj({{"gender", List({"male"})}}));
    const Criterion* criteria[] = {a.get(), b.get(), a.get()};
    PersonaCriterionScore scores[3];
    Recorder recorder;
    segmenter->Score(Customer().Age(70).get(), criteria, 3, recorder.context(), scores);
    EXPECT_THAT(recorder.labels, ElementsAre(Pair("age_band", "65+")));
  }
  {
    Recorder recorder;
    segmenter->Score(Customer().Gender("male").get(), nullptr, 0, recorder.context(), nullptr);
    EXPECT_THAT(recorder.labels, IsEmpty());
  }
}

// ---------------------------------------------------------------------------------------------
// The hot path does not allocate, with or without explanations.
// ---------------------------------------------------------------------------------------------
struct SilentSink {
  static void OnLabel(void* count, PersonaString, PersonaString) { ++*static_cast<int*>(count); }
  static void OnDetail(void* count, size_t, PersonaString, double, int32_t, PersonaString) {
    ++*static_cast<int*>(count);
  }
};

TEST(DemographicHotPathTest, ScoreDoesNotAllocate) {
  const auto segmenter = NewSegmenter();
  const auto every_field =
      MustCompile(*segmenter, Obj({{"age", Range({{"min", 25}, {"max", 45}})},
                                   {"gender", List({"female"})},
                                   {"country", List({"NO", "SE"})},
                                   {"region", List({"Viken"})},
                                   {"city", List({"Oslo", "Bergen", "Trondheim"})},
                                   {"urbanicity", List({"urban"})},
                                   {"education", Obj({{"min", "bachelor"}})},
                                   {"annual_income", Range({{"max", 40000}})},
                                   {"occupation", List({"Nurse"})},
                                   {"marital_status", List({"married"})},
                                   {"household_size", Range({{"min", 3}})}}));
  const auto sets = MustCompile(*segmenter, Obj({{"education", List({"master"})}}));
  const Customer customer = Customer()
                                .Age(47)
                                .Gender("female")
                                .Country("no")
                                .Region("Viken")
                                .City("OSLO")
                                .Urbanicity("suburban")
                                .Education("vocational")
                                .AnnualIncome(45000)
                                .Occupation("nurse")
                                .MaritalStatus("robot")
                                .HouseholdSize(2);
  const Criterion* criteria[] = {every_field.get(), sets.get()};
  PersonaCriterionScore scores[2];
  for (const int explain : {0, 1}) {
    int calls = 0;
    PersonaScoreSink sink{sizeof(PersonaScoreSink), &calls, explain, &SilentSink::OnLabel,
                          &SilentSink::OnDetail};
    PersonaScoreRequest request{sizeof(PersonaScoreRequest), 0, &sink};
    const sdk::ScoreContext context(&request);
    const long before = g_allocations.load();
    segmenter->Score(customer.get(), criteria, 2, context, scores);
    const long after = g_allocations.load();
    EXPECT_EQ(after - before, 0) << "explain=" << explain;
    EXPECT_EQ(calls, explain ? 1 + 12 : 1) << "one label, plus one detail per field";
  }
  EXPECT_GT(scores[0].affinity, 0.0);
  EXPECT_LT(scores[0].coverage, 1.0);  // marital_status "robot" is unrecognised
}

// ---------------------------------------------------------------------------------------------
// Through the C ABI, as the host calls it.
// ---------------------------------------------------------------------------------------------
TEST(DemographicAbiTest, FunctionTableReportsErrorsAndScores) {
  const PersonaSegmenterPlugin* plugin =
      sdk::internal::Adapter<DemographicSegmenter>::Describe("demographic", "1.0.0", "test");
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->struct_size, sizeof(PersonaSegmenterPlugin));
  EXPECT_EQ(plugin->abi_major, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MAJOR));
  EXPECT_EQ(plugin->abi_minor, static_cast<uint32_t>(PERSONA_SEGMENTER_ABI_MINOR));
  EXPECT_EQ(sdk::View(plugin->name), "demographic");

  char message[256];
  PersonaErrorBuffer error{message, sizeof(message)};

  // A bad config is INVALID_ARGUMENT with the path in the message, and no instance.
  PersonaSegmenterInstance* instance = reinterpret_cast<PersonaSegmenterInstance*>(1);
  Tree bad_config(Obj({{"income_tolerance_ratio", -0.5}}));
  EXPECT_EQ(plugin->create(bad_config.get(), &instance, &error), PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(instance, nullptr);
  EXPECT_STREQ(message, "config.income_tolerance_ratio: must be between 0 and 1, got -0.5");

  Tree config(Obj());
  ASSERT_EQ(plugin->create(config.get(), &instance, &error), PERSONA_OK) << message;
  ASSERT_NE(instance, nullptr);

  PersonaCompiledCriterion* compiled = nullptr;
  Tree bad_params(Obj({{"age", Range({{"min", -3}})}}));
  EXPECT_EQ(plugin->compile(instance, bad_params.get(), &compiled, &error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_EQ(compiled, nullptr);
  EXPECT_STREQ(message, "params.age.min: must be between 0 and 130, got -3");

  // A short buffer truncates but stays NUL-terminated.
  char tiny[12];
  PersonaErrorBuffer tiny_error{tiny, sizeof(tiny)};
  EXPECT_EQ(plugin->compile(instance, bad_params.get(), &compiled, &tiny_error),
            PERSONA_INVALID_ARGUMENT);
  EXPECT_STREQ(tiny, "params.age.");

  Tree age_params(Obj({{"age", Range({{"min", 25}, {"max", 45}})}}));
  Tree city_params(Obj({{"city", List({"Oslo"})}, {"gender", List({"female"})}}));
  PersonaCompiledCriterion* age = nullptr;
  PersonaCompiledCriterion* city = nullptr;
  ASSERT_EQ(plugin->compile(instance, age_params.get(), &age, &error), PERSONA_OK) << message;
  ASSERT_EQ(plugin->compile(instance, city_params.get(), &city, &error), PERSONA_OK) << message;

  const PersonaCompiledCriterion* criteria[] = {age, city};
  PersonaCriterionScore scores[2];
  Recorder recorder(/*explain=*/true);
  const Customer customer = Customer().Age(47.5).City("oslo");
  ASSERT_EQ(
      plugin->score(instance, &customer.get(), criteria, 2, recorder.request(), scores, &error),
      PERSONA_OK)
      << message;
  EXPECT_DOUBLE_EQ(scores[0].affinity, 0.5);
  EXPECT_DOUBLE_EQ(scores[0].coverage, 1.0);
  EXPECT_DOUBLE_EQ(scores[1].affinity, 1.0);
  EXPECT_DOUBLE_EQ(scores[1].coverage, 0.5);
  EXPECT_THAT(recorder.labels, ElementsAre(Pair("age_band", "45-54")));
  EXPECT_EQ(recorder.details.size(), 3u);

  plugin->release_criterion(instance, age);
  plugin->release_criterion(instance, city);
  plugin->destroy(instance);
}

// ---------------------------------------------------------------------------------------------
// The hot loop (explain off) grades with selects and a branch-free accumulator; explain on
// takes the straightforward path. Random criteria and customers, scored both ways, must agree
// bit for bit.
// ---------------------------------------------------------------------------------------------
TEST(DemographicFastPathTest, QuietGradingMatchesExplainedGradingBitForBit) {
  std::mt19937 rng(20261122);
  const auto pick = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const auto unit = [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
  const char* const kGenders[] = {"female", "male", "non_binary", "other", "robot"};
  const char* const kCountries[] = {"ID", "id", "MY", "SG", " TH ", "Vn"};
  const char* const kCities[] = {"Jakarta", "BANDUNG", "surabaya", "Medan", "Bekasi"};
  const char* const kLevels[] = {"primary", "secondary", "vocational",  "bachelor",
                                 "master",  "doctorate", "kindergarten"};
  const char* const kMarital[] = {"single", "married", "domestic_partnership", "divorced"};

  const auto segmenter = NewSegmenter();
  std::vector<std::unique_ptr<Criterion>> owned;
  std::vector<const Criterion*> criteria;
  for (int i = 0; i < 400; ++i) {
    const double lo = 18 + pick(30);
    const double hi = lo + pick(25);
    const J age = pick(2) ? Obj({{"min", lo}, {"max", hi}})
                          : Obj({{"min", lo}, {"tolerance", pick(4) * 2.5}, {"weight", 2}});
    const J income = pick(2) ? Obj({{"max", 20000.0 + pick(50) * 1000.0}})
                             : Obj({{"min", 30000.0 + pick(40) * 1000.0}, {"weight", 0.5}});
    const J country = Obj(
        {{"any_of", List({kCountries[pick(6)], kCountries[pick(6)]})}, {"weight", 0.5 + unit()}});
    const J education = pick(2) ? Obj({{"min", kLevels[pick(6)]}, {"tolerance_levels", pick(3)}})
                                : List({kLevels[pick(6)], kLevels[pick(6)]});
    switch (pick(5)) {
      case 0:
        owned.push_back(MustCompile(*segmenter, Obj({{"age", age}, {"annual_income", income}})));
        break;
      case 1:
        owned.push_back(MustCompile(
            *segmenter, Obj({{"gender", List({kGenders[pick(4)]})},
                             {"household_size", Obj({{"min", 2 + pick(3)}})},
                             {"marital_status", List({kMarital[pick(4)], kMarital[pick(4)]})}})));
        break;
      case 2:
        owned.push_back(MustCompile(*segmenter, Obj({{"age", age}, {"country", country}})));
        break;
      case 3:
        owned.push_back(MustCompile(
            *segmenter, Obj({{"education", education}, {"city", List({kCities[pick(5)]})}})));
        break;
      default:
        owned.push_back(
            MustCompile(*segmenter, Obj({{"age", age},
                                         {"gender", List({kGenders[pick(4)]})},
                                         {"country", country},
                                         {"city", List({kCities[pick(5)], kCities[pick(5)]})},
                                         {"education", education},
                                         {"annual_income", income},
                                         {"marital_status", List({kMarital[pick(4)]})},
                                         {"household_size", Obj({{"max", 1 + pick(4)}})}})));
        break;
    }
    criteria.push_back(owned.back().get());
  }
  for (int c = 0; c < 300; ++c) {
    Customer customer;
    if (pick(5) != 0) customer.Age(10 + pick(70) + (pick(2) ? 0.5 : 0.0));
    if (pick(4) != 0) customer.Gender(kGenders[pick(5)]);
    if (pick(3) != 0) customer.Country(kCountries[pick(6)]);
    if (pick(3) != 0) customer.City(kCities[pick(5)]);
    if (pick(3) != 0) customer.Education(kLevels[pick(7)]);
    if (pick(3) != 0) customer.AnnualIncome(pick(90) * 1000.0);
    if (pick(3) != 0) customer.MaritalStatus(kMarital[pick(4)]);
    if (pick(3) != 0) customer.HouseholdSize(1 + pick(6));
    std::vector<PersonaCriterionScore> quiet(criteria.size()), explained(criteria.size());
    Recorder quiet_sink(false), explain_sink(true);
    segmenter->Score(customer.get(), criteria.data(), criteria.size(), quiet_sink.context(),
                     quiet.data());
    segmenter->Score(customer.get(), criteria.data(), criteria.size(), explain_sink.context(),
                     explained.data());
    for (size_t i = 0; i < criteria.size(); ++i) {
      ASSERT_EQ(std::memcmp(&quiet[i], &explained[i], sizeof(PersonaCriterionScore)), 0)
          << "customer " << c << " criterion " << i << ": quiet {" << quiet[i].affinity << ", "
          << quiet[i].coverage << "}, explained {" << explained[i].affinity << ", "
          << explained[i].coverage << "}";
    }
    EXPECT_EQ(quiet_sink.labels, explain_sink.labels);
  }
}

}  // namespace
}  // namespace demographic
}  // namespace persona
