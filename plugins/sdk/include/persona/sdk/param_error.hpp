// The one exception a plugin throws on purpose: a bad config or params at load time. The
// adapter turns it into PERSONA_INVALID_ARGUMENT with the message; the server prefixes the
// persona and criterion, so the author writes only the path inside the object.
#pragma once

#include <exception>
#include <string>

namespace persona {
namespace sdk {

// Thrown from Create/Compile for a bad config or params; the message names the path.
class ParamError : public std::exception {
 public:
  ParamError(std::string path, std::string reason)
      : message_(path.empty() ? reason : path + ": " + reason) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace sdk
}  // namespace persona
