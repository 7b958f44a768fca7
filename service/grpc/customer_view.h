#pragma once

#include <persona/segmenter_abi.h>

#include <string>
#include <string_view>
#include <vector>

#include "persona/v1/customer.pb.h"

namespace persona {

// Translates a validated persona.v1.Customer into the PersonaCustomer plugins read: enums
// as lowercase names, tag lists normalised (trimmed, lowercased, sorted, unique), orders
// sorted by time. Reusable: Reset() keeps buffer capacity, so a thread that keeps one view
// stops allocating once warm. The view borrows strings from the proto it was built from.
class CustomerView {
 public:
  CustomerView() = default;
  CustomerView(const CustomerView&) = delete;
  CustomerView& operator=(const CustomerView&) = delete;

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

  PersonaCustomer view_{};
  std::string tag_bytes_;
  std::vector<PersonaOrder> orders_;
  std::vector<PendingTag> pending_interests_, pending_brands_, pending_channels_, pending_values_,
      pending_lifestyle_, pending_preferred_channels_;
  std::vector<PersonaTagStrength> interests_;
  std::vector<PersonaString> brands_, channels_, values_, lifestyle_, preferred_channels_;
  std::vector<PersonaKeyValue> attributes_;
};

// The lowercase name plugins see for an enum value, or "" for unspecified/unknown.
std::string_view GenderName(persona::v1::Gender value);
std::string_view UrbanicityName(persona::v1::Urbanicity value);
std::string_view EducationName(persona::v1::Education value);
std::string_view MaritalStatusName(persona::v1::MaritalStatus value);

// Tags are normalised with the SDK's own rule (persona::sdk::NormalizeTag: trimmed,
// ASCII-lowercased), so the host and every plugin compare them the same way.

}  // namespace persona
