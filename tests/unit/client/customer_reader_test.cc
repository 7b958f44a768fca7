#include "client/text/customer_reader.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

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

// Every record of `reader` as "<where> <customer_id or error>".
std::vector<std::string> ReadAll(CustomerReader& reader) {
  std::vector<std::string> out;
  persona::v1::Customer c;
  CustomerRecord r;
  while (reader.Next(&c, &r)) {
    out.push_back(reader.Where(r) + " " +
                  (r.status.ok() ? c.customer_id() : "error: " + std::string(r.status.message())));
  }
  return out;
}

TEST_F(CustomerReaderTest, OnePrettyPrintedObjectIsOneRecord) {
  const std::string path = Write("one.json",
                                 "\n"
                                 "{\n"
                                 "  \"customer_id\": \"fred\",\n"
                                 "  \"demographics\": {\"age\": 34,\n"
                                 "    \"occupation\": \"says \\\"}\\\" {\"}\n"
                                 "}\n");
  auto reader = CustomerReader::Open(path, CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  persona::v1::Customer c;
  CustomerRecord r;
  ASSERT_TRUE((*reader)->Next(&c, &r));
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.number, 1);
  EXPECT_EQ(c.customer_id(), "fred");
  EXPECT_EQ(c.demographics().occupation(), "says \"}\" {");  // brackets in strings are text
  EXPECT_EQ((*reader)->Where(r), "record 1 (line 2)");
  EXPECT_FALSE((*reader)->Next(&c, &r));
  EXPECT_EQ((*reader)->bytes_read(), (*reader)->total_bytes());
}

TEST_F(CustomerReaderTest, TheBundledExampleCustomerReadsAsOneRecord) {
  auto reader = CustomerReader::Open(PERSONA_SOURCE_DIR "/deploy/examples/hemat-fred.json",
                                     CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader), ElementsAre(HasSubstr("record 1 (line 1) ")));
}

TEST_F(CustomerReaderTest, ObjectsOneAfterAnotherAcrossLinesAreEachARecord) {
  const std::string path = Write("several.json",
                                 "{\n \"customer_id\": \"a\"\n}\n"
                                 "{\"customer_id\": \"b\"}\n"
                                 "{\n \"customer_id\": \"c\", \"shoe_size\": 44\n}\n"
                                 "{\n \"customer_id\": \"d\"\n}\n");
  auto reader = CustomerReader::Open(path, CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader),
              ElementsAre("record 1 (line 1) a", "record 2 (line 4) b",
                          AllOf(StartsWith("record 3 (line 5) error: "), HasSubstr("shoe_size")),
                          "record 4 (line 8) d"));
}

TEST_F(CustomerReaderTest, ArrayElementsAreRecordsNumberedByIndex) {
  const std::string path = Write("array.json",
                                 "\xEF\xBB\xBF[\n"  // a byte order mark is skipped
                                 "  {\"customer_id\": \"a\"},\n"
                                 "  {\n    \"customer_id\": \"b\", \"colour\": \"red\"\n  },\n"
                                 "  42,\n"
                                 "  {\"customer_id\": \"[c]\"}\n"
                                 "]\n");
  auto reader = CustomerReader::Open(path, CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader),
              ElementsAre("record 1 (line 2) a",
                          AllOf(StartsWith("record 2 (line 3) error: "), HasSubstr("colour")),
                          StartsWith("record 3 (line 6) error: not a valid persona.v1.Customer"),
                          "record 4 (line 7) [c]"));
  EXPECT_EQ((*reader)->bytes_read(), (*reader)->total_bytes());
}

TEST_F(CustomerReaderTest, AnEmptyArrayHasNoRecords) {
  auto reader = CustomerReader::Open(Write("empty.json", "  [ ]\n"), CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader), ElementsAre());
}

