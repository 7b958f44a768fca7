#include "client/text/customer_csv.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/synthetic/customer_generator.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::HasSubstr;

std::vector<std::string_view> Cells(const std::vector<std::string>& cells) {
  return std::vector<std::string_view>(cells.begin(), cells.end());
}

TEST(CustomerCsvTest, ParsesEveryDocumentedColumn) {
  const std::vector<std::string> header = {"customer_id",
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
                                           "attr.Loyalty_Tier"};
  const std::vector<std::string> row = {"c-1",
                                        "34",
                                        "Female",
                                        "ID",
                                        "West Java",
                                        "Bandung",
                                        "URBANICITY_URBAN",
                                        "bachelor",
                                        "28000.5",
                                        "teacher",
                                        "domestic_partnership",
                                        "4",
                                        "20",
                                        "2",
                                        "120.25",
                                        "acme;globex",
                                        "web; app",
                                        "discounts:0.95; coupons:0.9;football",
                                        "frugality;family",
                                        "homebody",
                                        "0.4",
                                        "0.8",
                                        "0.3",
                                        "0.6",
                                        "0.45",
                                        "email;whatsapp",
                                        "gold"};
  absl::StatusOr<CustomerCsvSchema> schema = CustomerCsvSchema::FromHeader(Cells(header));
  ASSERT_TRUE(schema.ok()) << schema.status();
  persona::v1::Customer c;
  ASSERT_TRUE(schema->Parse(Cells(row), &c).ok());
  EXPECT_EQ(c.customer_id(), "c-1");
  const auto& d = c.demographics();
  EXPECT_EQ(d.age(), 34u);
  EXPECT_EQ(d.gender(), persona::v1::GENDER_FEMALE);
  EXPECT_EQ(d.location().country(), "ID");
  EXPECT_EQ(d.location().region(), "West Java");
  EXPECT_EQ(d.location().city(), "Bandung");
  EXPECT_EQ(d.location().urbanicity(), persona::v1::URBANICITY_URBAN);
  EXPECT_EQ(d.education(), persona::v1::EDUCATION_BACHELOR);
  EXPECT_DOUBLE_EQ(d.annual_income(), 28000.5);
  EXPECT_EQ(d.occupation(), "teacher");
  EXPECT_EQ(d.marital_status(), persona::v1::MARITAL_STATUS_DOMESTIC_PARTNERSHIP);
  EXPECT_EQ(d.household_size(), 4u);
  const auto& rfm = c.behavior().rfm();
  EXPECT_EQ(rfm.days_since_last_order(), 20u);
  EXPECT_EQ(rfm.order_count(), 2u);
  EXPECT_DOUBLE_EQ(rfm.total_spend(), 120.25);
  EXPECT_THAT(c.behavior().preferred_brands(), ::testing::ElementsAre("acme", "globex"));
  EXPECT_THAT(c.behavior().channels(), ::testing::ElementsAre("web", "app"));
  const auto& p = c.psychographics();
  ASSERT_EQ(p.interests().size(), 3u);
  EXPECT_DOUBLE_EQ(p.interests().at("discounts"), 0.95);
  EXPECT_DOUBLE_EQ(p.interests().at("coupons"), 0.9);
  EXPECT_DOUBLE_EQ(p.interests().at("football"), 1.0);  // no strength: 1
  EXPECT_THAT(p.values(), ::testing::ElementsAre("frugality", "family"));
  EXPECT_THAT(p.lifestyle(), ::testing::ElementsAre("homebody"));
  EXPECT_DOUBLE_EQ(p.personality().openness(), 0.4);
  EXPECT_DOUBLE_EQ(p.personality().conscientiousness(), 0.8);
  EXPECT_DOUBLE_EQ(p.personality().extraversion(), 0.3);
  EXPECT_DOUBLE_EQ(p.personality().agreeableness(), 0.6);
  EXPECT_DOUBLE_EQ(p.personality().neuroticism(), 0.45);
  EXPECT_THAT(p.preferred_channels(), ::testing::ElementsAre("email", "whatsapp"));
  EXPECT_EQ(c.attributes().at("Loyalty_Tier"), "gold");
}

