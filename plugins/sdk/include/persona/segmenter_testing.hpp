// Header-only helpers for unit-testing a segmenter through its C ABI, without a server. This
// header includes them all, each in its own header under persona/sdk/testing/:
//
//   json_value.hpp        JsonValue: JSON text -> the PersonaValue tree create()/compile()
//                         receive
//   customer_builder.hpp  CustomerBuilder: a PersonaCustomer normalised the way the server
//                         sends it, every ABI 1.2 field included; BuildSized
//                         (kCustomerSizeAbi11) for the same customer from an older host
//   score_result.hpp      ScoreResult: scores, labels and details of one score() call
//   test_host.hpp         TestHost: drives create/compile/score/release/destroy like the
//                         server and records every label and detail the plugin reports;
//                         kDefaultTestAsOf, the fixed as_of it scores at unless told;
//                         DefaultMissingAffinity, what the plugin declares (ABI 1.2)
//
//   #include <persona/segmenter_testing.hpp>
//   persona::sdk::testing::TestHost host(persona_segmenter_plugin());
//   ASSERT_EQ(host.Create(R"({})"), "");
//   ASSERT_EQ(host.Compile(R"({"company_size": {"min": 50}})"), "");
//   persona::sdk::testing::CustomerBuilder customer;
//   customer.Attribute("company_size", "250");
//   auto result = host.Score(customer.Build());
//   EXPECT_EQ(result.scores[0].affinity, 1.0);
//
// Link the plugin's sources into the test executable and call persona_segmenter_plugin()
// directly (declared below). Test code only: everything here allocates freely.
#pragma once

#include <persona/segmenter_abi.h>

#include <persona/sdk/testing/customer_builder.hpp>
#include <persona/sdk/testing/json_value.hpp>
#include <persona/sdk/testing/score_result.hpp>
#include <persona/sdk/testing/test_host.hpp>
#include <persona/segmenter.hpp>

// The entry point of the plugin linked into the test (defined by PERSONA_SEGMENTER_PLUGIN).
extern "C" const PersonaSegmenterPlugin* persona_segmenter_plugin(void);