TEST_F(CustomerReaderTest, ABrokenArrayEndsWithARecordThatSaysWhere) {
  const auto read = [this](const std::string& text) {
    auto reader = CustomerReader::Open(Write("broken.json", text), CustomerFormat::kJsonl);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? ReadAll(**reader) : std::vector<std::string>{};
  };
  EXPECT_THAT(read("[{\"customer_id\": \"a\"}\n{\"customer_id\": \"b\"}]"),
              ElementsAre("record 1 (line 1) a",
                          AllOf(StartsWith("record 2 (line 2) error: "),
                                HasSubstr("expected ',' or ']' after record 1, found '{'"))));
  EXPECT_THAT(
      read("[{\"customer_id\": \"a\"},\n"),
      ElementsAre("record 1 (line 1) a", AllOf(StartsWith("record 2 (line 2) error: "),
                                               HasSubstr("the file ended inside the array"))));
  EXPECT_THAT(read("[{\"customer_id\": \"a\"},\n{\"customer_id\": \"b\"\n"),
              ElementsAre("record 1 (line 1) a",
                          AllOf(StartsWith("record 2 (line 2) error: "),
                                HasSubstr("ended inside the record that starts on line 2"))));
  EXPECT_THAT(
      read("[{\"customer_id\": \"a\"},]"),
      ElementsAre("record 1 (line 1) a", AllOf(StartsWith("record 2 (line 1) error: "),
                                               HasSubstr("a ',' with no record after it"))));
  EXPECT_THAT(read("[{\"customer_id\": \"a\"}]\n]"),
              ElementsAre("record 1 (line 1) a",
                          AllOf(StartsWith("record 2 (line 2) error: "),
                                HasSubstr("text after the array's closing ']' (line 1)"))));
}

TEST_F(CustomerReaderTest, AFirstLineThatNeverClosesIsReadAsJsonLines) {
  // A truncated first line must not swallow the lines after it: each line stays a record.
  auto reader =
      CustomerReader::Open(Write("cut.json", "{\"customer_id\": \"a\"\n{\"customer_id\": \"b\"}\n"),
                           CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader), ElementsAre(StartsWith("line 1 error: "), "line 2 b"));
}

TEST_F(CustomerReaderTest, JsonLinesKeepLineNumbersInWhere) {
  auto reader = CustomerReader::Open(
      Write("lines.json", "{\"customer_id\": \"a\"}\n\n{\"customer_id\": \"b\"}\n"),
      CustomerFormat::kJsonl);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(ReadAll(**reader), ElementsAre("line 1 a", "line 3 b"));
}

TEST_F(CustomerReaderTest, APipeIsReadAsJsonLines) {
  // Nothing can be looked at twice in a pipe, so no layout is guessed: JSON Lines, as before.
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "customers.fifo").string();
  std::filesystem::remove(path);
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  std::thread writer(
      [&path] { std::ofstream(path) << "{\"customer_id\": \"a\"}\n{\"customer_id\": \"b\"}\n"; });
  auto reader = CustomerReader::Open(path, CustomerFormat::kJsonl);
  std::vector<std::string> records;
  if (reader.ok()) records = ReadAll(**reader);
  writer.join();
  std::filesystem::remove(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(records, ElementsAre("line 1 a", "line 2 b"));
}

TEST_F(CustomerReaderTest, ContentThatIsNoCustomerJsonIsRefusedListingTheLayouts) {
  for (const std::string text : {"customer_id,age\nc1,40\n", "\"just a string\"", "  nope"}) {
    SCOPED_TRACE(text);
    auto reader = CustomerReader::Open(Write("wrong.json", text), CustomerFormat::kJsonl);
    ASSERT_FALSE(reader.ok());
    EXPECT_THAT(
        std::string(reader.status().message()),
        AllOf(HasSubstr("wrong.json: starts with "), HasSubstr("JSON Lines"),
              HasSubstr("one object"), HasSubstr("array of objects"), HasSubstr("--format=csv")));
  }
  // An empty file is an empty input, not an error.
  auto empty = CustomerReader::Open(Write("blank.json", " \n"), CustomerFormat::kJsonl);
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(ReadAll(**empty), ElementsAre());
}

}  // namespace
}  // namespace persona
