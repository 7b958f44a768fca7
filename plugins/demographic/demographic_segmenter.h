// The demographic lens: grades *who* a customer is (age, gender, location, education, income,
// occupation, marital status, household) against persona criteria. Parameters, grading
// formulas and the missing-data rule are documented in README.md next to this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace demographic {

class DemographicSegmenter {
 public:
  // Segmenter-level defaults from the catalog's `config`; a criterion may override each.
  struct Config {
    double age_tolerance = 5.0;             // years
    double household_size_tolerance = 1.0;  // people
    // Default income tolerance as a fraction of the bound being crossed (see README).
    double income_tolerance_ratio = 0.2;
  };

  // The customer fields this lens reads, in the order the API declares them. Explanations
  // follow this order whatever order the catalog used.
  enum class Field : uint8_t {
    kAge,
    kGender,
    kCountry,
    kRegion,
    kCity,
    kUrbanicity,
    kEducation,
    kAnnualIncome,
    kOccupation,
    kMaritalStatus,
    kHouseholdSize,
  };
  static constexpr size_t kFieldCount = 11;

  // One field of one criterion, fully validated and precomputed so that grading is arithmetic
  // and comparisons only.
  struct FieldMatcher {
    enum class Kind : uint8_t {
      kNumberRange,  // age, annual_income, household_size
      kEnumSet,      // gender, urbanicity, marital_status, education given as a list
      kTextSet,      // country, region, city, occupation
      kLevelRange,   // education given as {min, max, tolerance_levels}
    };

    Field field = Field::kAge;
    Kind kind = Kind::kNumberRange;
    double weight = 1.0;

    // kNumberRange: an absent bound is -inf / +inf. Tolerances may differ per side because the
    // default income tolerance is relative to the bound being crossed.
    double min = 0.0;
    double max = 0.0;
    double tolerance_below = 0.0;
    double tolerance_above = 0.0;

    // kEnumSet: bit i is set when the i-th name of the field's enumeration is accepted.
    uint32_t accepted = 0;

    // kLevelRange: indices into primary..doctorate, inclusive.
    int min_level = 0;
    int max_level = 0;
    int tolerance_levels = 0;

    // kTextSet: trimmed, ASCII-lowercased, sorted by bytes, unique (explanations).
    std::vector<std::string> texts;
    // kTextSet: the segmenter's TextDictionary ids of `texts`, sorted: what Score matches.
    std::vector<uint32_t> text_ids;

    // What the criterion asks for, pre-rendered for explanations: "in [25, 45]", ">= 25",
    // "{urban, suburban}". Never read unless the caller asked for explanations.
    std::string display;
  };

  // What Score reads of a FieldMatcher, packed into one cache line and stored with every
  // other criterion's in the segmenter's arena, in compile (= persona) order: a score call
  // walks thousands of them, and the FieldMatcher (display text, string sets) is read only to
  // explain.
  struct HotMatcher {
    Field field;
    FieldMatcher::Kind kind;
    int8_t min_level;  // kLevelRange
    int8_t max_level;
    int8_t tolerance_levels;
    uint32_t accepted;    // kEnumSet
    uint32_t text_begin;  // kTextSet: [text_begin, text_begin + text_count) in the id arena
    uint32_t text_count;
    double weight;
    double min;  // kNumberRange
    double max;
    double tolerance_below;
    double tolerance_above;
  };

  // A compiled criterion: the fields it grades, in Field order.
  struct Criterion {
    // This criterion's HotMatchers: [hot_begin, hot_begin + matchers.size()) in the arena of
    // the segmenter that compiled it.
    uint32_t hot_begin = 0;
    std::vector<FieldMatcher> matchers;
  };

  // Every text a kTextSet matcher names (lowercased), each with a dense id. Score looks the
  // customer's country, region, city and occupation up once per call, so a criterion's set
  // test is integer comparisons rather than case-insensitive string compares.
  class TextDictionary {
   public:
    static constexpr uint32_t kNoText = UINT32_MAX;
    uint32_t Intern(const std::string& lowered);  // load time
    // The id of the ASCII-lowercased form of `text`, or kNoText. Allocation-free.
    uint32_t FindIgnoreCase(std::string_view text) const noexcept;

   private:
    std::vector<std::string> texts_;  // sorted by bytes
    std::vector<uint32_t> ids_;       // parallel to texts_
  };

  explicit DemographicSegmenter(const Config& config)
      : config_(config),
        dictionary_(std::make_unique<TextDictionary>()),
        hot_matchers_(std::make_unique<std::vector<HotMatcher>>()),
        hot_text_ids_(std::make_unique<std::vector<uint32_t>>()) {}

  // Load time: throw sdk::ParamError naming the offending path.
  static std::unique_ptr<DemographicSegmenter> Create(const sdk::Value& config);
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // Hot path: const, allocation-free, lock-free, never throws. Explanations are formatted into
  // a stack buffer, so even explain mode does not allocate.
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  const Config& config() const { return config_; }

  // "0-17", "18-24", "25-34", "35-44", "45-54", "55-64" or "65+"; static storage.
  static std::string_view AgeBand(double age);
  static std::string_view FieldName(Field field);

 private:
  FieldMatcher CompileField(Field field, const sdk::Value& value) const;

  Config config_;
  // Grown by Compile, which the SDK declares const but the ABI runs only at load time, one
  // thread at a time per instance and never concurrently with Score; Score only reads it.
  std::unique_ptr<TextDictionary> dictionary_;
  // Arenas behind Criterion::hot_begin and HotMatcher::text_begin; grown by Compile like the
  // dictionary, read-only for Score.
  std::unique_ptr<std::vector<HotMatcher>> hot_matchers_;
  std::unique_ptr<std::vector<uint32_t>> hot_text_ids_;
};

}  // namespace demographic
}  // namespace persona
