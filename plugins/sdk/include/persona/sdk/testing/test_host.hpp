// Test helper: plays the server's part for one plugin through its C ABI, without a server:
// create once, compile criteria, score customers against all of them in one call, release
// and destroy at the end. Test code only: allocates freely.
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/sdk/strings.hpp>
#include <persona/sdk/testing/json_value.hpp>
#include <persona/sdk/testing/score_result.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace persona {
namespace sdk {
namespace testing {

// The as_of TestHost::Score uses when a test gives none: 2026-01-01T00:00:00Z. Fixed, never
// the wall clock, so a test scores the same today and in ten years; a realistic instant
// rather than 0 (1970), so orders a test gives at real dates lie before as_of, as the server
// requires (it rejects an order after as_of). Tests of anything time-dependent (recency,
// windows) should still pass their own as_of and state it.
inline constexpr int64_t kDefaultTestAsOf = 1767225600;

// Plays the server's part for one plugin instance: create once, compile criteria, score
// customers against all of them in one call, release and destroy at the end.
class TestHost {
 public:
  explicit TestHost(const PersonaSegmenterPlugin* plugin) : plugin_(plugin) {}
  ~TestHost() { Reset(); }
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  // create(config). Returns the plugin's error message, "" on success.
  std::string Create(std::string_view config_json = "{}") {
    Reset();
    JsonValue config(config_json);
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    if (plugin_->create(&config.root(), &instance_, &error) != PERSONA_OK) {
      instance_ = nullptr;
      return buffer[0] != '\0' ? std::string(buffer) : std::string("create failed");
    }
    return "";
  }

  // compile(params) for a new criterion (appended to criteria()). Returns the plugin's error
  // message, "" on success. Create() first.
  std::string Compile(std::string_view params_json) {
    if (instance_ == nullptr) throw std::logic_error("TestHost::Compile before Create");
    JsonValue params(params_json);
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    PersonaCompiledCriterion* compiled = nullptr;
    if (plugin_->compile(instance_, &params.root(), &compiled, &error) != PERSONA_OK) {
      return buffer[0] != '\0' ? std::string(buffer) : std::string("compile failed");
    }
    criteria_.push_back(compiled);
    return "";
  }

  size_t criterion_count() const { return criteria_.size(); }

  // The missing_affinity the plugin declares for criteria the catalog gives none (ABI 1.2),
  // or nullopt when it declares none or its description predates the field, as the server
  // reads it.
  std::optional<double> DefaultMissingAffinity() const {
    const size_t needed = offsetof(PersonaSegmenterPlugin, default_missing_affinity) +
                          sizeof(plugin_->default_missing_affinity);
    if (plugin_->struct_size < needed || plugin_->has_default_missing_affinity == 0) {
      return std::nullopt;
    }
    return plugin_->default_missing_affinity;
  }

  // One score() call over every compiled criterion, as the server makes per customer, as of
  // `as_of_unix_seconds` (default kDefaultTestAsOf).
  ScoreResult Score(const PersonaCustomer& customer, bool explain = true,
                    int64_t as_of_unix_seconds = kDefaultTestAsOf) const {
    if (instance_ == nullptr) throw std::logic_error("TestHost::Score before Create");
    ScoreResult result;
    result.scores.assign(criteria_.size(), PersonaCriterionScore{-1.0, -1.0});
    PersonaScoreSink sink{sizeof(PersonaScoreSink), &result, explain ? 1 : 0, &OnLabel, &OnDetail};
    PersonaScoreRequest request{sizeof(PersonaScoreRequest), as_of_unix_seconds, &sink};
    char buffer[1024] = {};
    PersonaErrorBuffer error{buffer, sizeof(buffer)};
    PersonaCriterionScore none[1];
    const PersonaCompiledCriterion* const* criteria =
        criteria_.empty() ? kNoCriteria : criteria_.data();
    result.status = plugin_->score(instance_, &customer, criteria, criteria_.size(), &request,
                                   criteria_.empty() ? none : result.scores.data(), &error);
    result.error = buffer;
    return result;
  }

 private:
  static constexpr const PersonaCompiledCriterion* kNoCriteria[1] = {nullptr};

  static void OnLabel(void* context, PersonaString key, PersonaString value) {
    static_cast<ScoreResult*>(context)->labels.emplace_back(std::string(View(key)),
                                                            std::string(View(value)));
  }
  static void OnDetail(void* context, size_t criterion, PersonaString field, double affinity,
                       int32_t missing, PersonaString reason) {
    static_cast<ScoreResult*>(context)->details.push_back(
        {criterion, std::string(View(field)), affinity, missing != 0, std::string(View(reason))});
  }

  void Reset() {
    if (instance_ == nullptr) return;
    for (PersonaCompiledCriterion* c : criteria_) plugin_->release_criterion(instance_, c);
    criteria_.clear();
    plugin_->destroy(instance_);
    instance_ = nullptr;
  }

  const PersonaSegmenterPlugin* plugin_;
  PersonaSegmenterInstance* instance_ = nullptr;
  std::vector<PersonaCompiledCriterion*> criteria_;
};

}  // namespace testing
}  // namespace sdk
}  // namespace persona
