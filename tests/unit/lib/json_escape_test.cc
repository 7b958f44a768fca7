// lib/json_escape: the one JSON string quoting the client's writer and the event log share.
#include "json_escape/json_escape.h"

#include <string>

#include "gtest/gtest.h"

namespace persona {
namespace {

std::string Quoted(std::string_view value) {
  std::string out = "prefix:";
  AppendJsonString(value, &out);
  return out;
}

TEST(JsonEscapeTest, AppendsAQuotedString) {
  EXPECT_EQ(Quoted(""), "prefix:\"\"");
  EXPECT_EQ(Quoted("plain text"), "prefix:\"plain text\"");
}

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("say \"hi\" \\ bye"), R"(prefix:"say \"hi\" \\ bye")");
  EXPECT_EQ(Quoted("a\nb\rc\td"), R"(prefix:"a\nb\rc\td")");
  EXPECT_EQ(Quoted(std::string("\x00\x01\x1f", 3)), R"(prefix:"\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("\b\f"), R"(prefix:"\u0008\u000c")");
}

TEST(JsonEscapeTest, PassesEverythingElseThrough) {
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xe2\x82\xac / \x7f"),
            "prefix:\"caf\xc3\xa9 \xe2\x82\xac / \x7f\"");
}

}  // namespace
}  // namespace persona
