// Walks the rule table itself: every rule in kRequestRules must have a bad example here, and
// that example must be rejected by both of the validator's passes, by that rule and no other.
// A rule added to the table without an example fails this test; so does an example for a rule
// that is gone.
#include "service/grpc/request_rules.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/grpc/request_validator.h"

namespace persona {
namespace {

using persona::v1::ScoreCustomerRequest;

constexpr int64_t kNow = 1795000000;  // 2026-11-18
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

ScoreCustomerRequest ValidRequest() {
  ScoreCustomerRequest request;
  auto* customer = request.mutable_customer();
  customer->set_customer_id("c-1");
  auto* d = customer->mutable_demographics();
  d->set_age(34);
  d->set_gender(persona::v1::GENDER_FEMALE);
  d->mutable_location()->set_country("ID");
  d->mutable_location()->set_city("Jakarta");
  d->set_annual_income(32000);
  d->set_household_size(3);
  auto* order = customer->mutable_behavior()->add_orders();
  order->set_order_id("o-1");
  order->mutable_time()->set_seconds(kNow - 86400);
  order->set_amount(42.5);
  (*customer->mutable_psychographics()->mutable_interests())["discounts"] = 0.9;
  customer->mutable_psychographics()->mutable_personality()->set_openness(0.4);
  request.add_persona_ids("hemat-fred");
  request.set_top_k(3);
  return request;
}

// Every field the table looks at, set to something valid.
ScoreCustomerRequest FullValidRequest() {
  ScoreCustomerRequest request = ValidRequest();
  request.mutable_as_of()->set_seconds(kNow);
  request.add_persona_ids("champion");
  auto* customer = request.mutable_customer();
  auto* d = customer->mutable_demographics();
  d->mutable_location()->set_region("Jawa Barat");
  d->mutable_location()->set_urbanicity(persona::v1::URBANICITY_URBAN);
  d->set_education(persona::v1::EDUCATION_BACHELOR);
  d->set_occupation("nurse");
  d->set_marital_status(persona::v1::MARITAL_STATUS_MARRIED);
  auto* b = customer->mutable_behavior();
  auto* order = b->add_orders();
  order->set_order_id("o-2");
  order->mutable_time()->set_seconds(kNow - 3600);
  order->set_amount(0);
  b->mutable_rfm()->set_days_since_last_order(1);
  b->mutable_rfm()->set_order_count(2);
  b->mutable_rfm()->set_total_spend(42.5);
  b->add_preferred_brands("Acme");
  b->add_channels("web");
  auto* p = customer->mutable_psychographics();
  (*p->mutable_interests())["Travel"] = 0.0;
  p->add_values("frugality");
  p->add_lifestyle("outdoor");
  p->add_preferred_channels("email");
  auto* t = p->mutable_personality();
  t->set_conscientiousness(1.0);
  t->set_extraversion(0.5);
  t->set_agreeableness(0.5);
  t->set_neuroticism(0.0);
  (*customer->mutable_attributes())["tier"] = "gold";
  d->mutable_location()->set_time_zone("Asia/Jakarta");
  d->mutable_birth_date()->set_year(1992);
  d->mutable_birth_date()->set_month(2);
  d->mutable_birth_date()->set_day(29);
  order->set_channel("App");
  order->set_discount_amount(5);
  order->set_voucher_code("HEMAT10");
  auto* item = order->add_items();
  item->set_sku("sku-1");
  item->set_category("Baby");
  item->set_brand("Acme");
  item->set_quantity(2);
  item->set_unit_price(0);
  auto* event = b->add_events();
  event->set_type("page_view");
  event->mutable_time()->set_seconds(kNow);
  event->set_channel("web");
  event->set_device(persona::v1::DEVICE_MOBILE);
  (*event->mutable_properties())["category"] = "baby";
  b->mutable_satisfaction()->set_nps(0);
  b->mutable_satisfaction()->set_csat(5);
  auto* platform = customer->mutable_digital()->add_platforms();
  platform->set_name("Instagram");
  platform->set_sessions_30d(0);
  platform->mutable_last_seen()->set_seconds(kNow - 60);
  customer->mutable_digital()->set_primary_device(persona::v1::DEVICE_TABLET);
  customer->mutable_digital()->add_contact_opt_ins("whatsapp");
  auto* life_event = customer->add_life_events();
  life_event->set_type("new_baby");
  life_event->mutable_time()->set_seconds(kNow - 86400 * 30);
  customer->mutable_signup_time()->set_seconds(kNow - 86400 * 400);
  return request;
}

auto* Demo(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_demographics(); }
auto* Where(ScoreCustomerRequest& r) { return Demo(r)->mutable_location(); }
auto* Behavior(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_behavior(); }
auto* Psycho(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_psychographics(); }
auto* Traits(ScoreCustomerRequest& r) { return Psycho(r)->mutable_personality(); }
auto* Attributes(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_attributes(); }
auto* Order0(ScoreCustomerRequest& r) { return Behavior(r)->mutable_orders(0); }
auto* Digital(ScoreCustomerRequest& r) { return r.mutable_customer()->mutable_digital(); }
persona::v1::OrderItem* Item(ScoreCustomerRequest& r) { return Order0(r)->add_items(); }
persona::v1::Event* AddEvent(ScoreCustomerRequest& r, const std::string& type = "search") {
  auto* event = Behavior(r)->add_events();
  event->set_type(type);
  event->mutable_time()->set_seconds(kNow - 60);
  return event;
}
persona::v1::LifeEvent* AddLifeEvent(ScoreCustomerRequest& r, const std::string& type = "moved") {
  auto* life_event = r.mutable_customer()->add_life_events();
  life_event->set_type(type);
  life_event->mutable_time()->set_seconds(kNow - 86400);
  return life_event;
}
persona::v1::Platform* AddPlatform(ScoreCustomerRequest& r, const std::string& name) {
  auto* platform = Digital(r)->add_platforms();
  platform->set_name(name);
  return platform;
}

// A change to ValidRequest() that breaks exactly one rule, under these limits.
struct BadExample {
  std::function<void(ScoreCustomerRequest&)> mutate;
  std::function<void(RequestLimits&)> limit = [](RequestLimits&) {};
};

const std::map<std::string, BadExample>& BadExamples() {
  static const auto* examples = new std::map<std::string, BadExample>{
      {"top_k", {[](auto& r) { r.set_top_k(10001); }}},
      {"persona_ids",
       {[](auto& r) { r.add_persona_ids("champion"); }, [](auto& l) { l.max_persona_ids = 1; }}},
      {"persona_ids.id", {[](auto& r) { r.add_persona_ids("Not An Id"); }}},
      {"persona_ids.unique", {[](auto& r) { r.add_persona_ids("hemat-fred"); }}},
      {"as_of", {[](auto& r) { r.mutable_as_of()->set_nanos(1000000000); }}},
      {"customer_id", {[](auto& r) { r.mutable_customer()->set_customer_id("c\x7f"); }}},
      {"age", {[](auto& r) { Demo(r)->set_age(131); }}},
      {"gender", {[](auto& r) { Demo(r)->set_gender(static_cast<persona::v1::Gender>(42)); }}},
      {"country", {[](auto& r) { Where(r)->set_country("I1"); }}},
      {"region", {[](auto& r) { Where(r)->set_region(std::string(129, 'r')); }}},
      {"city", {[](auto& r) { Where(r)->set_city("Jakarta\t"); }}},
      {"urbanicity",
       {[](auto& r) { Where(r)->set_urbanicity(static_cast<persona::v1::Urbanicity>(9)); }}},
      {"education",
       {[](auto& r) { Demo(r)->set_education(static_cast<persona::v1::Education>(-1)); }}},
      {"annual_income", {[](auto& r) { Demo(r)->set_annual_income(kNan); }}},
      {"occupation", {[](auto& r) { Demo(r)->set_occupation(std::string(129, 'o')); }}},
      {"marital_status",
       {[](auto& r) { Demo(r)->set_marital_status(static_cast<persona::v1::MaritalStatus>(77)); }}},
      {"household_size", {[](auto& r) { Demo(r)->set_household_size(51); }}},
      {"orders",
       {[](auto& r) {
          auto* order = Behavior(r)->add_orders();
          *order = Behavior(r)->orders(0);
          order->set_order_id("o-2");
        },
        [](auto& l) { l.max_orders = 1; }}},
      {"orders.order_id", {[](auto& r) { Behavior(r)->mutable_orders(0)->set_order_id(" "); }}},
      {"orders.order_id.unique",
       {[](auto& r) { *Behavior(r)->add_orders() = Behavior(r)->orders(0); }}},
      {"orders.time",
       {[](auto& r) { Behavior(r)->mutable_orders(0)->mutable_time()->set_seconds(kNow + 1); }}},
      {"orders.amount", {[](auto& r) { Behavior(r)->mutable_orders(0)->set_amount(1e13); }}},
      {"rfm.days_since_last_order",
       {[](auto& r) { Behavior(r)->mutable_rfm()->set_days_since_last_order(36501); }}},
      {"rfm.order_count", {[](auto& r) { Behavior(r)->mutable_rfm()->set_order_count(10000001); }}},
      {"rfm.total_spend", {[](auto& r) { Behavior(r)->mutable_rfm()->set_total_spend(-kInf); }}},
      {"preferred_brands",
       {[](auto& r) {
          Behavior(r)->add_preferred_brands("a");
          Behavior(r)->add_preferred_brands("b");
        },
        [](auto& l) { l.max_tags = 1; }}},
      {"preferred_brands.tag", {[](auto& r) { Behavior(r)->add_preferred_brands(" \t"); }}},
      {"channels",
       {[](auto& r) {
          Behavior(r)->add_channels("web");
          Behavior(r)->add_channels("app");
        },
        [](auto& l) { l.max_tags = 1; }}},
      {"channels.tag", {[](auto& r) { Behavior(r)->add_channels(std::string(65, 'c')); }}},
      {"interests",
       {[](auto& r) { (*Psycho(r)->mutable_interests())["travel"] = 0.5; },
        [](auto& l) { l.max_tags = 1; }}},
      {"interests.tag", {[](auto& r) { (*Psycho(r)->mutable_interests())["  "] = 0.5; }}},
      {"interests.strength", {[](auto& r) { (*Psycho(r)->mutable_interests())["discounts"] = 2; }}},
      {"interests.unique", {[](auto& r) { (*Psycho(r)->mutable_interests())["DISCOUNTS"] = 0.5; }}},
      {"values",
       {[](auto& r) {
          Psycho(r)->add_values("a");
          Psycho(r)->add_values("b");
        },
        [](auto& l) { l.max_tags = 1; }}},
      {"values.tag", {[](auto& r) { Psycho(r)->add_values(""); }}},
      {"lifestyle",
       {[](auto& r) {
          Psycho(r)->add_lifestyle("a");
          Psycho(r)->add_lifestyle("b");
        },
        [](auto& l) { l.max_tags = 1; }}},
      {"lifestyle.tag", {[](auto& r) { Psycho(r)->add_lifestyle("out\ndoor"); }}},
      {"preferred_channels",
       {[](auto& r) {
          Psycho(r)->add_preferred_channels("a");
          Psycho(r)->add_preferred_channels("b");
        },
        [](auto& l) { l.max_tags = 1; }}},
      {"preferred_channels.tag", {[](auto& r) { Psycho(r)->add_preferred_channels("\n"); }}},
      {"personality.openness", {[](auto& r) { Traits(r)->set_openness(kNan); }}},
      {"personality.conscientiousness", {[](auto& r) { Traits(r)->set_conscientiousness(1.01); }}},
      {"personality.extraversion", {[](auto& r) { Traits(r)->set_extraversion(kInf); }}},
      {"personality.agreeableness", {[](auto& r) { Traits(r)->set_agreeableness(-0.5); }}},
      {"personality.neuroticism", {[](auto& r) { Traits(r)->set_neuroticism(-0.1); }}},
      {"attributes",
       {[](auto& r) {
          (*Attributes(r))["a"] = "1";
          (*Attributes(r))["b"] = "2";
        },
        [](auto& l) { l.max_attributes = 1; }}},
      {"attributes.key", {[](auto& r) { (*Attributes(r))[""] = "x"; }}},
      {"attributes.value", {[](auto& r) { (*Attributes(r))["k"] = std::string(1025, 'v'); }}},
      {"time_zone", {[](auto& r) { Where(r)->set_time_zone("Mars/Olympus_Mons"); }}},
      {"birth_date", {[](auto& r) {
         Demo(r)->mutable_birth_date()->set_year(2023);
         Demo(r)->mutable_birth_date()->set_month(2);
         Demo(r)->mutable_birth_date()->set_day(29);
       }}},
      {"orders.channel", {[](auto& r) { Order0(r)->set_channel(" "); }}},
      {"orders.discount_amount", {[](auto& r) { Order0(r)->set_discount_amount(-1); }}},
      {"orders.voucher_code",
       {[](auto& r) { Order0(r)->set_voucher_code(std::string(129, 'v')); }}},
      {"orders.items",
       {[](auto& r) {
          for (int i = 0; i < 3; ++i) Item(r)->set_sku("s");
        },
        [](RequestLimits& l) { l.max_items_per_order = 2; }}},
      {"orders.items.sku", {[](auto& r) { Item(r)->set_sku("sku"); }}},
      {"orders.items.category", {[](auto& r) { Item(r)->set_category("	 "); }}},
      {"orders.items.brand", {[](auto& r) { Item(r)->set_brand(std::string(65, 'b')); }}},
      {"orders.items.quantity", {[](auto& r) { Item(r)->set_quantity(0); }}},
      {"orders.items.unit_price", {[](auto& r) { Item(r)->set_unit_price(kNan); }}},
      {"events",
       {[](auto& r) {
          for (int i = 0; i < 3; ++i) AddEvent(r);
        },
        [](RequestLimits& l) { l.max_events = 2; }}},
      {"events.type", {[](auto& r) { AddEvent(r, " "); }}},
      {"events.time", {[](auto& r) { AddEvent(r)->mutable_time()->set_seconds(kNow + 3600); }}},
      {"events.channel", {[](auto& r) { AddEvent(r)->set_channel("\t"); }}},
      {"events.device",
       {[](auto& r) { AddEvent(r)->set_device(static_cast<persona::v1::Device>(42)); }}},
      {"events.properties",
       {[](auto& r) {
          auto* event = AddEvent(r);
          for (const char* key : {"a", "b", "c"}) (*event->mutable_properties())[key] = "x";
        },
        [](RequestLimits& l) { l.max_properties_per_event = 2; }}},
      {"events.properties.key", {[](auto& r) { (*AddEvent(r)->mutable_properties())[""] = "x"; }}},
      {"events.properties.value",
       {[](auto& r) { (*AddEvent(r)->mutable_properties())["q"] = std::string(1025, 'q'); }}},
      {"satisfaction.nps", {[](auto& r) { Behavior(r)->mutable_satisfaction()->set_nps(11); }}},
      {"satisfaction.csat", {[](auto& r) { Behavior(r)->mutable_satisfaction()->set_csat(0); }}},
      {"digital.platforms",
       {[](auto& r) {
          for (const char* name : {"web", "tiktok", "shopee"}) AddPlatform(r, name);
        },
        [](RequestLimits& l) { l.max_tags = 2; }}},
      {"digital.platforms.name", {[](auto& r) { AddPlatform(r, "  "); }}},
      {"digital.platforms.name.unique", {[](auto& r) {
         AddPlatform(r, "Instagram");
         AddPlatform(r, " instagram");
       }}},
      {"digital.platforms.sessions_30d",
       {[](auto& r) { AddPlatform(r, "web")->set_sessions_30d(-1); }}},
      {"digital.platforms.last_seen",
       {[](auto& r) { AddPlatform(r, "web")->mutable_last_seen()->set_seconds(kNow + 10); }}},
      {"digital.primary_device",
       {[](auto& r) { Digital(r)->set_primary_device(static_cast<persona::v1::Device>(9)); }}},
      {"digital.contact_opt_ins",
       {[](auto& r) {
          for (const char* name : {"email", "sms", "push"}) Digital(r)->add_contact_opt_ins(name);
        },
        [](RequestLimits& l) { l.max_tags = 2; }}},
      {"digital.contact_opt_ins.tag", {[](auto& r) { Digital(r)->add_contact_opt_ins(""); }}},
      {"life_events",
       {[](auto& r) {
          for (int i = 0; i < 3; ++i) AddLifeEvent(r);
        },
        [](RequestLimits& l) { l.max_life_events = 2; }}},
      {"life_events.type", {[](auto& r) { AddLifeEvent(r, ""); }}},
      {"life_events.time", {[](auto& r) { AddLifeEvent(r)->clear_time(); }}},
      {"signup_time",
       {[](auto& r) { r.mutable_customer()->mutable_signup_time()->set_seconds(kNow + 100); }}},
  };
  return *examples;
}

// The top-level kCount rule an element rule belongs to.
const RequestRule& ListOf(size_t element_rule) {
  size_t i = element_rule;
  while (kRequestRules[i].kind != RuleKind::kCount || kRequestRules[i].element) --i;
  return kRequestRules[i];
}

// The element kCount rule a nested rule belongs to.
const RequestRule& NestedListOf(size_t nested_rule) {
  size_t i = nested_rule;
  while (kRequestRules[i].nested) --i;
  return kRequestRules[i];
}

TEST(RequestRulesTest, EveryRuleHasABadExampleAndEveryExampleARule) {
  std::set<std::string> names;
  for (const RequestRule& rule : kRequestRules) {
    names.insert(std::string(rule.name));
    EXPECT_TRUE(BadExamples().count(std::string(rule.name)))
        << "rule \"" << rule.name << "\" has no bad example in BadExamples()";
  }
  for (const auto& [name, example] : BadExamples()) {
    EXPECT_TRUE(names.count(name)) << "bad example for \"" << name << "\": no such rule";
  }
}

// What the compiler's TableIsWellFormed cannot check in every build mode: the function
// pointers each rule needs.
TEST(RequestRulesTest, EveryRuleHasItsReaderAndEveryEnumRuleItsNames) {
  for (const RequestRule& rule : kRequestRules) {
    EXPECT_NE(rule.read, nullptr) << "rule \"" << rule.name << "\" reads no field";
    if (rule.kind == RuleKind::kEnumKnown) {
      EXPECT_NE(rule.known, nullptr) << "enum rule \"" << rule.name << "\" knows no values";
    }
  }
}

TEST(RequestRulesTest, ValidRequestsPassBothPasses) {
  for (const ScoreCustomerRequest& request :
       {ScoreCustomerRequest(), ValidRequest(), FullValidRequest()}) {
    EXPECT_TRUE(PassesEveryRequestRule(request, kNow, {})) << request.DebugString();
    EXPECT_THAT(DescribeRequestViolations(request, kNow, {}), ::testing::IsEmpty());
    EXPECT_THAT(ValidateScoreRequest(request, kNow, {}), ::testing::IsEmpty());
  }
}

TEST(RequestRulesTest, EachRulesBadExampleIsRejectedByBothPassesForThatRuleAlone) {
  for (size_t i = 0; i < request_rules::kRuleCount; ++i) {
    const RequestRule& rule = kRequestRules[i];
    SCOPED_TRACE(std::string(rule.name));
    const auto example = BadExamples().find(std::string(rule.name));
    if (example == BadExamples().end()) continue;  // reported by the test above
    ScoreCustomerRequest request = ValidRequest();
    example->second.mutate(request);
    RequestLimits limits;
    example->second.limit(limits);

    EXPECT_FALSE(PassesEveryRequestRule(request, kNow, limits)) << "the check let it through";

    const std::vector<RuleViolation> found = DescribeRequestViolations(request, kNow, limits);
    ASSERT_EQ(found.size(), 1u) << "the wording pass found " << found.size() << " violations"
                                << (found.empty() ? ""
                                                  : ", first: " + found[0].violation.field + ": " +
                                                        found[0].violation.description);
    EXPECT_EQ(found[0].rule, &rule) << "reported by rule \"" << found[0].rule->name << "\"";
    const std::string& path = found[0].violation.field;
    if (rule.element) {
      const RequestRule& list = ListOf(i);
      EXPECT_TRUE(absl::StartsWith(path, std::string(list.field) + "[") &&
                  absl::EndsWith(path, "]" + std::string(rule.field)))
          << path << " is not an element path of " << list.field;
      if (rule.nested) {
        const RequestRule& nested = NestedListOf(i);
        EXPECT_TRUE(absl::StrContains(path, "]" + std::string(nested.field) + "["))
            << path << " is not a nested element path of " << nested.field;
      }
    } else {
      EXPECT_EQ(path, rule.field);
    }
    EXPECT_FALSE(found[0].violation.description.empty());

    // What callers get is exactly the wording pass's answer.
    const std::vector<FieldViolation> returned = ValidateScoreRequest(request, kNow, limits);
    ASSERT_EQ(returned.size(), 1u);
    EXPECT_EQ(returned[0].field, found[0].violation.field);
    EXPECT_EQ(returned[0].description, found[0].violation.description);
  }
}

TEST(RequestRulesTest, TooManyKeysToComparePairwiseLeaveTheVerdictToTheWordingPass) {
  ScoreCustomerRequest request = ValidRequest();
  for (int i = 0; i < 70; ++i) request.add_persona_ids("p-" + std::to_string(i));
  EXPECT_FALSE(PassesEveryRequestRule(request, kNow, {}));  // undecided, not invalid
  EXPECT_THAT(ValidateScoreRequest(request, kNow, {}), ::testing::IsEmpty());

  request.add_persona_ids("p-3");
  const auto violations = ValidateScoreRequest(request, kNow, {});
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "persona_ids[71]");
  EXPECT_EQ(violations[0].description, "duplicate persona id \"p-3\"");
}

}  // namespace
}  // namespace persona
