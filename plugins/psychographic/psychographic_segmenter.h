// The psychographic segmenter: grades *why* a customer buys — interests, values, lifestyle,
// preferred channels and Big Five personality — against persona criteria. See README.md for
// the parameters and the exact formulas; the tests in tests/unit/psychographic/ pin them.
//
// Depends on the plugin SDK only (plugins/sdk/include), never on service/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <persona/segmenter.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace psychographic {

// Every tag the segmenter's compiled criteria name, each with a small dense id. Score maps
// the customer's tags to ids once per call, then grades every criterion with integer
// look-ups: with thousands of personas, comparing tag strings per criterion was most of the
// cost of a score call.
class TagDictionary {
 public:
  static constexpr uint32_t kNoTag = UINT32_MAX;

  // Load time: the id of `tag` (normalised), adding it when new. Ids are dense, 0..size()-1.
  uint32_t Intern(const std::string& tag);

  // The id of `tag`, or kNoTag when no criterion names it. Allocation-free.
  uint32_t Find(std::string_view tag) const noexcept;

  size_t size() const noexcept { return tags_.size(); }

 private:
  static uint64_t Hash(std::string_view tag) noexcept;
  void Rehash(size_t bucket_count);

  std::vector<std::string> tags_;  // by id
  // Open addressing, linear probing: id + 1, or 0 for an empty bucket. A power of two in
  // size, at most half full. Score looks up every customer tag once per call, and a hash
  // probe is a few dozen instructions where the binary search was a string compare per step.
  std::vector<uint32_t> buckets_;
};

// How a tag-list field (values, lifestyle, preferred_channels) grades a customer.
enum class ListMatch {
  kShare,  // fraction of the listed tags the customer has
  kAny,    // 1 when the customer has at least one listed tag, else 0
};

// `interests`: weighted overlap of the persona's tags with the customer's interest strengths.
struct InterestsField {
  // Normalised (trimmed, ASCII-lowercased), sorted by bytes and unique, so Score can walk
  // them in step with the customer's interests, which the host sorts the same way.
  std::vector<std::string> tags;
  std::vector<double> importance;  // parallel to tags, each in (0, 1]
  std::vector<uint32_t> ids;       // parallel to tags: ids in the segmenter's interest dictionary
  double importance_sum = 0.0;     // > 0 because every importance is
  double weight = 1.0;
};

// `values`, `lifestyle` and `preferred_channels`.
struct TagListField {
  std::vector<std::string> tags;  // normalised, sorted by bytes, unique, non-empty
  std::vector<uint32_t> ids;  // parallel to tags: ids in the segmenter's dictionary for the field
  ListMatch match = ListMatch::kShare;
  double weight = 1.0;
};

// The Big Five traits, in the order the README and the explain output use.
enum Trait : int {
  kOpenness = 0,
  kConscientiousness,
  kExtraversion,
  kAgreeableness,
  kNeuroticism,
  kTraitCount,
};

// Key in params and suffix in explain fields ("personality.openness").
const char* TraitName(Trait trait);

struct PersonalityField {
  // Only the traits the persona names; their order is the Trait order.
  struct Target {
    Trait trait;
    double value;  // in [0, 1]
  };
  std::vector<Target> targets;  // 1..5 entries
  double tolerance = 0.15;      // in [0, 1]
  double weight = 1.0;          // split evenly over the named traits
};

// The tag fields, in grading order; indexes PsychographicSegmenter's dictionaries.
enum TagField : int {
  kInterestsField = 0,
  kValuesField,
  kLifestyleField,
  kChannelsField,
  kTagFieldCount,
};

// What Score reads of a criterion when explain is off, packed at the front of the criterion
// so grading one touches one or two cache lines. Derived from the fields below at compile.
struct HotCriterion {
  // Per tag list (values, lifestyle, preferred_channels): bit i set when the list names the
  // tag with id i of that field's dictionary. Exact only when the list is not `wide`.
  uint64_t list_mask[3] = {};
  double weight[kTagFieldCount] = {};  // the fields' weights
  double importance_sum = 0.0;         // interests
  // Interests as (id, importance) pairs in byte order of the tag: [interests_begin,
  // interests_begin + interest_count) of the segmenter's arena.
  uint32_t interests_begin = 0;
  uint32_t interest_count = 0;
  uint32_t list_count[3] = {};  // tags per list
  uint8_t fields = 0;           // bit TagField: the field is set; bit 4: personality is set
  uint8_t match_any = 0;        // bit (TagField - 1): the list matches "any"
  uint8_t wide = 0;             // bit (TagField - 1): the list names an id >= 64; grade its ids
};

// One compiled criterion. Every field is optional, at least one is set.
struct PsychographicCriterion {
  HotCriterion hot;
  std::optional<InterestsField> interests;
  std::optional<TagListField> values;
  std::optional<TagListField> lifestyle;
  std::optional<TagListField> preferred_channels;
  std::optional<PersonalityField> personality;
};

// Pure formulas, exposed so the tests can pin them without building customers.

// Affinity of one trait: 1 within `tolerance` of the target, then falling linearly to 0 at
// the largest distance still possible beyond the tolerance (a distance of 1).
double TraitAffinity(double customer, double target, double tolerance);

// The segmenter class the SDK adapter drives.
class PsychographicSegmenter {
 public:
  using Criterion = PsychographicCriterion;

  static constexpr double kDefaultPersonalityTolerance = 0.15;

  // Config: {} or {"personality_tolerance": t}, t in [0, 1]. Throws sdk::ParamError.
  static std::unique_ptr<PsychographicSegmenter> Create(const sdk::Value& config);

  explicit PsychographicSegmenter(double personality_tolerance)
      : personality_tolerance_(personality_tolerance), tables_(std::make_unique<Tables>()) {}

  // Validates one criterion's params; throws sdk::ParamError naming the path.
  std::unique_ptr<Criterion> Compile(const sdk::Value& params) const;

  // Hot path: no allocation, no locks, no exceptions; text only when context.explain().
  void Score(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
             const sdk::ScoreContext& context, PersonaCriterionScore* scores) const noexcept;

  double personality_tolerance() const { return personality_tolerance_; }
  const TagDictionary& dictionary(TagField field) const { return tables_->dictionaries[field]; }

 private:
  // Grades with tag ids (explain off, the common case). Returns false, having written
  // nothing, when the customer or the dictionary is too large for its stack tables; Score
  // then grades with the string comparisons, which give the same numbers.
  bool ScoreByIds(const PersonaCustomer& customer, const Criterion* const* criteria, size_t count,
                  PersonaCriterionScore* scores) const noexcept;

  double personality_tolerance_;
  // Load-time state grown by Compile, which the SDK declares const but the ABI runs only at
  // load time, one thread at a time per instance and never concurrently with Score; Score
  // only reads it. Behind a pointer so the const Compile can add to it.
  struct Tables {
    // One dictionary per tag field: small id spaces, so a list usually fits a 64-bit mask.
    TagDictionary dictionaries[kTagFieldCount];
    struct Interest {
      uint32_t id;
      double importance;
    };
    std::vector<Interest> interests;  // HotCriterion::interests_begin points here
  };
  std::unique_ptr<Tables> tables_;
};

}  // namespace psychographic
}  // namespace persona