TEST(CustomerCsvTest, ParsesTheV2Columns) {
  absl::StatusOr<CustomerCsvSchema> schema = CustomerCsvSchema::FromHeader(
      Cells({"customer_id", "time_zone", "birth_date", "signup_time", "nps", "csat",
             "primary_device", "contact_opt_ins", "platforms"}));
  ASSERT_TRUE(schema.ok()) << schema.status();
  persona::v1::Customer c;
  const std::vector<std::string> row = {
      "c-1", "Asia/Jakarta", "1990-02-28", "2021-06-01T08:00:00Z", "0",
      "5",   "MOBILE",       "email; sms", "instagram:12;web"};
  ASSERT_TRUE(schema->Parse(Cells(row), &c).ok());
  EXPECT_EQ(c.demographics().location().time_zone(), "Asia/Jakarta");
  EXPECT_EQ(c.demographics().birth_date().year(), 1990);
  EXPECT_EQ(c.demographics().birth_date().month(), 2);
  EXPECT_EQ(c.demographics().birth_date().day(), 28);
  EXPECT_EQ(c.signup_time().seconds(), 1622534400);
  EXPECT_TRUE(c.behavior().satisfaction().has_nps());  // 0 is a score, not "missing"
  EXPECT_EQ(c.behavior().satisfaction().nps(), 0);
  EXPECT_EQ(c.behavior().satisfaction().csat(), 5);
  EXPECT_EQ(c.digital().primary_device(), persona::v1::DEVICE_MOBILE);
  EXPECT_THAT(c.digital().contact_opt_ins(), ::testing::ElementsAre("email", "sms"));
  ASSERT_EQ(c.digital().platforms_size(), 2);
  EXPECT_EQ(c.digital().platforms(0).name(), "instagram");
  EXPECT_EQ(c.digital().platforms(0).sessions_30d(), 12);
  EXPECT_EQ(c.digital().platforms(1).name(), "web");
  EXPECT_FALSE(c.digital().platforms(1).has_sessions_30d());
  EXPECT_EQ(schema->Row(c),
            "c-1,Asia/Jakarta,1990-02-28,2021-06-01T08:00:00Z,0,5,mobile,email;sms,"
            "instagram:12;web");

  ASSERT_TRUE(schema->Parse(Cells({"c-2", "", "0000-12-24", "", "", "", "", "", ""}), &c).ok());
  EXPECT_EQ(c.demographics().birth_date().year(), 0);  // year unknown
  EXPECT_FALSE(c.has_digital());

  for (const auto& [bad, column] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"c", "", "24/12/1990", "", "", "", "", "", ""}, "column birth_date: not a date"},
           {{"c", "", "", "yesterday", "", "", "", "", ""}, "column signup_time: not an RFC 3339"},
           {{"c", "", "", "", "9.5", "", "", "", ""}, "column nps: not a whole number"},
           {{"c", "", "", "", "", "", "phone", "", ""}, "column primary_device: not one of"},
           {{"c", "", "", "", "", "", "", "", "web:lots"}, "column platforms: a platform is"}}) {
    EXPECT_THAT(std::string(schema->Parse(Cells(bad), &c).message()), HasSubstr(column));
  }
}

TEST(CustomerCsvTest, EmptyCellsAreNotGiven) {
  absl::StatusOr<CustomerCsvSchema> schema = CustomerCsvSchema::FromHeader(
      Cells({"customer_id", "age", "days_since_last_order", "openness", "interests"}));
  ASSERT_TRUE(schema.ok());
  persona::v1::Customer c;
  ASSERT_TRUE(schema->Parse(Cells({"c-2", "", " ", "", ""}), &c).ok());
  EXPECT_EQ(c.customer_id(), "c-2");
  EXPECT_FALSE(c.has_demographics());  // not even an empty message
  EXPECT_FALSE(c.has_behavior());
  EXPECT_FALSE(c.has_psychographics());
  ASSERT_TRUE(schema->Parse(Cells({"c-3", "0", "0", "0", ""}), &c).ok());
  EXPECT_TRUE(c.demographics().has_age());  // zero is a value, not "missing"
  EXPECT_EQ(c.demographics().age(), 0u);
  EXPECT_TRUE(c.behavior().rfm().has_days_since_last_order());
  EXPECT_TRUE(c.psychographics().personality().has_openness());
}

