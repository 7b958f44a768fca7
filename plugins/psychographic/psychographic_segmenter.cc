#include "psychographic_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace persona {
namespace psychographic {
namespace {

using sdk::ParamError;
using sdk::Value;

constexpr const char* kTraitNames[kTraitCount] = {
    "openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism",
};

// Explain fields for the traits, spelled out so Score never concatenates strings.
constexpr const char* kTraitFields[kTraitCount] = {
    "personality.openness",      "personality.conscientiousness", "personality.extraversion",
    "personality.agreeableness", "personality.neuroticism",
};

constexpr PersonaOptionalNumber PersonaCustomer::*kTraitMembers[kTraitCount] = {
    &PersonaCustomer::openness,     &PersonaCustomer::conscientiousness,
    &PersonaCustomer::extraversion, &PersonaCustomer::agreeableness,
    &PersonaCustomer::neuroticism,
};

// ---------------------------------------------------------------------------------------
// Compile-time parsing. Everything here may allocate and throw ParamError.
// ---------------------------------------------------------------------------------------

double ParseWeight(const Value& v) {
  const double weight = v.Number();
  if (!(weight > 0.0)) v.Fail("must be greater than 0, got " + Value::FormatNumber(weight));
  return weight;
}

// A tag as the persona author wrote it, with where it came from for error messages.
struct RawTag {
  std::string tag;  // normalised
  std::string path;
  size_t order;  // position in the catalog, so a duplicate is reported where it repeats
  double importance;
};

// Sorts by tag bytes (the host's order for customer tags) and rejects tags that only
// differed by case or surrounding whitespace: keeping both would silently double-count.
void SortAndRejectDuplicates(std::vector<RawTag>& tags) {
  std::sort(tags.begin(), tags.end(), [](const RawTag& a, const RawTag& b) {
    return a.tag != b.tag ? a.tag < b.tag : a.order < b.order;
  });
  for (size_t i = 1; i < tags.size(); ++i) {
    if (tags[i].tag == tags[i - 1].tag) {
      throw ParamError(tags[i].path, "duplicate tag \"" + tags[i].tag + "\" (same as " +
                                         tags[i - 1].path + " after trimming and lowercasing)");
    }
  }
}

InterestsField ParseInterests(const Value& v) {
  v.RequireObject();
  InterestsField field;
  // The object form is recognised by its "tags" member; everything else is the short form,
  // a plain map tag -> importance.
  std::optional<Value> map = v.Find("tags");
  const bool object_form = map.has_value();
  if (object_form) {
    v.RejectUnknownKeys({"tags", "weight"});
    if (std::optional<Value> weight = v.Find("weight")) field.weight = ParseWeight(*weight);
    map->RequireObject();
  } else {
    map = v;
  }

  std::vector<RawTag> raw;
  map->ForEachMember([&](std::string_view key, const Value& importance_value) {
    std::string tag = sdk::NormalizeTag(key);
    if (tag.empty()) importance_value.Fail("interest tag must not be empty");
    if (!object_form && tag == "weight") {
      // Most likely a per-field weight written in the short form, where it would silently
      // become an interest tag called "weight".
      importance_value.Fail(
          "a per-field weight needs the object form {\"tags\": {...}, \"weight\": w} (an "
          "interest tag named \"weight\" must be written inside \"tags\" too)");
    }
    const double importance = importance_value.NumberIn(0.0, 1.0);
    if (!(importance > 0.0)) {
      importance_value.Fail("must be greater than 0 and at most 1, got 0 (leave the tag out)");
    }
    raw.push_back(RawTag{std::move(tag), importance_value.path(), raw.size(), importance});
  });
  if (raw.empty()) map->Fail("must name at least one interest tag");
  SortAndRejectDuplicates(raw);

  for (RawTag& t : raw) {
    field.tags.push_back(std::move(t.tag));
    field.importance.push_back(t.importance);
    field.importance_sum += t.importance;
  }
  return field;
}

TagListField ParseTagList(const Value& v) {
  TagListField field;
  std::optional<Value> list;
  if (v.IsObject()) {
    v.RejectUnknownKeys({"any_of", "weight", "match"});
    list = v.Get("any_of");
    if (std::optional<Value> weight = v.Find("weight")) field.weight = ParseWeight(*weight);
    if (std::optional<Value> match = v.Find("match")) {
      const std::string_view m = match->String();
      if (m == "share") {
        field.match = ListMatch::kShare;
      } else if (m == "any") {
        field.match = ListMatch::kAny;
      } else {
        match->Fail("must be \"share\" or \"any\", got \"" + std::string(m) + "\"");
      }
    }
  } else if (v.IsList() || v.IsString()) {
    list = v;
  } else {
    v.Fail(
        "must be a list of tags or an object {\"any_of\": [...], \"weight\": w, \"match\": "
        "\"share\" | \"any\"}");
  }

  std::vector<RawTag> raw;
  if (list->IsString()) {
    // A single tag is accepted as a one-element list, as sdk::Value::StringList does.
    std::string tag = sdk::NormalizeTag(list->String());
    if (tag.empty()) list->Fail("must not be empty");
    raw.push_back(RawTag{std::move(tag), list->path(), 0, 0.0});
  } else {
    for (const Value& item : list->List()) {
      std::string tag = sdk::NormalizeTag(item.String());
      if (tag.empty()) item.Fail("must not be empty");
      raw.push_back(RawTag{std::move(tag), item.path(), raw.size(), 0.0});
    }
  }
  if (raw.empty()) list->Fail("must name at least one tag");
  SortAndRejectDuplicates(raw);
  for (RawTag& t : raw) field.tags.push_back(std::move(t.tag));
  return field;
}

PersonalityField ParsePersonality(const Value& v, double default_tolerance) {
  v.RejectUnknownKeys({"openness", "conscientiousness", "extraversion", "agreeableness",
                       "neuroticism", "tolerance", "weight"});
  PersonalityField field;
  field.tolerance = default_tolerance;
  for (int t = 0; t < kTraitCount; ++t) {
    if (std::optional<Value> target = v.Find(kTraitNames[t])) {
      field.targets.push_back({static_cast<Trait>(t), target->NumberIn(0.0, 1.0)});
    }
  }
  if (std::optional<Value> tolerance = v.Find("tolerance")) {
    field.tolerance = tolerance->NumberIn(0.0, 1.0);
  }
  if (std::optional<Value> weight = v.Find("weight")) field.weight = ParseWeight(*weight);
  if (field.targets.empty()) {
    v.Fail(
        "must name at least one trait (openness, conscientiousness, extraversion, "
        "agreeableness, neuroticism)");
  }
  return field;
}

// ---------------------------------------------------------------------------------------
// Hot path helpers. Nothing below allocates or throws.
// ---------------------------------------------------------------------------------------

// The first customer interest at or after `from` whose tag is not less than `tag`. Both
// sides are sorted by bytes, so each criterion tag resumes where the previous one stopped.
const PersonaTagStrength* SeekInterest(const PersonaTagStrength* from,
                                       const PersonaTagStrength* end, std::string_view tag) {
  return std::lower_bound(from, end, tag, [](const PersonaTagStrength& item, std::string_view t) {
    return sdk::View(item.tag) < t;
  });
}

const PersonaString* SeekTag(const PersonaString* from, const PersonaString* end,
                             std::string_view tag) {
  return std::lower_bound(from, end, tag, [](const PersonaString& item, std::string_view t) {
    return sdk::View(item) < t;
  });
}

void ScoreInterests(const InterestsField& field, const PersonaCustomer& customer,
                    const sdk::ScoreContext& context, bool explain, size_t index,
                    sdk::AffinityAccumulator& accumulator) {
  if (customer.interest_count == 0 || customer.interests == nullptr) {
    accumulator.AddMissing(field.weight);
    if (explain) context.AddDetail(index, "interests", 0.0, true, "customer has no interests");
    return;
  }
  const PersonaTagStrength* pos = customer.interests;
  const PersonaTagStrength* const end = customer.interests + customer.interest_count;
  sdk::ReasonWriter<96> reason;
  double overlap = 0.0;
  for (size_t k = 0; k < field.tags.size(); ++k) {
    const std::string_view tag = field.tags[k];
    pos = SeekInterest(pos, end, tag);
    double strength = 0.0;
    if (pos != end && sdk::View(pos->tag) == tag) {
      strength = sdk::Clamp01(pos->strength);
      ++pos;
    }
    overlap += field.importance[k] * strength;
    if (explain) {
      reason.Item("%.*s %.3g\xC3\x97%.3g", sdk::PrintfLength(tag), tag.data(), strength,
                  field.importance[k]);
    }
  }
  const double affinity = overlap / field.importance_sum;
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    reason.Tail(" -> %.3g", affinity);
    context.AddDetail(index, "interests", affinity, false, reason.view());
  }
}

void ScoreTagList(const TagListField& field, const PersonaStringList& list, const char* field_name,
                  const char* missing_reason, const sdk::ScoreContext& context, bool explain,
                  size_t index, sdk::AffinityAccumulator& accumulator) {
  if (list.count == 0 || list.items == nullptr) {
    accumulator.AddMissing(field.weight);
    if (explain) context.AddDetail(index, field_name, 0.0, true, missing_reason);
    return;
  }
  const PersonaString* pos = list.items;
  const PersonaString* const end = list.items + list.count;
  sdk::ReasonWriter<96> reason;
  size_t matched = 0;
  for (const std::string& tag : field.tags) {
    pos = SeekTag(pos, end, tag);
    const bool has = pos != end && sdk::View(*pos) == tag;
    if (has) {
      ++matched;
      ++pos;
    }
    if (explain) {
      reason.Item("%s %.*s", has ? "has" : "lacks", sdk::PrintfLength(tag), tag.data());
    }
  }
  const size_t listed = field.tags.size();
  double affinity;
  if (field.match == ListMatch::kAny) {
    affinity = matched > 0 ? 1.0 : 0.0;
  } else {
    affinity = static_cast<double>(matched) / static_cast<double>(listed);
  }
  accumulator.AddPresent(field.weight, affinity);
  if (explain) {
    if (field.match == ListMatch::kAny) {
      reason.Tail(" -> any: %zu of %zu -> %.3g", matched, listed, affinity);
    } else {
      reason.Tail(" -> share: %zu of %zu -> %.3g", matched, listed, affinity);
    }
    context.AddDetail(index, field_name, affinity, false, reason.view());
  }
}

void ScorePersonality(const PersonalityField& field, const PersonaCustomer& customer,
                      const sdk::ScoreContext& context, bool explain, size_t index,
                      sdk::AffinityAccumulator& accumulator) {
  // One field whose weight is shared evenly by its named traits: a customer who gave two of
  // four traits covers half of it, and the field's affinity is the mean over those two.
  const double trait_weight = field.weight / static_cast<double>(field.targets.size());
  for (const PersonalityField::Target& target : field.targets) {
    const PersonaOptionalNumber& value = customer.*kTraitMembers[target.trait];
    if (!value.present) {
      accumulator.AddMissing(trait_weight);
      if (explain) {
        context.AddDetail(index, kTraitFields[target.trait], 0.0, true, "customer did not say");
      }
      continue;
    }
    const double affinity = TraitAffinity(value.value, target.value, field.tolerance);
    accumulator.AddPresent(trait_weight, affinity);
    if (explain) {
      sdk::ReasonWriter<96> reason;
      reason.Tail("customer %.3g, target %.3g \xC2\xB1 %.3g -> %.3g", value.value, target.value,
                  field.tolerance, affinity);
      context.AddDetail(index, kTraitFields[target.trait], affinity, false, reason.view());
    }
  }
}

// ---------------------------------------------------------------------------------------
// Id-based grading (explain off). Same arithmetic, in the same order, as ScoreInterests and
// ScoreTagList, so the results are bit-identical; only the tag look-ups differ.
// ---------------------------------------------------------------------------------------

// Dictionaries up to this many tags are graded by id; the tables below are sized by it and
// live on the stack (Score must not allocate). A catalog naming more distinct tags of one
// field than this is graded with string comparisons instead.
constexpr size_t kMaxDenseTags = 2048;
// Customer interests the dictionary knows, per call; more falls back the same way.
constexpr size_t kMaxMappedInterests = 255;
constexpr uint8_t kPersonalityBit = 1u << 4;

// The customer's tags, by dictionary id. Only the first dictionary-size entries of each
// table are initialised.
struct CustomerTags {
  // 0 = the customer has no such interest; otherwise an index into `strength`.
  uint8_t interest_slot[kMaxDenseTags];
  // strength[0] is 0.0 so a missing interest reads as strength 0 without a branch, as in
  // ScoreInterests.
  double strength[kMaxMappedInterests + 1];
  // Per list: which ids the customer lists, as a table and (ids < 64) as a mask.
  uint8_t listed[3][kMaxDenseTags];
  uint64_t mask[3];
  // Per TagField: the customer has data for it (the criterion is graded, not missing).
  bool has[kTagFieldCount];
};

bool HasList(const PersonaStringList& list) { return list.count != 0 && list.items != nullptr; }

void MarkList(const TagDictionary& dictionary, const PersonaStringList& list, int which,
              CustomerTags* tags) noexcept {
  std::memset(tags->listed[which], 0, dictionary.size());
  tags->mask[which] = 0;
  if (list.items == nullptr) return;
  for (size_t i = 0; i < list.count; ++i) {
    const uint32_t id = dictionary.Find(sdk::View(list.items[i]));
    if (id == TagDictionary::kNoTag) continue;
    tags->listed[which][id] = 1;
    if (id < 64) tags->mask[which] |= uint64_t{1} << id;
  }
}

// Fills `tags`; false when a table is too small for the dictionaries or the customer.
bool MapCustomerTags(const TagDictionary* dictionaries, const PersonaCustomer& customer,
                     CustomerTags* tags) noexcept {
  for (int f = 0; f < kTagFieldCount; ++f) {
    if (dictionaries[f].size() > kMaxDenseTags) return false;
  }
  const TagDictionary& interests = dictionaries[kInterestsField];
  std::memset(tags->interest_slot, 0, interests.size());
  tags->strength[0] = 0.0;
  size_t mapped = 0;
  if (customer.interests != nullptr) {
    for (size_t i = 0; i < customer.interest_count; ++i) {
      const uint32_t id = interests.Find(sdk::View(customer.interests[i].tag));
      // The first of equal tags wins, as the lower_bound in ScoreInterests would find it.
      if (id == TagDictionary::kNoTag || tags->interest_slot[id] != 0) continue;
      if (mapped == kMaxMappedInterests) return false;
      ++mapped;
      tags->strength[mapped] = sdk::Clamp01(customer.interests[i].strength);
      tags->interest_slot[id] = static_cast<uint8_t>(mapped);
    }
  }
  MarkList(dictionaries[kValuesField], customer.values, 0, tags);
  MarkList(dictionaries[kLifestyleField], customer.lifestyle, 1, tags);
  MarkList(dictionaries[kChannelsField], customer.preferred_channels, 2, tags);
  tags->has[kInterestsField] = customer.interest_count != 0 && customer.interests != nullptr;
  tags->has[kValuesField] = HasList(customer.values);
  tags->has[kLifestyleField] = HasList(customer.lifestyle);
  tags->has[kChannelsField] = HasList(customer.preferred_channels);
  return true;
}

// Set bits of x. Without -mpopcnt (the baseline x86-64 target) __builtin_popcountll is a
// library call; this is a dozen branch-free instructions.
inline uint64_t PopCount64(uint64_t x) noexcept {
#if defined(__POPCNT__)
  return static_cast<uint64_t>(__builtin_popcountll(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return (x * 0x0101010101010101u) >> 56;
#endif
}

// Matched tags of one list, as ScoreTagList counts them (ids are unique within a list).
size_t CountListed(const HotCriterion& hot, const TagListField& field, int which,
                   const CustomerTags& tags) noexcept {
  if ((hot.wide & (1u << which)) == 0) {
    return static_cast<size_t>(PopCount64(hot.list_mask[which] & tags.mask[which]));
  }
  size_t matched = 0;
  for (const uint32_t id : field.ids) matched += tags.listed[which][id];
  return matched;
}

inline __attribute__((always_inline)) void AddListById(
    const HotCriterion& hot, const std::optional<TagListField>& field, int which,
    const CustomerTags& tags, sdk::AffinityAccumulator& accumulator) noexcept {
  const int f = which + 1;
  if ((hot.fields & (1u << f)) == 0) return;
  if (!tags.has[f]) {
    accumulator.AddMissing(hot.weight[f]);
    return;
  }
  double affinity;
  if ((hot.match_any & (1u << which)) != 0 && (hot.wide & (1u << which)) == 0) {
    // "any" needs no count: one AND answers it.
    affinity = (hot.list_mask[which] & tags.mask[which]) != 0 ? 1.0 : 0.0;
    accumulator.AddPresent(hot.weight[f], affinity);
    return;
  }
  const size_t matched = CountListed(hot, *field, which, tags);
  if ((hot.match_any & (1u << which)) != 0) {
    affinity = matched > 0 ? 1.0 : 0.0;
  } else {
    affinity = static_cast<double>(matched) / static_cast<double>(hot.list_count[which]);
  }
  accumulator.AddPresent(hot.weight[f], affinity);
}

// ScorePersonality without explanations.
void AddPersonalityQuiet(const PersonalityField& field, const PersonaCustomer& customer,
                         sdk::AffinityAccumulator& accumulator) noexcept {
  const double trait_weight = field.weight / static_cast<double>(field.targets.size());
  for (const PersonalityField::Target& target : field.targets) {
    const PersonaOptionalNumber& value = customer.*kTraitMembers[target.trait];
    if (!value.present) {
      accumulator.AddMissing(trait_weight);
    } else {
      accumulator.AddPresent(trait_weight,
                             TraitAffinity(value.value, target.value, field.tolerance));
    }
  }
}

// The customer's strongest interest, ties going to the first tag in byte order so the label
// is deterministic. Nothing when the customer has no interest above 0.
void LabelTopInterest(const PersonaCustomer& customer, const sdk::ScoreContext& context) {
  if (customer.interests == nullptr) return;
  const PersonaTagStrength* best = nullptr;
  for (size_t i = 0; i < customer.interest_count; ++i) {
    const PersonaTagStrength& interest = customer.interests[i];
    if (interest.strength > 0.0 && (best == nullptr || interest.strength > best->strength)) {
      best = &interest;
    }
  }
  if (best != nullptr && best->tag.size > 0) context.AddLabel("top_interest", sdk::View(best->tag));
}

}  // namespace

uint64_t TagDictionary::Hash(std::string_view tag) noexcept {
  uint64_t h = 14695981039346656037u;  // FNV-1a
  for (const char c : tag) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211u;
  }
  return h;
}

void TagDictionary::Rehash(size_t bucket_count) {
  buckets_.assign(bucket_count, 0);
  const size_t mask = bucket_count - 1;
  for (size_t id = 0; id < tags_.size(); ++id) {
    size_t i = static_cast<size_t>(Hash(tags_[id])) & mask;
    while (buckets_[i] != 0) i = (i + 1) & mask;
    buckets_[i] = static_cast<uint32_t>(id + 1);
  }
}

uint32_t TagDictionary::Intern(const std::string& tag) {
  const uint32_t found = Find(tag);
  if (found != kNoTag) return found;
  const auto id = static_cast<uint32_t>(tags_.size());
  tags_.push_back(tag);
  if (buckets_.size() < 2 * tags_.size()) {
    Rehash(std::max<size_t>(16, 2 * buckets_.size()));
  } else {
    const size_t mask = buckets_.size() - 1;
    size_t i = static_cast<size_t>(Hash(tag)) & mask;
    while (buckets_[i] != 0) i = (i + 1) & mask;
    buckets_[i] = id + 1;
  }
  return id;
}

uint32_t TagDictionary::Find(std::string_view tag) const noexcept {
  if (buckets_.empty()) return kNoTag;
  const size_t mask = buckets_.size() - 1;
  for (size_t i = static_cast<size_t>(Hash(tag)) & mask;; i = (i + 1) & mask) {
    const uint32_t bucket = buckets_[i];
    if (bucket == 0) return kNoTag;
    if (std::string_view(tags_[bucket - 1]) == tag) return bucket - 1;
  }
}

const char* TraitName(Trait trait) {
  return trait >= 0 && trait < kTraitCount ? kTraitNames[trait] : "";
}

double TraitAffinity(double customer, double target, double tolerance) {
  const double distance = std::fabs(customer - target);
  if (distance <= tolerance || tolerance >= 1.0) return 1.0;
  return std::max(0.0, 1.0 - (distance - tolerance) / (1.0 - tolerance));
}

std::unique_ptr<PsychographicSegmenter> PsychographicSegmenter::Create(const Value& config) {
  double tolerance = kDefaultPersonalityTolerance;
  // The ABI promises an object, empty when the catalog has no config; a null is read the same
  // way so a host that passes "no config" literally is not refused.
  if (!config.IsNull()) {
    config.RejectUnknownKeys({"personality_tolerance"});
    if (std::optional<Value> t = config.Find("personality_tolerance")) {
      tolerance = t->NumberIn(0.0, 1.0);
    }
  }
  return std::make_unique<PsychographicSegmenter>(tolerance);
}

std::unique_ptr<PsychographicCriterion> PsychographicSegmenter::Compile(const Value& params) const {
  params.RejectUnknownKeys(
      {"interests", "values", "lifestyle", "preferred_channels", "personality"});
  if (params.size() == 0) {
    params.Fail(
        "must name at least one of interests, values, lifestyle, preferred_channels, "
        "personality");
  }
  auto criterion = std::make_unique<PsychographicCriterion>();
  if (std::optional<Value> v = params.Find("interests")) criterion->interests = ParseInterests(*v);
  if (std::optional<Value> v = params.Find("values")) criterion->values = ParseTagList(*v);
  if (std::optional<Value> v = params.Find("lifestyle")) criterion->lifestyle = ParseTagList(*v);
  if (std::optional<Value> v = params.Find("preferred_channels")) {
    criterion->preferred_channels = ParseTagList(*v);
  }
  if (std::optional<Value> v = params.Find("personality")) {
    criterion->personality = ParsePersonality(*v, personality_tolerance_);
  }
  // Interned only once the whole criterion is valid, so refused params add no tags.
  HotCriterion& hot = criterion->hot;
  const auto intern = [this](TagField field, const std::vector<std::string>& tags,
                             std::vector<uint32_t>* ids) {
    ids->clear();
    for (const std::string& tag : tags) ids->push_back(tables_->dictionaries[field].Intern(tag));
  };
  if (criterion->interests) {
    InterestsField& interests = *criterion->interests;
    intern(kInterestsField, interests.tags, &interests.ids);
    hot.fields |= 1u << kInterestsField;
    hot.weight[kInterestsField] = interests.weight;
    hot.importance_sum = interests.importance_sum;
    hot.interests_begin = static_cast<uint32_t>(tables_->interests.size());
    hot.interest_count = static_cast<uint32_t>(interests.ids.size());
    for (size_t k = 0; k < interests.ids.size(); ++k) {
      tables_->interests.push_back(Tables::Interest{interests.ids[k], interests.importance[k]});
    }
  }
  const auto compile_list = [&](TagField field, std::optional<TagListField>& list) {
    if (!list) return;
    intern(field, list->tags, &list->ids);
    const int which = field - 1;
    hot.fields |= 1u << field;
    hot.weight[field] = list->weight;
    hot.list_count[which] = static_cast<uint32_t>(list->ids.size());
    if (list->match == ListMatch::kAny) hot.match_any |= 1u << which;
    for (const uint32_t id : list->ids) {
      if (id < 64) {
        hot.list_mask[which] |= uint64_t{1} << id;
      } else {
        hot.wide |= 1u << which;
      }
    }
  };
  compile_list(kValuesField, criterion->values);
  compile_list(kLifestyleField, criterion->lifestyle);
  compile_list(kChannelsField, criterion->preferred_channels);
  if (criterion->personality) hot.fields |= kPersonalityBit;
  return criterion;
}

void PsychographicSegmenter::Score(const PersonaCustomer& customer,
                                   const Criterion* const* criteria, size_t count,
                                   const sdk::ScoreContext& context,
                                   PersonaCriterionScore* scores) const noexcept {
  // Labels are per customer, not per criterion: the ABI wants them even when count == 0.
  LabelTopInterest(customer, context);

  const bool explain = context.explain();
  // Explanations need the tag text; they take the string path below, which grades the same.
  if (!explain && ScoreByIds(customer, criteria, count, scores)) return;
  for (size_t i = 0; i < count; ++i) {
    const Criterion* criterion = criteria[i];
    if (criterion == nullptr) {
      scores[i] = PersonaCriterionScore{0.0, 0.0};
      continue;
    }
    sdk::AffinityAccumulator accumulator;
    if (criterion->interests) {
      ScoreInterests(*criterion->interests, customer, context, explain, i, accumulator);
    }
    if (criterion->values) {
      ScoreTagList(*criterion->values, customer.values, "values", "customer lists no values",
                   context, explain, i, accumulator);
    }
    if (criterion->lifestyle) {
      ScoreTagList(*criterion->lifestyle, customer.lifestyle, "lifestyle",
                   "customer lists no lifestyle", context, explain, i, accumulator);
    }
    if (criterion->preferred_channels) {
      ScoreTagList(*criterion->preferred_channels, customer.preferred_channels,
                   "preferred_channels", "customer lists no preferred channels", context, explain,
                   i, accumulator);
    }
    if (criterion->personality) {
      ScorePersonality(*criterion->personality, customer, context, explain, i, accumulator);
    }
    scores[i] = accumulator.Result();
  }
}

bool PsychographicSegmenter::ScoreByIds(const PersonaCustomer& customer,
                                        const Criterion* const* criteria, size_t count,
                                        PersonaCriterionScore* scores) const noexcept {
  CustomerTags tags;
  if (!MapCustomerTags(tables_->dictionaries, customer, &tags)) return false;
  const Tables::Interest* const interests = tables_->interests.data();
  // Criteria are separate heap objects the host lists in persona order; fetch a few ahead.
  constexpr size_t kPrefetchAhead = 8;
  for (size_t i = 0; i < count; ++i) {
    if (i + kPrefetchAhead < count && criteria[i + kPrefetchAhead] != nullptr) {
      __builtin_prefetch(&criteria[i + kPrefetchAhead]->hot);
      __builtin_prefetch(reinterpret_cast<const char*>(&criteria[i + kPrefetchAhead]->hot) + 64);
    }
    const Criterion* criterion = criteria[i];
    if (criterion == nullptr) {
      scores[i] = PersonaCriterionScore{0.0, 0.0};
      continue;
    }
    const HotCriterion& hot = criterion->hot;
    // The same accumulation, field by field in the same order, as Score's string path.
    sdk::AffinityAccumulator accumulator;
    if ((hot.fields & (1u << kInterestsField)) != 0) {
      if (tags.has[kInterestsField]) {
        double overlap = 0.0;
        const Tables::Interest* interest = interests + hot.interests_begin;
        for (uint32_t k = 0; k < hot.interest_count; ++k, ++interest) {
          overlap += interest->importance * tags.strength[tags.interest_slot[interest->id]];
        }
        accumulator.AddPresent(hot.weight[kInterestsField], overlap / hot.importance_sum);
      } else {
        accumulator.AddMissing(hot.weight[kInterestsField]);
      }
    }
    AddListById(hot, criterion->values, 0, tags, accumulator);
    AddListById(hot, criterion->lifestyle, 1, tags, accumulator);
    AddListById(hot, criterion->preferred_channels, 2, tags, accumulator);
    if ((hot.fields & kPersonalityBit) != 0) {
      AddPersonalityQuiet(*criterion->personality, customer, accumulator);
    }
    scores[i] = accumulator.Result();
  }
  return true;
}

}  // namespace psychographic
}  // namespace persona
