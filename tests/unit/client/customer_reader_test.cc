#include "client/text/customer_reader.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::HasSubstr;

class CustomerReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
};

TEST_F(CustomerReaderTest, FormatComesFromTheFlagOrTheExtension) {
  EXPECT_EQ(*ResolveCustomerFormat("", "a/b.csv"), CustomerFormat::kCsv);
  EXPECT_EQ(*ResolveCustomerFormat("", "a/b.JSONL"), CustomerFormat::kJsonl);
  EXPECT_EQ(*ResolveCustomerFormat("", "b.ndjson"), CustomerFormat::kJsonl);
  EXPECT_EQ(*ResolveCustomerFormat("csv", "b.jsonl"), CustomerFormat::kCsv);
  EXPECT_FALSE(ResolveCustomerFormat("", "b.txt").ok());
  EXPECT_FALSE(ResolveCustomerFormat("xml", "b.csv").ok());
}

TEST_F(CustomerReaderTest, JsonLinesRecordsKeepTheirLineNumbers) {
  const std::string path = Write("readers.jsonl",
                                 "{\"customer_id\":\"a\"}\n"
                                 "\n"
                                 "  \t\n"
                                 "{oops\n"
                                 "{\"customer_id\":\"b\",\"demographics\":{\"age\":3}}\r\n"
                                 "{\"customer_id\":\"c\"}");  // no final newline
  auto reader = CustomerReader::Open(path, CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok());
  persona::v1::Customer c;
  CustomerRecord r;
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 1);
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.customer_id, "a");
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 4);  // blank lines are not records
  EXPECT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("not a valid persona.v1.Customer"));
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 5);
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(c.demographics().age(), 3u);
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 6);
  EXPECT_EQ(c.customer_id(), "c");
  EXPECT_FALSE(c.has_demographics());  // cleared between records
  EXPECT_FALSE((*reader)->Next(&c, &r));
  EXPECT_EQ((*reader)->bytes_read(), (*reader)->total_bytes());
}

TEST_F(CustomerReaderTest, CsvRecordsKeepTheirLineNumbersAcrossQuotedLineBreaks) {
  const std::string path = Write("readers.csv",
                                 "customer_id,age,occupation\n"
                                 "a,30,teacher\n"
                                 "b,31,\"line one\nline two\"\n"
                                 "\n"
                                 "c,xx,nurse\n"
                                 "d,\"unterminated\n");
  auto reader = CustomerReader::Open(path, CustomerFormat::kCsv);
  ASSERT_TRUE(reader.ok()) << reader.status();
  persona::v1::Customer c;
  CustomerRecord r;
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(c.demographics().age(), 30u);
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(c.demographics().occupation(), "line one\nline two");
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 6);
  EXPECT_EQ(r.customer_id, "c");
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("column age"));
  ASSERT_TRUE((*reader)->Next(&c, &r));
  EXPECT_EQ(r.line, 7);
  EXPECT_FALSE(r.status.ok());
  EXPECT_FALSE((*reader)->Next(&c, &r));
}

TEST_F(CustomerReaderTest, UnusableCsvHeadersAndMissingFilesFailToOpen) {
  EXPECT_FALSE(
      CustomerReader::Open(Write("typo.csv", "customer_id,agee\n"), CustomerFormat::kCsv).ok());
  EXPECT_FALSE(CustomerReader::Open(Write("empty.csv", ""), CustomerFormat::kCsv).ok());
  EXPECT_FALSE(CustomerReader::Open("/nonexistent/x.jsonl", CustomerFormat::kJsonl).ok());
}

}  // namespace
}  // namespace persona
