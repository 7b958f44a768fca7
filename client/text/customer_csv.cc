#include "client/text/customer_csv.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/text/json_writer.h"
#include "client/text/strings.h"
#include "google/protobuf/util/time_util.h"

namespace persona {
namespace {

using persona::v1::Customer;

// Column ids, in the order of kNames and of a full row.
enum Field : int {
  kCustomerId,
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
  kDaysSinceLastOrder,
  kOrderCount,
  kTotalSpend,
  kPreferredBrands,
  kChannels,
  kInterests,
  kValues,
  kLifestyle,
  kOpenness,
  kConscientiousness,
  kExtraversion,
  kAgreeableness,
  kNeuroticism,
  kPreferredChannels,
  kTimeZone,
  kBirthDate,
  kSignupTime,
  kNps,
  kCsat,
  kPrimaryDevice,
  kContactOptIns,
  kPlatforms,
  kFieldCount,
  kAttribute = kFieldCount,  // attr.KEY
};

constexpr std::string_view kNames[kFieldCount] = {
    "customer_id",
    "age",
    "gender",
    "country",
    "region",
    "city",
    "urbanicity",
    "education",
    "annual_income",
    "occupation",
    "marital_status",
    "household_size",
    "days_since_last_order",
    "order_count",
    "total_spend",
    "preferred_brands",
    "channels",
    "interests",
    "values",
    "lifestyle",
    "openness",
    "conscientiousness",
    "extraversion",
    "agreeableness",
    "neuroticism",
    "preferred_channels",
    "time_zone",
    "birth_date",
    "signup_time",
    "nps",
    "csat",
    "primary_device",
    "contact_opt_ins",
    "platforms",
};

constexpr std::string_view kAttributePrefix = "attr.";

absl::Status BadCell(int field, std::string_view key, std::string_view value,
                     std::string_view rule) {
  const std::string column = field == kAttribute ? std::string(kAttributePrefix) + std::string(key)
                                                 : std::string(kNames[field]);
  return absl::InvalidArgumentError("column " + column + ": " + std::string(rule) + ", got \"" +
                                    std::string(value) + "\"");
}

bool ParseUint(std::string_view text, uint32_t* out) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), *out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool ParseInt(std::string_view text, int32_t* out) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), *out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// "YYYY-MM-DD"; "0000-MM-DD" when the year is unknown. Whether it is a real date is the
// server's to say (it names the field).
bool ParseDate(std::string_view text, persona::v1::CalendarDate* out) {
  int32_t year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  if (!ParseInt(text.substr(0, 4), &year) || !ParseInt(text.substr(5, 2), &month) ||
      !ParseInt(text.substr(8, 2), &day)) {
    return false;
  }
  out->set_year(year);
  out->set_month(month);
  out->set_day(day);
  return true;
}

std::string FormatDate(const persona::v1::CalendarDate& date) {
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", date.year(), date.month(), date.day());
  return text;
}

bool ParseDouble(std::string_view text, double* out) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), *out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// "female", "FEMALE" or "GENDER_FEMALE" → the enum value.
template <typename Enum>
bool ParseEnum(std::string_view text, std::string_view prefix,
               bool (*parse)(const std::string&, Enum*), Enum* out) {
  const std::string upper = AsciiUpper(text);
  if (parse(upper, out)) return true;
  return parse(std::string(prefix) + upper, out);
}

// The short name the CSV writes: "GENDER_FEMALE" → "female".
std::string ShortName(const std::string& full, std::string_view prefix) {
  return AsciiLower(std::string_view(full).substr(prefix.size()));
}

