#include "client/text/json_writer.h"

#include <limits>

#include "gtest/gtest.h"

namespace persona {
namespace {

TEST(JsonWriterTest, InsertsCommasAndEscapes) {
  JsonWriter json;
  json.BeginObject().Key("a").Int(-1).Key("b").BeginArray().Uint(2).String("x\"y\\z\n\t\x01");
  json.Bool(true).Null().EndArray().Key("c").BeginObject().EndObject().EndObject();
  EXPECT_EQ(json.str(), R"({"a":-1,"b":[2,"x\"y\\z\n\t\u0001",true,null],"c":{}})");
}

TEST(JsonWriterTest, NumbersAreShortestExact) {
  EXPECT_EQ(FormatDouble(0.35), "0.35");
  EXPECT_EQ(FormatDouble(28000), "28000");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "null");
}

}  // namespace
}  // namespace persona
