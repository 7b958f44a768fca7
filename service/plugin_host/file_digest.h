#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace persona {

// Lowercase hex SHA-256 of a file's contents: the plugin pin in the catalog and the hash
// reported by GetCatalogStatus.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace persona