std::vector<std::string_view> SplitList(std::string_view cell) {
  std::vector<std::string_view> out;
  for (std::string_view item : Split(cell, ';')) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

template <typename Repeated>
void AddList(std::string_view cell, Repeated* out) {
  for (std::string_view item : SplitList(cell)) out->Add(std::string(item));
}

template <typename Repeated>
std::string JoinList(const Repeated& list) {
  return absl::StrJoin(list, ";");
}

absl::Status ParseCell(int field, const std::string& key, std::string_view cell, Customer* c) {
  uint32_t whole = 0;
  int32_t integer = 0;
  double number = 0;
  // Sub-messages are created only for the cells given.
  const auto d = [c] { return c->mutable_demographics(); };
  switch (field) {
    case kCustomerId:
      c->set_customer_id(std::string(cell));
      return absl::OkStatus();
    case kAge:
      if (!ParseUint(cell, &whole)) return BadCell(field, key, cell, "not a whole number");
      d()->set_age(whole);
      return absl::OkStatus();
    case kGender: {
      persona::v1::Gender value;
      if (!ParseEnum(cell, "GENDER_", &persona::v1::Gender_Parse, &value)) {
        return BadCell(field, key, cell, "not one of female, male, non_binary, other");
      }
      d()->set_gender(value);
      return absl::OkStatus();
    }
    case kCountry:
      d()->mutable_location()->set_country(std::string(cell));
      return absl::OkStatus();
    case kRegion:
      d()->mutable_location()->set_region(std::string(cell));
      return absl::OkStatus();
    case kCity:
      d()->mutable_location()->set_city(std::string(cell));
      return absl::OkStatus();
    case kUrbanicity: {
      persona::v1::Urbanicity value;
      if (!ParseEnum(cell, "URBANICITY_", &persona::v1::Urbanicity_Parse, &value)) {
        return BadCell(field, key, cell, "not one of urban, suburban, rural");
      }
      d()->mutable_location()->set_urbanicity(value);
      return absl::OkStatus();
    }
    case kEducation: {
      persona::v1::Education value;
      if (!ParseEnum(cell, "EDUCATION_", &persona::v1::Education_Parse, &value)) {
        return BadCell(field, key, cell,
                       "not one of primary, secondary, vocational, bachelor, master, doctorate");
      }
      d()->set_education(value);
      return absl::OkStatus();
    }
    case kAnnualIncome:
      if (!ParseDouble(cell, &number)) return BadCell(field, key, cell, "not a number");
      d()->set_annual_income(number);
      return absl::OkStatus();
    case kOccupation:
      d()->set_occupation(std::string(cell));
      return absl::OkStatus();
    case kMaritalStatus: {
      persona::v1::MaritalStatus value;
      if (!ParseEnum(cell, "MARITAL_STATUS_", &persona::v1::MaritalStatus_Parse, &value)) {
        return BadCell(field, key, cell,
                       "not one of single, married, domestic_partnership, divorced, widowed");
      }
      d()->set_marital_status(value);
      return absl::OkStatus();
    }
    case kHouseholdSize:
      if (!ParseUint(cell, &whole)) return BadCell(field, key, cell, "not a whole number");
      d()->set_household_size(whole);
      return absl::OkStatus();
    case kDaysSinceLastOrder:
      if (!ParseUint(cell, &whole)) return BadCell(field, key, cell, "not a whole number");
      c->mutable_behavior()->mutable_rfm()->set_days_since_last_order(whole);
      return absl::OkStatus();
    case kOrderCount:
      if (!ParseUint(cell, &whole)) return BadCell(field, key, cell, "not a whole number");
      c->mutable_behavior()->mutable_rfm()->set_order_count(whole);
      return absl::OkStatus();
    case kTotalSpend:
      if (!ParseDouble(cell, &number)) return BadCell(field, key, cell, "not a number");
      c->mutable_behavior()->mutable_rfm()->set_total_spend(number);
      return absl::OkStatus();
    case kPreferredBrands:
      AddList(cell, c->mutable_behavior()->mutable_preferred_brands());
      return absl::OkStatus();
    case kChannels:
      AddList(cell, c->mutable_behavior()->mutable_channels());
      return absl::OkStatus();
    case kInterests: {
      auto* interests = c->mutable_psychographics()->mutable_interests();
      for (std::string_view item : SplitList(cell)) {
        const size_t colon = item.rfind(':');
        double strength = 1.0;
        std::string_view tag = item;
        if (colon != std::string_view::npos) {
          tag = Trim(item.substr(0, colon));
          if (!ParseDouble(Trim(item.substr(colon + 1)), &strength)) {
            return BadCell(field, key, item, "an interest is \"tag:strength\" with a number");
          }
        }
        if (tag.empty()) return BadCell(field, key, item, "an interest needs a tag");
        (*interests)[std::string(tag)] = strength;
      }
      return absl::OkStatus();
    }
    case kValues:
      AddList(cell, c->mutable_psychographics()->mutable_values());
      return absl::OkStatus();
    case kLifestyle:
      AddList(cell, c->mutable_psychographics()->mutable_lifestyle());
      return absl::OkStatus();
    case kOpenness:
    case kConscientiousness:
    case kExtraversion:
    case kAgreeableness:
    case kNeuroticism: {
      if (!ParseDouble(cell, &number)) return BadCell(field, key, cell, "not a number");
      auto* p = c->mutable_psychographics()->mutable_personality();
      if (field == kOpenness) p->set_openness(number);
      if (field == kConscientiousness) p->set_conscientiousness(number);
      if (field == kExtraversion) p->set_extraversion(number);
      if (field == kAgreeableness) p->set_agreeableness(number);
      if (field == kNeuroticism) p->set_neuroticism(number);
      return absl::OkStatus();
    }
    case kPreferredChannels:
      AddList(cell, c->mutable_psychographics()->mutable_preferred_channels());
      return absl::OkStatus();
    case kTimeZone:
      d()->mutable_location()->set_time_zone(std::string(cell));
      return absl::OkStatus();
    case kBirthDate:
      if (!ParseDate(cell, d()->mutable_birth_date())) {
        return BadCell(field, key, cell, "not a date YYYY-MM-DD (0000-MM-DD: year unknown)");
      }
      return absl::OkStatus();
    case kSignupTime:
      if (!google::protobuf::util::TimeUtil::FromString(std::string(cell),
                                                        c->mutable_signup_time())) {
        return BadCell(field, key, cell, "not an RFC 3339 time such as 2024-03-01T09:30:00Z");
      }
      return absl::OkStatus();
    case kNps:
    case kCsat: {
      if (!ParseInt(cell, &integer)) return BadCell(field, key, cell, "not a whole number");
      auto* satisfaction = c->mutable_behavior()->mutable_satisfaction();
      if (field == kNps) satisfaction->set_nps(integer);
      if (field == kCsat) satisfaction->set_csat(integer);
      return absl::OkStatus();
    }
    case kPrimaryDevice: {
      persona::v1::Device value;
      if (!ParseEnum(cell, "DEVICE_", &persona::v1::Device_Parse, &value)) {
        return BadCell(field, key, cell, "not one of mobile, desktop, tablet");
      }
      c->mutable_digital()->set_primary_device(value);
      return absl::OkStatus();
    }
    case kContactOptIns:
      AddList(cell, c->mutable_digital()->mutable_contact_opt_ins());
      return absl::OkStatus();
    case kPlatforms: {
      auto* digital = c->mutable_digital();
      for (std::string_view item : SplitList(cell)) {
        const size_t colon = item.rfind(':');
        auto* platform = digital->add_platforms();
        platform->set_name(std::string(Trim(item.substr(0, colon))));
        if (colon != std::string_view::npos) {
          if (!ParseInt(Trim(item.substr(colon + 1)), &integer)) {
            return BadCell(field, key, item,
                           "a platform is \"name\" or \"name:sessions_30d\" with a whole number");
          }
          platform->set_sessions_30d(integer);
        }
        if (platform->name().empty()) return BadCell(field, key, item, "a platform needs a name");
      }
      return absl::OkStatus();
    }
    case kAttribute:
      (*c->mutable_attributes())[key] = std::string(cell);
      return absl::OkStatus();
  }
  return absl::InternalError("unknown column");
}

// The cell a customer's field becomes; "" when not given.
std::string FormatCell(int field, const std::string& key, const Customer& c) {
  const auto& d = c.demographics();
  const auto& l = d.location();
  const auto& rfm = c.behavior().rfm();
  const auto& p = c.psychographics();
  const auto& t = p.personality();
  switch (field) {
    case kCustomerId:
      return c.customer_id();
    case kAge:
      return d.has_age() ? std::to_string(d.age()) : "";
    case kGender:
      return d.gender() == 0 ? "" : ShortName(persona::v1::Gender_Name(d.gender()), "GENDER_");
    case kCountry:
      return l.country();
    case kRegion:
      return l.region();
    case kCity:
      return l.city();
    case kUrbanicity:
      return l.urbanicity() == 0
                 ? ""
                 : ShortName(persona::v1::Urbanicity_Name(l.urbanicity()), "URBANICITY_");
    case kEducation:
      return d.education() == 0
                 ? ""
                 : ShortName(persona::v1::Education_Name(d.education()), "EDUCATION_");
    case kAnnualIncome:
      return d.has_annual_income() ? FormatDouble(d.annual_income()) : "";
    case kOccupation:
      return d.occupation();
    case kMaritalStatus:
      return d.marital_status() == 0
                 ? ""
                 : ShortName(persona::v1::MaritalStatus_Name(d.marital_status()),
                             "MARITAL_STATUS_");
    case kHouseholdSize:
      return d.has_household_size() ? std::to_string(d.household_size()) : "";
    case kDaysSinceLastOrder:
      return rfm.has_days_since_last_order() ? std::to_string(rfm.days_since_last_order()) : "";
    case kOrderCount:
      return rfm.has_order_count() ? std::to_string(rfm.order_count()) : "";
    case kTotalSpend:
      return rfm.has_total_spend() ? FormatDouble(rfm.total_spend()) : "";
    case kPreferredBrands:
      return JoinList(c.behavior().preferred_brands());
    case kChannels:
      return JoinList(c.behavior().channels());
    case kInterests: {
      std::vector<std::pair<std::string, double>> sorted(p.interests().begin(),
                                                         p.interests().end());
      std::sort(sorted.begin(), sorted.end());
      std::string out;
      for (const auto& [tag, strength] : sorted) {
        absl::StrAppend(&out, out.empty() ? "" : ";", tag, ":", FormatDouble(strength));
      }
      return out;
    }
    case kValues:
      return JoinList(p.values());
    case kLifestyle:
      return JoinList(p.lifestyle());
    case kOpenness:
      return t.has_openness() ? FormatDouble(t.openness()) : "";
    case kConscientiousness:
      return t.has_conscientiousness() ? FormatDouble(t.conscientiousness()) : "";
    case kExtraversion:
      return t.has_extraversion() ? FormatDouble(t.extraversion()) : "";
    case kAgreeableness:
      return t.has_agreeableness() ? FormatDouble(t.agreeableness()) : "";
    case kNeuroticism:
      return t.has_neuroticism() ? FormatDouble(t.neuroticism()) : "";
    case kPreferredChannels:
      return JoinList(p.preferred_channels());
    case kTimeZone:
      return l.time_zone();
    case kBirthDate:
      return d.has_birth_date() ? FormatDate(d.birth_date()) : "";
    case kSignupTime:
      return c.has_signup_time() ? google::protobuf::util::TimeUtil::ToString(c.signup_time()) : "";
    case kNps:
      return c.behavior().satisfaction().has_nps()
                 ? std::to_string(c.behavior().satisfaction().nps())
                 : "";
    case kCsat:
      return c.behavior().satisfaction().has_csat()
                 ? std::to_string(c.behavior().satisfaction().csat())
                 : "";
    case kPrimaryDevice:
      return c.digital().primary_device() == 0
                 ? ""
                 : ShortName(persona::v1::Device_Name(c.digital().primary_device()), "DEVICE_");
    case kContactOptIns:
      return JoinList(c.digital().contact_opt_ins());
    case kPlatforms: {
      // last_seen has no column: JSON carries it.
      std::string out;
      for (const auto& platform : c.digital().platforms()) {
        absl::StrAppend(&out, out.empty() ? "" : ";", platform.name());
        if (platform.has_sessions_30d()) absl::StrAppend(&out, ":", platform.sessions_30d());
      }
      return out;
    }
    case kAttribute: {
      const auto it = c.attributes().find(key);
      return it == c.attributes().end() ? "" : it->second;
    }
  }
  return "";
}

}  // namespace

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (const char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

absl::StatusOr<CustomerCsvSchema> CustomerCsvSchema::FromHeader(
    const std::vector<std::string_view>& header) {
  CustomerCsvSchema schema;
  std::vector<std::string> seen;
  for (std::string_view raw : header) {
    const std::string name = AsciiLower(Trim(raw));
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return absl::InvalidArgumentError("header: column \"" + name + "\" twice");
    }
    seen.push_back(name);
    if (StartsWith(name, kAttributePrefix) && name.size() > kAttributePrefix.size()) {
      // Attribute keys keep their case: plugins look them up exactly.
      const std::string_view trimmed = Trim(raw);
      schema.columns_.push_back(
          Column{kAttribute, std::string(trimmed.substr(kAttributePrefix.size()))});
      continue;
    }
    const auto* it = std::find(std::begin(kNames), std::end(kNames), name);
    if (it == std::end(kNames)) {
      std::string known;
      for (std::string_view n : kNames) known += std::string(n) + ", ";
      return absl::InvalidArgumentError("header: unknown column \"" + name + "\" (known: " + known +
                                        "attr.KEY)");
    }
    schema.columns_.push_back(Column{static_cast<int>(it - std::begin(kNames)), ""});
  }
  return schema;
}

