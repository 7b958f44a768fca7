// Typed, borrowed views of the ABI 1.2 customer records (order details and items, events,
// platforms, life events) and of the ABI's optional values. Each view is a pointer wide,
// copies for free, allocates nothing and throws nothing; strings come back as string_view
// (empty = not given) and optional numbers as std::optional. Valid as long as the customer
// they came from: for the duration of the score call.
#pragma once

#include <persona/segmenter_abi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <persona/sdk/civil_date.hpp>
#include <persona/sdk/strings.hpp>
#include <string_view>

namespace persona {
namespace sdk {

inline std::optional<double> Optional(PersonaOptionalNumber n) {
  if (n.present == 0) return std::nullopt;
  return n.value;
}
inline std::optional<int64_t> Optional(PersonaOptionalTime t) {
  if (t.present == 0) return std::nullopt;
  return t.unix_seconds;
}
inline std::optional<CivilDate> Optional(PersonaCivilDate d) {
  if (d.present == 0) return std::nullopt;
  return CivilDate{d.year, d.month, d.day};
}

// A read-only range over a borrowed ABI array, yielding a view per element: iterable with
// range-for, indexable, empty when the customer has no such data.
template <typename Record, typename Raw>
class RecordRange {
 public:
  class Iterator {
   public:
    explicit Iterator(const Raw* at) : at_(at) {}
    Record operator*() const { return Record(*at_); }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return at_ == other.at_; }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    const Raw* at_;
  };

  RecordRange() = default;
  RecordRange(const Raw* items, size_t count)
      : items_(count == 0 ? nullptr : items), count_(items == nullptr ? 0 : count) {}

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Precondition: i < size().
  Record operator[](size_t i) const { return Record(items_[i]); }
  Iterator begin() const { return Iterator(items_); }
  Iterator end() const { return Iterator(items_ + count_); }

 private:
  const Raw* items_ = nullptr;
  size_t count_ = 0;
};

// One line of an order.
class OrderItem {
 public:
  explicit OrderItem(const PersonaOrderItem& item) : item_(&item) {}
  std::string_view sku() const { return View(item_->sku); }
  std::string_view category() const { return View(item_->category); }  // normalised tag
  std::string_view brand() const { return View(item_->brand); }        // normalised tag
  std::optional<double> quantity() const { return Optional(item_->quantity); }
  std::optional<double> unit_price() const { return Optional(item_->unit_price); }

 private:
  const PersonaOrderItem* item_;
};

// What ABI 1.2 knows about one order beyond its id, time and amount.
class OrderDetail {
 public:
  explicit OrderDetail(const PersonaOrderDetail& detail) : detail_(&detail) {}
  std::string_view channel() const { return View(detail_->channel); }  // normalised tag
  std::optional<double> discount_amount() const { return Optional(detail_->discount_amount); }
  std::string_view voucher_code() const { return View(detail_->voucher_code); }
  // Money saved or a voucher used: what "shops on discount" lenses count.
  bool discounted() const {
    const std::optional<double> d = discount_amount();
    return (d && *d > 0.0) || detail_->voucher_code.size != 0;
  }
  RecordRange<OrderItem, PersonaOrderItem> items() const {
    return {detail_->items, detail_->item_count};
  }

 private:
  const PersonaOrderDetail* detail_;
};

// Something the customer did.
class Event {
 public:
  explicit Event(const PersonaEvent& event) : event_(&event) {}
  std::string_view type() const { return View(event_->type); }
  int64_t time_unix_seconds() const { return event_->time_unix_seconds; }
  std::string_view channel() const { return View(event_->channel); }
  std::string_view device() const { return View(event_->device); }
  size_t property_count() const {
    return event_->properties == nullptr ? 0 : event_->property_count;
  }
  // Property `key`'s value, as sent. Properties arrive sorted by key bytes: a binary search.
  std::optional<std::string_view> FindProperty(std::string_view key) const {
    const PersonaKeyValue* first = event_->properties;
    const PersonaKeyValue* last = first + property_count();
    const PersonaKeyValue* it = std::lower_bound(
        first, last, key,
        [](const PersonaKeyValue& kv, std::string_view k) { return View(kv.key) < k; });
    if (it == last || View(it->key) != key) return std::nullopt;
    return View(it->value);
  }

 private:
  const PersonaEvent* event_;
};

// Where the customer shops or socialises.
class Platform {
 public:
  explicit Platform(const PersonaPlatform& platform) : platform_(&platform) {}
  std::string_view name() const { return View(platform_->name); }
  std::optional<double> sessions_30d() const { return Optional(platform_->sessions_30d); }
  std::optional<int64_t> last_seen_unix_seconds() const { return Optional(platform_->last_seen); }

 private:
  const PersonaPlatform* platform_;
};

// A life change.
class LifeEvent {
 public:
  explicit LifeEvent(const PersonaLifeEvent& event) : event_(&event) {}
  std::string_view type() const { return View(event_->type); }
  int64_t time_unix_seconds() const { return event_->time_unix_seconds; }

 private:
  const PersonaLifeEvent* event_;
};

using OrderItems = RecordRange<OrderItem, PersonaOrderItem>;
using Events = RecordRange<Event, PersonaEvent>;
using Platforms = RecordRange<Platform, PersonaPlatform>;
using LifeEvents = RecordRange<LifeEvent, PersonaLifeEvent>;

}  // namespace sdk
}  // namespace persona
