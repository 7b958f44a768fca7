// Explanation text without allocating: a fixed-size buffer that formats a reason as a list
// of items and a conclusion ("has frugality, lacks value-for-money -> any: 1 of 2 -> 1").
// For Score when explain() is true; the host copies the text before the call returns.
#pragma once

#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace persona {
namespace sdk {

// Builds one explain reason in a stack buffer: list items first, then a conclusion that
// always fits because the items leave `kTailRoom` bytes for it. Items that do not fit are replaced
// by
// "..." rather than cut, so the text stays valid UTF-8 (the host puts it in a proto string).
template <size_t kTailRoom = 128>
class ReasonWriter {
 public:
  ReasonWriter() { buffer_[0] = '\0'; }

  // Appends ", " before every item but the first.
  __attribute__((format(printf, 2, 3))) void Item(const char* format, ...) {
    if (items_full_) return;
    const size_t before = size_;
    if (item_count_ > 0) Append(", ");
    va_list args;
    va_start(args, format);
    const bool fits = AppendV(kItemLimit, format, args);
    va_end(args);
    if (!fits) {
      size_ = before;
      buffer_[size_] = '\0';
      items_full_ = true;
      if (item_count_ > 0) Append(", ");
      Append("...");
      return;
    }
    ++item_count_;
  }

  __attribute__((format(printf, 2, 3))) void Tail(const char* format, ...) {
    va_list args;
    va_start(args, format);
    AppendV(kCapacity, format, args);
    va_end(args);
  }

  std::string_view view() const { return std::string_view(buffer_, size_); }

 private:
  static constexpr size_t kCapacity = 512;
  static_assert(kTailRoom < kCapacity, "the conclusion needs room after the items");
  static constexpr size_t kItemLimit = kCapacity - kTailRoom;

  void Append(const char* text) {
    const size_t n = std::min(std::strlen(text), kCapacity - 1 - size_);
    std::memcpy(buffer_ + size_, text, n);
    size_ += n;
    buffer_[size_] = '\0';
  }

  // Returns false (and leaves size_ unchanged) when the text would pass `limit`.
  bool AppendV(size_t limit, const char* format, va_list args) {
    if (size_ + 1 >= limit) return false;
    const int n = std::vsnprintf(buffer_ + size_, limit - size_, format, args);
    if (n < 0 || size_ + static_cast<size_t>(n) >= limit) {
      buffer_[size_] = '\0';
      return false;
    }
    size_ += static_cast<size_t>(n);
    return true;
  }

  char buffer_[kCapacity];
  size_t size_ = 0;
  size_t item_count_ = 0;
  bool items_full_ = false;
};

// printf("%.*s") takes an int length; tags are far shorter, the clamp only keeps it defined.
inline int PrintfLength(std::string_view s) {
  return static_cast<int>(std::min<size_t>(s.size(), 1u << 20));
}

}  // namespace sdk
}  // namespace persona