TEST(CustomerCsvTest, BadCellsNameTheColumnAndTheValue) {
  absl::StatusOr<CustomerCsvSchema> schema = CustomerCsvSchema::FromHeader(
      Cells({"customer_id", "age", "gender", "annual_income", "interests"}));
  ASSERT_TRUE(schema.ok());
  persona::v1::Customer c;
  absl::Status status = schema->Parse(Cells({"c", "thirty", "", "", ""}), &c);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("column age: not a whole number, got \"thirty\""));
  status = schema->Parse(Cells({"c", "-3", "", "", ""}), &c);
  EXPECT_THAT(std::string(status.message()), HasSubstr("column age"));
  status = schema->Parse(Cells({"c", "", "robot", "", ""}), &c);
  EXPECT_THAT(std::string(status.message()), HasSubstr("column gender: not one of female"));
  status = schema->Parse(Cells({"c", "", "", "12k", ""}), &c);
  EXPECT_THAT(std::string(status.message()), HasSubstr("column annual_income: not a number"));
  status = schema->Parse(Cells({"c", "", "", "", "discounts:lots"}), &c);
  EXPECT_THAT(std::string(status.message()), HasSubstr("column interests"));
  status = schema->Parse(Cells({"c", "30"}), &c);
  EXPECT_THAT(std::string(status.message()), HasSubstr("expected 5 columns"));
}

TEST(CustomerCsvTest, HeaderMustNameKnownColumnsOnce) {
  absl::StatusOr<CustomerCsvSchema> typo =
      CustomerCsvSchema::FromHeader(Cells({"customer_id", "agee"}));
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(std::string(typo.status().message()), HasSubstr("unknown column \"agee\""));
  EXPECT_FALSE(CustomerCsvSchema::FromHeader(Cells({"age", "AGE"})).ok());
  EXPECT_TRUE(CustomerCsvSchema::FromHeader(Cells({" Age ", "Customer_ID"})).ok());
}

TEST(CustomerCsvTest, WrittenRowsReadBackAsTheSameCustomer) {
  const CustomerCsvSchema schema = CustomerCsvSchema::Full();
  std::vector<std::string> header_cells;
  const std::string header = schema.Header();
  for (size_t start = 0;;) {
    const size_t comma = header.find(',', start);
    header_cells.push_back(header.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  absl::StatusOr<CustomerCsvSchema> parsed = CustomerCsvSchema::FromHeader(Cells(header_cells));
  ASSERT_TRUE(parsed.ok());
  synthetic::CustomerGenerator generator(5);
  persona::v1::Customer original, back;
  for (int i = 0; i < 500; ++i) {
    generator.Next(&original);
    // Rows of generated customers have no quoted cells: split at commas.
    const std::string row = schema.Row(original);
    std::vector<std::string> cells;
    for (size_t start = 0;;) {
      const size_t comma = row.find(',', start);
      cells.push_back(row.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    ASSERT_TRUE(parsed->Parse(Cells(cells), &back).ok()) << row;
    // A generated customer with no rfm/interests etc. has no empty sub-messages either.
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(original, back))
        << row << "\n"
        << original.DebugString() << "\n"
        << back.DebugString();
  }
}

TEST(CustomerCsvTest, QuotesFieldsOnlyWhenNeeded) {
  std::string out;
  AppendCsvField("plain", &out);
  out.push_back('|');
  AppendCsvField("a,b", &out);
  out.push_back('|');
  AppendCsvField("say \"hi\"", &out);
  EXPECT_EQ(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"");
}

}  // namespace
}  // namespace persona
