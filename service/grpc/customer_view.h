#pragma once

#include <persona/segmenter_abi.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persona/v1/customer.pb.h"

namespace persona {

// Translates a validated persona.v1.Customer into the PersonaCustomer plugins read (ABI 1.2):
// enums as lowercase names, tag lists normalised (trimmed, lowercased, sorted, unique), tokens
// (channels, categories, event types, platform names) normalised like tags, orders, events and
// life events sorted by time, platforms by name, event properties by key, and the UTC offset
// in force at as_of in the customer's time zone. Reusable: Reset() keeps buffer capacity, so
// a thread that keeps one view stops allocating once warm. The view borrows strings from the
// proto it was built from.
class CustomerView {
 public:
  CustomerView() = default;
  CustomerView(const CustomerView&) = delete;
  CustomerView& operator=(const CustomerView&) = delete;

  // `as_of_unix_seconds`: the request's reference time, for utc_offset_seconds.
  void Reset(const persona::v1::Customer& customer, int64_t as_of_unix_seconds);
  // As above, as of now: for tools that have no request.
  void Reset(const persona::v1::Customer& customer);

  const PersonaCustomer& get() const { return view_; }

 private:
  // A normalised tag list's strings live in tag_bytes_ at (offset, size) until Finish()
  // turns them into pointers: the buffer may grow while it is filled.
  struct PendingTag {
    size_t offset;
    size_t size;
    double strength;
  };
  void AppendLowered(std::string_view tag);
  template <typename Strings>
  void AddTags(const Strings& source, std::vector<PendingTag>* out);
  PersonaStringList FinishList(std::vector<PendingTag>& tags, std::vector<PersonaString>* out);
  // A token normalised like a tag, in token_bytes_, whose capacity Reset() reserved for every
  // token first: the pointer stays valid while the buffer is filled.
  PersonaString Token(std::string_view raw);
  void ResetOrders(const persona::v1::Behavior& behavior);
  void ResetEvents(const persona::v1::Behavior& behavior);
  void ResetDigitalAndTriggers(const persona::v1::Customer& customer, int64_t as_of_unix_seconds);

  PersonaCustomer view_{};
  std::string tag_bytes_;
  std::vector<PersonaOrder> orders_;
  std::vector<PendingTag> pending_interests_, pending_brands_, pending_channels_, pending_values_,
      pending_lifestyle_, pending_preferred_channels_;
  std::vector<PersonaTagStrength> interests_;
  std::vector<PersonaString> brands_, channels_, values_, lifestyle_, preferred_channels_;
  std::vector<PersonaKeyValue> attributes_;

  // ABI 1.2
  std::string token_bytes_;
  std::vector<size_t> by_time_;  // indices into a proto list (orders, events...) by time
  std::vector<PersonaOrderDetail> order_details_;
  std::vector<PersonaOrderItem> items_;
  std::vector<PersonaEvent> events_;
  std::vector<PersonaKeyValue> properties_;
  std::vector<PersonaPlatform> platforms_;
  std::vector<PersonaLifeEvent> life_events_;
  std::vector<PendingTag> pending_opt_ins_;
  std::vector<PersonaString> opt_ins_;
};

// The lowercase name plugins see for an enum value, or "" for unspecified/unknown.
std::string_view GenderName(persona::v1::Gender value);
std::string_view UrbanicityName(persona::v1::Urbanicity value);
std::string_view EducationName(persona::v1::Education value);
std::string_view MaritalStatusName(persona::v1::MaritalStatus value);
std::string_view DeviceName(persona::v1::Device value);

// Tags are normalised with the SDK's own rule (persona::sdk::NormalizeTag: trimmed,
// ASCII-lowercased), so the host and every plugin compare them the same way.

}  // namespace persona
