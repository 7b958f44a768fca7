// What a score call receives besides the customer and criteria: the instant to score as of,
// whether the caller wants explanations, and the host's sink for labels and details. The
// sink is the only way results other than scores leave a plugin.
#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <persona/sdk/strings.hpp>
#include <string_view>

namespace persona {
namespace sdk {

// Cheap to construct (one pointer); wraps the host's request for one score call.
class ScoreContext {
 public:
  explicit ScoreContext(const PersonaScoreRequest* request) : request_(request) {}

  // The request's as_of: "now" for windows and recency. Never read the clock in a plugin:
  // the same request must give the same scores whenever it is replayed.
  int64_t as_of_unix_seconds() const { return request_->as_of_unix_seconds; }
  bool explain() const { return request_->sink->explain != 0; }

  // A conclusion about the customer, independent of any persona: on every call, with or
  // without explain. The host copies the strings before returning.
  void AddLabel(std::string_view key, std::string_view value) const {
    const PersonaScoreSink* sink = request_->sink;
    if (sink->add_label) sink->add_label(sink->host_context, Borrow(key), Borrow(value));
  }

  // One field's part of criterion `criterion_index`. Only call when explain() is true.
  void AddDetail(size_t criterion_index, std::string_view field, double affinity, bool missing,
                 std::string_view reason) const {
    const PersonaScoreSink* sink = request_->sink;
    if (sink->add_detail) {
      sink->add_detail(sink->host_context, criterion_index, Borrow(field), affinity,
                       missing ? 1 : 0, Borrow(reason));
    }
  }

 private:
  const PersonaScoreRequest* request_;
};

}  // namespace sdk
}  // namespace persona
