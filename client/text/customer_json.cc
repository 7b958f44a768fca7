#include "client/text/customer_json.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "client/text/fast_json.h"
#include "client/text/json_writer.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace persona {
namespace {

using persona::v1::Customer;

template <typename Strings>
void StringList(JsonWriter& json, std::string_view key, const Strings& values) {
  if (values.empty()) return;
  json.Key(key).BeginArray();
  for (const std::string& v : values) json.String(v);
  json.EndArray();
}

void Time(JsonWriter& json, std::string_view key, const google::protobuf::Timestamp& time) {
  json.Key(key).String(google::protobuf::util::TimeUtil::ToString(time));
}

// Map entries in key order: the only reproducible order.
template <typename Map>
std::vector<std::pair<std::string, typename Map::mapped_type>> Sorted(const Map& map) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> entries(map.begin(), map.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return entries;
}

void Demographics(JsonWriter& json, const persona::v1::Demographics& d) {
  json.Key("demographics").BeginObject();
  if (d.has_age()) json.Key("age").Uint(d.age());
  if (d.gender() != 0) json.Key("gender").String(persona::v1::Gender_Name(d.gender()));
  if (d.has_location()) {
    const persona::v1::Location& l = d.location();
    json.Key("location").BeginObject();
    if (!l.country().empty()) json.Key("country").String(l.country());
    if (!l.region().empty()) json.Key("region").String(l.region());
    if (!l.city().empty()) json.Key("city").String(l.city());
    if (l.urbanicity() != 0) {
      json.Key("urbanicity").String(persona::v1::Urbanicity_Name(l.urbanicity()));
    }
    if (!l.time_zone().empty()) json.Key("time_zone").String(l.time_zone());
    json.EndObject();
  }
  if (d.education() != 0) json.Key("education").String(persona::v1::Education_Name(d.education()));
  if (d.has_annual_income()) json.Key("annual_income").Number(d.annual_income());
  if (!d.occupation().empty()) json.Key("occupation").String(d.occupation());
  if (d.marital_status() != 0) {
    json.Key("marital_status").String(persona::v1::MaritalStatus_Name(d.marital_status()));
  }
  if (d.has_household_size()) json.Key("household_size").Uint(d.household_size());
  if (d.has_birth_date()) {
    const persona::v1::CalendarDate& date = d.birth_date();
    json.Key("birth_date").BeginObject();
    if (date.year() != 0) json.Key("year").Int(date.year());
    if (date.month() != 0) json.Key("month").Int(date.month());
    if (date.day() != 0) json.Key("day").Int(date.day());
    json.EndObject();
  }
  json.EndObject();
}

void Behavior(JsonWriter& json, const persona::v1::Behavior& b) {
  json.Key("behavior").BeginObject();
  if (!b.orders().empty()) {
    json.Key("orders").BeginArray();
    for (const persona::v1::Order& o : b.orders()) {
      json.BeginObject();
      if (!o.order_id().empty()) json.Key("order_id").String(o.order_id());
      if (o.has_time()) {
        json.Key("time").String(google::protobuf::util::TimeUtil::ToString(o.time()));
      }
      if (o.amount() != 0) json.Key("amount").Number(o.amount());
      if (!o.items().empty()) {
        json.Key("items").BeginArray();
        for (const persona::v1::OrderItem& item : o.items()) {
          json.BeginObject();
          if (!item.sku().empty()) json.Key("sku").String(item.sku());
          if (!item.category().empty()) json.Key("category").String(item.category());
          if (!item.brand().empty()) json.Key("brand").String(item.brand());
          if (item.has_quantity()) json.Key("quantity").Int(item.quantity());
          if (item.has_unit_price()) json.Key("unit_price").Number(item.unit_price());
          json.EndObject();
        }
        json.EndArray();
      }
      if (!o.channel().empty()) json.Key("channel").String(o.channel());
      if (o.has_discount_amount()) json.Key("discount_amount").Number(o.discount_amount());
      if (!o.voucher_code().empty()) json.Key("voucher_code").String(o.voucher_code());
      json.EndObject();
    }
    json.EndArray();
  }
  if (b.has_rfm()) {
    const persona::v1::RfmSummary& r = b.rfm();
    json.Key("rfm").BeginObject();
    if (r.has_days_since_last_order()) {
      json.Key("days_since_last_order").Uint(r.days_since_last_order());
    }
    if (r.has_order_count()) json.Key("order_count").Uint(r.order_count());
    if (r.has_total_spend()) json.Key("total_spend").Number(r.total_spend());
    json.EndObject();
  }
  StringList(json, "preferred_brands", b.preferred_brands());
  StringList(json, "channels", b.channels());
  if (!b.events().empty()) {
    json.Key("events").BeginArray();
    for (const persona::v1::Event& e : b.events()) {
      json.BeginObject();
      if (!e.type().empty()) json.Key("type").String(e.type());
      if (e.has_time()) Time(json, "time", e.time());
      if (!e.channel().empty()) json.Key("channel").String(e.channel());
      if (e.device() != 0) json.Key("device").String(persona::v1::Device_Name(e.device()));
      if (!e.properties().empty()) {
        json.Key("properties").BeginObject();
        for (const auto& [key, value] : Sorted(e.properties())) json.Key(key).String(value);
        json.EndObject();
      }
      json.EndObject();
    }
    json.EndArray();
  }
  if (b.has_satisfaction()) {
    const persona::v1::Satisfaction& s = b.satisfaction();
    json.Key("satisfaction").BeginObject();
    if (s.has_nps()) json.Key("nps").Int(s.nps());
    if (s.has_csat()) json.Key("csat").Int(s.csat());
    json.EndObject();
  }
  json.EndObject();
}

void Psychographics(JsonWriter& json, const persona::v1::Psychographics& p) {
  json.Key("psychographics").BeginObject();
  if (!p.interests().empty()) {
    json.Key("interests").BeginObject();
    for (const auto& [tag, strength] : Sorted(p.interests())) json.Key(tag).Number(strength);
    json.EndObject();
  }
  StringList(json, "values", p.values());
  StringList(json, "lifestyle", p.lifestyle());
  if (p.has_personality()) {
    const persona::v1::Personality& t = p.personality();
    json.Key("personality").BeginObject();
    if (t.has_openness()) json.Key("openness").Number(t.openness());
    if (t.has_conscientiousness()) json.Key("conscientiousness").Number(t.conscientiousness());
    if (t.has_extraversion()) json.Key("extraversion").Number(t.extraversion());
    if (t.has_agreeableness()) json.Key("agreeableness").Number(t.agreeableness());
    if (t.has_neuroticism()) json.Key("neuroticism").Number(t.neuroticism());
    json.EndObject();
  }
  StringList(json, "preferred_channels", p.preferred_channels());
  json.EndObject();
}

void Digital(JsonWriter& json, const persona::v1::DigitalPresence& d) {
  json.Key("digital").BeginObject();
  if (!d.platforms().empty()) {
    json.Key("platforms").BeginArray();
    for (const persona::v1::Platform& p : d.platforms()) {
      json.BeginObject();
      if (!p.name().empty()) json.Key("name").String(p.name());
      if (p.has_sessions_30d()) json.Key("sessions_30d").Int(p.sessions_30d());
      if (p.has_last_seen()) Time(json, "last_seen", p.last_seen());
      json.EndObject();
    }
    json.EndArray();
  }
  if (d.primary_device() != 0) {
    json.Key("primary_device").String(persona::v1::Device_Name(d.primary_device()));
  }
  StringList(json, "contact_opt_ins", d.contact_opt_ins());
  json.EndObject();
}

}  // namespace

