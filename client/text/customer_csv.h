#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "persona/v1/customer.pb.h"

namespace persona {

// Customers as CSV: one row per customer, flat columns named in a header row (any subset, in
// any order; client/README.md lists them). An empty cell means "not given". Lists are
// separated by ';' ("email;sms"), interests are "tag:strength;tag:strength" (a tag without
// ":strength" has strength 1), enums take the short or the full name ("female" or
// "GENDER_FEMALE", any case), dates are YYYY-MM-DD, times RFC 3339, platforms are
// "name:sessions_30d;name", and a column "attr.KEY" fills attributes[KEY]. Orders, events and
// life events have no column: give the precomputed RFM summary, or use JSON.
class CustomerCsvSchema {
 public:
  // Maps a header row to columns. An unknown column name is an error, so a typo cannot
  // silently turn a column into "not given" for every customer.
  static absl::StatusOr<CustomerCsvSchema> FromHeader(const std::vector<std::string_view>& header);

  // Every column this schema can write, in the order WriteHeader() and WriteRow() use.
  static CustomerCsvSchema Full();

  // Fills `customer` from one row; the error names the column and the bad value.
  absl::Status Parse(const std::vector<std::string_view>& row,
                     persona::v1::Customer* customer) const;
  // Best effort, for error reports: the row's customer_id cell, if the schema has one.
  std::string_view CustomerId(const std::vector<std::string_view>& row) const;

  std::string Header() const;
  std::string Row(const persona::v1::Customer& customer) const;

 private:
  struct Column {
    int field;        // a field id, see customer_csv.cc
    std::string key;  // attributes key for attr.KEY columns
  };
  std::vector<Column> columns_;
};

// Appends `value` as one CSV field, quoted only when it has to be (',', '"', CR or LF).
void AppendCsvField(std::string_view value, std::string* out);

}  // namespace persona