CustomerCsvSchema CustomerCsvSchema::Full() {
  CustomerCsvSchema schema;
  for (int f = 0; f < kFieldCount; ++f) schema.columns_.push_back(Column{f, ""});
  return schema;
}

absl::Status CustomerCsvSchema::Parse(const std::vector<std::string_view>& row,
                                      Customer* customer) const {
  if (row.size() != columns_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", columns_.size(), " columns as in the header, got ", row.size()));
  }
  customer->Clear();
  for (size_t i = 0; i < row.size(); ++i) {
    const std::string_view cell = Trim(row[i]);
    if (cell.empty()) continue;  // not given
    if (absl::Status status = ParseCell(columns_[i].field, columns_[i].key, cell, customer);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

std::string_view CustomerCsvSchema::CustomerId(const std::vector<std::string_view>& row) const {
  for (size_t i = 0; i < columns_.size() && i < row.size(); ++i) {
    if (columns_[i].field == kCustomerId) return Trim(row[i]);
  }
  return {};
}

std::string CustomerCsvSchema::Header() const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(columns_[i].field == kAttribute ? std::string(kAttributePrefix) + columns_[i].key
                                                   : std::string(kNames[columns_[i].field]),
                   &out);
  }
  return out;
}

std::string CustomerCsvSchema::Row(const Customer& customer) const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(FormatCell(columns_[i].field, columns_[i].key, customer), &out);
  }
  return out;
}

}  // namespace persona
