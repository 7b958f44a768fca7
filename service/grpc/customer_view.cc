#include "service/grpc/customer_view.h"

#include <algorithm>
#include <persona/segmenter.hpp>

#include "google/protobuf/util/time_util.h"

namespace persona {
namespace {

PersonaString Str(std::string_view s) { return PersonaString{s.data(), s.size()}; }

PersonaOptionalNumber Number(bool present, double value) {
  return PersonaOptionalNumber{present ? value : 0.0, present ? 1 : 0};
}

}  // namespace

std::string_view GenderName(persona::v1::Gender value) {
  switch (value) {
    case persona::v1::GENDER_FEMALE:
      return "female";
    case persona::v1::GENDER_MALE:
      return "male";
    case persona::v1::GENDER_NON_BINARY:
      return "non_binary";
    case persona::v1::GENDER_OTHER:
      return "other";
    default:
      return "";
  }
}

std::string_view UrbanicityName(persona::v1::Urbanicity value) {
  switch (value) {
    case persona::v1::URBANICITY_URBAN:
      return "urban";
    case persona::v1::URBANICITY_SUBURBAN:
      return "suburban";
    case persona::v1::URBANICITY_RURAL:
      return "rural";
    default:
      return "";
  }
}

std::string_view EducationName(persona::v1::Education value) {
  switch (value) {
    case persona::v1::EDUCATION_PRIMARY:
      return "primary";
    case persona::v1::EDUCATION_SECONDARY:
      return "secondary";
    case persona::v1::EDUCATION_VOCATIONAL:
      return "vocational";
    case persona::v1::EDUCATION_BACHELOR:
      return "bachelor";
    case persona::v1::EDUCATION_MASTER:
      return "master";
    case persona::v1::EDUCATION_DOCTORATE:
      return "doctorate";
    default:
      return "";
  }
}

std::string_view MaritalStatusName(persona::v1::MaritalStatus value) {
  switch (value) {
    case persona::v1::MARITAL_STATUS_SINGLE:
      return "single";
    case persona::v1::MARITAL_STATUS_MARRIED:
      return "married";
    case persona::v1::MARITAL_STATUS_DOMESTIC_PARTNERSHIP:
      return "domestic_partnership";
    case persona::v1::MARITAL_STATUS_DIVORCED:
      return "divorced";
    case persona::v1::MARITAL_STATUS_WIDOWED:
      return "widowed";
    default:
      return "";
  }
}

void CustomerView::AppendLowered(std::string_view tag) {
  // One append and an in-place pass: push_back per character was a capacity check each.
  const size_t at = tag_bytes_.size();
  tag_bytes_.append(tag.data(), tag.size());
  for (size_t i = at; i < tag_bytes_.size(); ++i) tag_bytes_[i] = sdk::AsciiLower(tag_bytes_[i]);
}

template <typename Strings>
void CustomerView::AddTags(const Strings& source, std::vector<PendingTag>* out) {
  out->clear();
  for (const std::string& raw : source) {
    const std::string_view tag = sdk::TrimAsciiWhitespace(raw);
    if (tag.empty()) continue;
    out->push_back(PendingTag{tag_bytes_.size(), tag.size(), 0.0});
    AppendLowered(tag);
  }
}

PersonaStringList CustomerView::FinishList(std::vector<PendingTag>& tags,
                                           std::vector<PersonaString>* out) {
  out->clear();
  for (const PendingTag& tag : tags)
    out->push_back(Str({tag_bytes_.data() + tag.offset, tag.size}));
  const auto view = [](const PersonaString& s) { return std::string_view(s.data, s.size); };
  std::sort(out->begin(), out->end(),
            [&](const PersonaString& a, const PersonaString& b) { return view(a) < view(b); });
  out->erase(std::unique(out->begin(), out->end(),
                         [&](const PersonaString& a, const PersonaString& b) {
                           return view(a) == view(b);
                         }),
             out->end());
  return PersonaStringList{out->data(), out->size()};
}

void CustomerView::Reset(const persona::v1::Customer& customer) {
  view_ = PersonaCustomer{};
  view_.struct_size = sizeof(PersonaCustomer);
  view_.customer_id = Str(customer.customer_id());
  tag_bytes_.clear();

  const auto& demographics = customer.demographics();
  view_.age = Number(demographics.has_age(), demographics.age());
  view_.gender = Str(GenderName(demographics.gender()));
  view_.country = Str(sdk::TrimAsciiWhitespace(demographics.location().country()));
  view_.region = Str(sdk::TrimAsciiWhitespace(demographics.location().region()));
  view_.city = Str(sdk::TrimAsciiWhitespace(demographics.location().city()));
  view_.urbanicity = Str(UrbanicityName(demographics.location().urbanicity()));
  view_.education = Str(EducationName(demographics.education()));
  view_.annual_income = Number(demographics.has_annual_income(), demographics.annual_income());
  view_.occupation = Str(sdk::TrimAsciiWhitespace(demographics.occupation()));
  view_.marital_status = Str(MaritalStatusName(demographics.marital_status()));
  view_.household_size = Number(demographics.has_household_size(), demographics.household_size());

  const auto& behavior = customer.behavior();
  orders_.clear();
  for (const auto& order : behavior.orders()) {
    orders_.push_back(PersonaOrder{Str(order.order_id()), order.time().seconds(), order.amount()});
  }
  std::stable_sort(orders_.begin(), orders_.end(),
                   [](const PersonaOrder& a, const PersonaOrder& b) {
                     return a.time_unix_seconds < b.time_unix_seconds;
                   });
  view_.orders = orders_.data();
  view_.order_count = orders_.size();
  const auto& rfm = behavior.rfm();
  view_.rfm_days_since_last_order =
      Number(rfm.has_days_since_last_order(), rfm.days_since_last_order());
  view_.rfm_order_count = Number(rfm.has_order_count(), rfm.order_count());
  view_.rfm_total_spend = Number(rfm.has_total_spend(), rfm.total_spend());

  const auto& psychographics = customer.psychographics();
  pending_interests_.clear();
  for (const auto& [raw, strength] : psychographics.interests()) {
    const std::string_view tag = sdk::TrimAsciiWhitespace(raw);
    if (tag.empty()) continue;
    pending_interests_.push_back(PendingTag{tag_bytes_.size(), tag.size(), strength});
    AppendLowered(tag);
  }
  AddTags(behavior.preferred_brands(), &pending_brands_);
  AddTags(behavior.channels(), &pending_channels_);
  AddTags(psychographics.values(), &pending_values_);
  AddTags(psychographics.lifestyle(), &pending_lifestyle_);
  AddTags(psychographics.preferred_channels(), &pending_preferred_channels_);

  // tag_bytes_ is complete: pointers into it are stable from here on.
  interests_.clear();
  for (const PendingTag& tag : pending_interests_) {
    interests_.push_back(
        PersonaTagStrength{Str({tag_bytes_.data() + tag.offset, tag.size}), tag.strength});
  }
  const auto tag_of = [](const PersonaTagStrength& t) {
    return std::string_view(t.tag.data, t.tag.size);
  };
  std::sort(interests_.begin(), interests_.end(),
            [&](const auto& a, const auto& b) { return tag_of(a) < tag_of(b); });
  // Validation rejects tags equal after normalisation; keep the first if one slips through.
  interests_.erase(
      std::unique(interests_.begin(), interests_.end(),
                  [&](const auto& a, const auto& b) { return tag_of(a) == tag_of(b); }),
      interests_.end());
  view_.interests = interests_.data();
  view_.interest_count = interests_.size();
  view_.preferred_brands = FinishList(pending_brands_, &brands_);
  view_.channels = FinishList(pending_channels_, &channels_);
  view_.values = FinishList(pending_values_, &values_);
  view_.lifestyle = FinishList(pending_lifestyle_, &lifestyle_);
  view_.preferred_channels = FinishList(pending_preferred_channels_, &preferred_channels_);

  const auto& personality = psychographics.personality();
  view_.openness = Number(personality.has_openness(), personality.openness());
  view_.conscientiousness =
      Number(personality.has_conscientiousness(), personality.conscientiousness());
  view_.extraversion = Number(personality.has_extraversion(), personality.extraversion());
  view_.agreeableness = Number(personality.has_agreeableness(), personality.agreeableness());
  view_.neuroticism = Number(personality.has_neuroticism(), personality.neuroticism());

  attributes_.clear();
  for (const auto& [key, value] : customer.attributes()) {
    attributes_.push_back(PersonaKeyValue{Str(key), Str(value)});
  }
  const auto key_of = [](const PersonaKeyValue& kv) {
    return std::string_view(kv.key.data, kv.key.size);
  };
  std::sort(attributes_.begin(), attributes_.end(),
            [&](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
  view_.attributes = attributes_.data();
  view_.attribute_count = attributes_.size();
}

}  // namespace persona
