// The client's CSV record reader (client/text/csv_reader.h): RFC 4180 quoting, CRLF, blank
// lines, line numbers, and recovery after a malformed record.
#include "client/text/csv_reader.h"

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace persona {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Strings(const std::vector<std::string_view>& fields) {
  return std::vector<std::string>(fields.begin(), fields.end());
}

TEST(CsvReaderTest, QuotesCrLfAndLineNumbers) {
  std::istringstream in(
      "a,b,c\r\n"
      "\r\n"
      "\"x, y\",\"say \"\"hi\"\"\",plain\r\n"
      "\"multi\r\nline\",2,\r\n"
      " \"spaced\" ,\"\",3\n"
      "last,row,\"\"");
  CsvReader reader(in);
  std::vector<std::string_view> f;
  std::string error;
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("a", "b", "c"));
  EXPECT_EQ(reader.record_line(), 1);
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("x, y", "say \"hi\"", "plain"));
  EXPECT_EQ(reader.record_line(), 3);  // the blank line 2 is skipped
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("multi\nline", "2", ""));
  EXPECT_EQ(reader.record_line(), 4);
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("spaced", "", "3"));
  EXPECT_EQ(reader.record_line(), 6);  // the quoted line break made line 5 part of record 4
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("last", "row", ""));
  EXPECT_EQ(reader.Next(&f, &error), CsvReader::Status::kEnd);
}

TEST(CsvReaderTest, MalformedQuotes) {
  std::istringstream in(
      "ab\"c,1\n"
      "\"ab\"c,1\n"
      "ok,2\n"
      "\"never closed,3\n"
      "x,4\n");
  CsvReader reader(in);
  std::vector<std::string_view> f;
  std::string error;
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kError);
  EXPECT_EQ(error,
            "a quote inside unquoted field 1 (quote the whole field and double the inner quote)");
  EXPECT_EQ(reader.record_line(), 1);
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kError);
  EXPECT_EQ(error, "unexpected text after the closing quote of field 1");
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kRecord);
  EXPECT_THAT(Strings(f), ElementsAre("ok", "2"));
  ASSERT_EQ(reader.Next(&f, &error), CsvReader::Status::kError);
  EXPECT_EQ(error, "unterminated quoted field 1 (the quote opened on line 4)");
  EXPECT_EQ(reader.Next(&f, &error), CsvReader::Status::kEnd);
}

}  // namespace
}  // namespace persona