std::string CustomerToJson(const Customer& customer) {
  JsonWriter json;
  json.BeginObject();
  if (!customer.customer_id().empty()) json.Key("customer_id").String(customer.customer_id());
  if (customer.has_demographics()) Demographics(json, customer.demographics());
  if (customer.has_behavior()) Behavior(json, customer.behavior());
  if (customer.has_psychographics()) Psychographics(json, customer.psychographics());
  if (!customer.attributes().empty()) {
    json.Key("attributes").BeginObject();
    for (const auto& [key, value] : Sorted(customer.attributes())) json.Key(key).String(value);
    json.EndObject();
  }
  if (customer.has_digital()) Digital(json, customer.digital());
  if (!customer.life_events().empty()) {
    json.Key("life_events").BeginArray();
    for (const persona::v1::LifeEvent& e : customer.life_events()) {
      json.BeginObject();
      if (!e.type().empty()) json.Key("type").String(e.type());
      if (e.has_time()) Time(json, "time", e.time());
      json.EndObject();
    }
    json.EndArray();
  }
  if (customer.has_signup_time()) Time(json, "signup_time", customer.signup_time());
  json.EndObject();
  return json.Take();
}

absl::Status CustomerFromJson(std::string_view json, Customer* customer) {
  if (FastJsonToMessage(json, customer)) return absl::OkStatus();
  customer->Clear();  // protobuf's parser decides, and words the error
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), customer, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(status.message()));
}

}  // namespace persona
