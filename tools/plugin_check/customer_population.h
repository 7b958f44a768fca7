#pragma once

#include <persona/segmenter_abi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "persona/v1/customer.pb.h"
#include "service/grpc/customer_view.h"

namespace persona {
namespace plugin_check {

// The customers every scoring check runs over, each held as the persona.v1.Customer a caller
// would send and the PersonaCustomer the server would hand the plugin for it (the server's
// own request validation and CustomerView), so the plugin sees exactly what it would see
// in production.
class CustomerPopulation {
 public:
  explicit CustomerPopulation(int64_t as_of_unix_seconds) : as_of_(as_of_unix_seconds) {}
  CustomerPopulation(const CustomerPopulation&) = delete;
  CustomerPopulation& operator=(const CustomerPopulation&) = delete;

  // Adds `customer` if the server would accept it in a ScoreCustomer request as of the
  // population's reference time; else returns the violations ("field: reason; ...").
  std::string Add(persona::v1::Customer customer);

  size_t size() const { return entries_.size(); }
  const PersonaCustomer& view(size_t i) const { return entries_[i]->view.get(); }
  const std::string& id(size_t i) const { return entries_[i]->customer.customer_id(); }
  const persona::v1::Customer& customer(size_t i) const { return entries_[i]->customer; }

 private:
  // The view borrows the proto's strings: both live at one stable address.
  struct Entry {
    persona::v1::Customer customer;
    CustomerView view;
  };
  int64_t as_of_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace plugin_check
}  // namespace persona
