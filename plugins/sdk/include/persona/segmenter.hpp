// Header-only C++ adapter over segmenter_abi.h. A plugin author writes one class and one
// macro; the adapter implements the C ABI, converts exceptions thrown at load time into
// error messages and keeps the hot path exception-free at the boundary.
//
//   class AgeBand {
//    public:
//     struct Criterion { double min_age, max_age; };
//     // Load time: may throw persona::sdk::ParamError (or any std::exception).
//     static std::unique_ptr<AgeBand> Create(const persona::sdk::Value& config);
//     std::unique_ptr<Criterion> Compile(const persona::sdk::Value& params) const;
//     // Hot path: const, no allocation, no locks; must not throw.
//     void Score(const PersonaCustomer& customer, const Criterion* const* criteria,
//                size_t count, const persona::sdk::ScoreContext& context,
//                PersonaCriterionScore* scores) const noexcept;
//   };
//   PERSONA_SEGMENTER_PLUGIN(AgeBand, "age_band", "1.0.0", "Grades customers by age.")
//
// Optionally (ABI 1.1) the class documents its params for tools and catalog authors with a
// static member the macro picks up (see PersonaSegmenterPlugin.params_doc):
//
//     static constexpr char kParamsDoc[] =
//         R"({"params": {"min": "number 0..130"}, "example": {"min": 25}})";
//
// and (ABI 1.2) declares the missing_affinity its criteria get when the catalog sets none
// (see PersonaSegmenterPlugin.default_missing_affinity; checked to be in [0, 1] at compile
// time). Lenses where absent data means "did not happen" (events, triggers) declare 0:
//
//     static constexpr double kDefaultMissingAffinity = 0.0;
//
// This header is the one a plugin includes; it pulls in every part of the adapter, each in
// its own header under persona/sdk/:
//
//   strings.hpp        View/Borrow over the ABI's pointer+length strings; ASCII helpers
//   parse_number.hpp   ParseNumber: a whole attribute value as a finite number
//   param_error.hpp    ParamError, what Create/Compile throw for bad input
//   config_value.hpp   Value: the config/params tree, with paths in every error
//   civil_date.hpp     CivilDate, local dates from UTC offsets, days between dates,
//                      anniversaries (29 February observed on 28 February in a common year)
//   calendar_window.hpp  windows over local days; monthly and yearly ranges for seasons
//   customer_records.hpp views of order details/items, events, platforms, life events
//   customer_view.hpp  FindAttribute, ContainsTag and the ABI 1.2 accessors (absent when the
//                      host's struct is older)
//   score_context.hpp  ScoreContext: as_of, explain, labels and details
//   affinity.hpp       AffinityAccumulator and Clamp01: field grades -> {affinity, coverage}
//   adapter.hpp        the C ABI over the class, and PERSONA_SEGMENTER_PLUGIN
//
// The adapter depends on the C++17 standard library only: no Boost, no protobuf.
#pragma once

#include <persona/segmenter_abi.h>

#include <persona/sdk/adapter.hpp>
#include <persona/sdk/affinity.hpp>
#include <persona/sdk/calendar_window.hpp>
#include <persona/sdk/civil_date.hpp>
#include <persona/sdk/config_value.hpp>
#include <persona/sdk/customer_records.hpp>
#include <persona/sdk/customer_view.hpp>
#include <persona/sdk/param_error.hpp>
#include <persona/sdk/parse_number.hpp>
#include <persona/sdk/reason_writer.hpp>
#include <persona/sdk/score_context.hpp>
#include <persona/sdk/strings.hpp>
