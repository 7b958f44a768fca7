// The JSON fast path must read exactly what protobuf's parser reads, or step aside.
#include "client/text/fast_json.h"

#include <iterator>
#include <string>

#include "client/synthetic/customer_generator.h"
#include "client/text/customer_json.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.pb.h"

namespace persona {
namespace {

using google::protobuf::util::MessageDifferencer;

// Byte-equal deterministic serializations (MessageDifferencer says NaN != NaN).
bool Same(const persona::v1::Customer& a, const persona::v1::Customer& b) {
  std::string x, y;
  {
    google::protobuf::io::StringOutputStream sx(&x), sy(&y);
    google::protobuf::io::CodedOutputStream cx(&sx), cy(&sy);
    cx.SetSerializationDeterministic(true);
    cy.SetSerializationDeterministic(true);
    a.SerializeToCodedStream(&cx);
    b.SerializeToCodedStream(&cy);
  }
  return x == y;
}

// Protobuf's own verdict: the customer, or nullopt-ish (false) when it refuses.
bool ProtobufParse(const std::string& json, persona::v1::Customer* customer) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return google::protobuf::util::JsonStringToMessage(json, customer, options).ok();
}

TEST(FastJsonTest, GeneratedCustomersTakeTheFastPathAndMatchProtobuf) {
  synthetic::CustomerGenerator generator(17);
  persona::v1::Customer original, fast, slow;
  for (int i = 0; i < 3000; ++i) {
    generator.Next(&original);
    const std::string json = CustomerToJson(original);
    fast.Clear();
    ASSERT_TRUE(FastJsonToMessage(json, &fast)) << json;
    slow.Clear();
    ASSERT_TRUE(ProtobufParse(json, &slow));
    ASSERT_TRUE(MessageDifferencer::Equals(fast, slow)) << json;
  }
}

TEST(FastJsonTest, WhateverItAcceptsProtobufReadsTheSame) {
  const char* const inputs[] = {
      R"({"customer_id":"a","demographics":{"age":0,"gender":"GENDER_MALE"}})",
      R"({"customerId":"camel","psychographics":{"preferredChannels":["sms"]}})",
      R"({"customer_id":"orders","behavior":{"orders":[{"order_id":"o1",)"
      R"("time":"2026-01-02T03:04:05.5Z","amount":12.25},{"time":"2026-01-02T03:04:05+02:00"}]}})",
      R"({"demographics":{"annual_income":1e5,"household_size":4294967295}})",
      R"({"demographics":{"annual_income":-0.0}})",
      R"(  { "customer_id" : "spaces" , "attributes" : { "k" : "v" , "k2" : "" } }  )",
      R"({"demographics":{}, "behavior":{"rfm":{}}})",
      R"({})",
      // Everything below must be left to protobuf (and may or may not be accepted there).
      R"({"customer_id":"esc\"aped"})",
      R"({"customer_id":"caf\u00e9"})",
      "{\"customer_id\":\"caf\xc3\xa9\"}",
      R"({"customer_id":null})",
      R"({"demographics":{"age":"30"}})",
      R"({"demographics":{"age":30.0}})",
      R"({"demographics":{"age":1e1}})",
      R"({"demographics":{"age":-1}})",
      R"({"demographics":{"age":4294967296}})",
      R"({"demographics":{"gender":2}})",
      R"({"demographics":{"gender":"female"}})",
      R"({"demographics":{"annual_income":"NaN"}})",
      R"({"demographics":{"annual_income":1e999}})",
      R"({"demographics":{"annual_income":01}})",
      R"({"psychographics":{"interests":{"a":1,"a":0.5}}})",
      R"({"customer_id":"x","customer_id":"y"})",
      R"({"customer_id":"x","customerId":"y"})",
      R"({"colour":"red"})",
      R"({"behavior":{"orders":[{"time":"yesterday"}]}})",
      R"({"behavior":{"orders":[{"time":"0000-01-01T00:00:00Z"}]}})",
      R"([])",
      R"({"customer_id":"trailing"} x)",
      R"({"customer_id":"a",})",
      R"({"customer_id":"unterminated)",
  };
  constexpr size_t kPlain = 8;  // the first ones are plain: the fast path must take them
  for (size_t i = 0; i < std::size(inputs); ++i) {
    const char* input = inputs[i];
    persona::v1::Customer fast, slow;
    const bool fast_ok = FastJsonToMessage(input, &fast);
    const bool slow_ok = ProtobufParse(input, &slow);
    EXPECT_TRUE(fast_ok || i >= kPlain) << input;
    if (fast_ok) {
      EXPECT_TRUE(slow_ok) << "fast path accepted what protobuf refuses: " << input;
      EXPECT_TRUE(Same(fast, slow)) << input;
    }
    // And the public entry point always agrees with protobuf.
    persona::v1::Customer via_entry;
    EXPECT_EQ(CustomerFromJson(input, &via_entry).ok(), slow_ok) << input;
    if (slow_ok) {
      EXPECT_TRUE(Same(via_entry, slow)) << input;
    }
  }
}

}  // namespace
}  // namespace persona
