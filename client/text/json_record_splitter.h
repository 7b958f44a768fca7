#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/status.h"

namespace persona {

// Cuts a JSON customer file that is not one-object-per-line into one text per record without
// parsing it (the protobuf parser does that per record): the elements of a top-level array,
// or objects written one after another, each over as many lines as it likes (one
// pretty-printed object being the usual case). Memory is bounded by the largest record.
class JsonRecordSplitter {
 public:
  enum class Layout {
    kArray,    // [ {...}, {...} ]
    kObjects,  // {...} {...}  (a single object included)
  };

  // Reads `in` from its current position, which is line 1 of the file.
  JsonRecordSplitter(std::istream* in, Layout layout) : in_(in), layout_(layout) {}

  // The next record's text and the line it starts on; false at the end. A `problem` (not OK)
  // means the file's structure broke at `line` (a missing ',' or ']', an unterminated object):
  // the text is not a record and reading stops after it, since where the next record would
  // begin is unknown.
  bool Next(std::string* text, int64_t* line, absl::Status* problem);

 private:
  int Get();   // the next byte, counting lines; EOF at the end
  int Peek();  // the next byte without consuming it
  // Skips whitespace; returns the first other byte (consumed) or EOF.
  int SkipSpace();
  // Appends the value that begins with `first` (already consumed) to `text`, through its
  // closing bracket for an object or array, or up to a delimiter for a scalar. False when the
  // file ends inside it.
  bool ReadValue(int first, std::string* text);
  bool Fail(int64_t line, std::string message, std::string* text, int64_t* at,
            absl::Status* problem);

  std::istream* in_;
  const Layout layout_;
  int64_t line_ = 1;
  bool started_ = false;  // kArray: the opening '[' has been read
  bool done_ = false;
  int64_t records_ = 0;
};

}  // namespace persona
