#include "client/text/json_record_splitter.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace persona {
namespace {

constexpr int kEof = std::char_traits<char>::eof();

bool IsJsonSpace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Shown(int c) {
  if (c == kEof) return "the end of the file";
  if (c > 0x20 && c < 0x7f) return absl::StrCat("'", std::string(1, static_cast<char>(c)), "'");
  return absl::StrFormat("byte 0x%02x", c);
}

}  // namespace

int JsonRecordSplitter::Get() {
  const int c = in_->rdbuf()->sbumpc();
  if (c == '\n') ++line_;
  return c;
}

int JsonRecordSplitter::Peek() { return in_->rdbuf()->sgetc(); }

int JsonRecordSplitter::SkipSpace() {
  int c = Get();
  while (IsJsonSpace(c)) c = Get();
  return c;
}

bool JsonRecordSplitter::ReadValue(int first, std::string* text) {
  text->push_back(static_cast<char>(first));
  // Inside a string, brackets are text and a backslash escapes the next byte.
  const auto string_rest = [this, text] {
    for (;;) {
      int c = Get();
      if (c == kEof) return false;
      text->push_back(static_cast<char>(c));
      if (c == '"') return true;
      if (c == '\\') {
        c = Get();
        if (c == kEof) return false;
        text->push_back(static_cast<char>(c));
      }
    }
  };
  if (first == '"') return string_rest();
  if (first != '{' && first != '[') {
    // A scalar where a record belongs: take it whole, the parser will say what it is.
    for (int c = Peek();
         c != kEof && !IsJsonSpace(c) && c != ',' && c != ']' && c != '}' && c != '[' && c != '{';
         c = Peek()) {
      text->push_back(static_cast<char>(Get()));
    }
    return true;
  }
  int depth = 1;
  while (depth > 0) {
    const int c = Get();
    if (c == kEof) return false;
    text->push_back(static_cast<char>(c));
    if (c == '"') {
      if (!string_rest()) return false;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

bool JsonRecordSplitter::Fail(int64_t line, std::string message, std::string* text, int64_t* at,
                              absl::Status* problem) {
  done_ = true;
  text->clear();
  *at = line;
  *problem = absl::InvalidArgumentError(std::move(message));
  return true;
}

bool JsonRecordSplitter::Next(std::string* text, int64_t* line, absl::Status* problem) {
  if (done_) return false;
  text->clear();
  *problem = absl::OkStatus();
  int c = SkipSpace();
  if (layout_ == Layout::kObjects) {
    if (c == kEof) {
      done_ = true;
      return false;
    }
    *line = line_;
    if (c != '{') {
      return Fail(line_,
                  absl::StrCat("expected '{' starting customer object ", records_ + 1, ", found ",
                               Shown(c)),
                  text, line, problem);
    }
  } else {
    if (!started_) {
      started_ = true;
      if (c != '[') {
        return Fail(line_, absl::StrCat("expected '[' starting the array, found ", Shown(c)), text,
                    line, problem);
      }
      c = SkipSpace();
    } else if (c == ',') {
      c = SkipSpace();
      if (c == ']') {
        return Fail(line_, "a ',' with no record after it before the closing ']'", text, line,
                    problem);
      }
    } else if (c != ']') {
      return Fail(line_,
                  absl::StrCat("expected ',' or ']' after record ", records_, ", found ", Shown(c)),
                  text, line, problem);
    }
    if (c == ']') {
      const int64_t closing_line = line_;
      if (const int after = SkipSpace(); after != kEof) {
        return Fail(line_,
                    absl::StrCat("text after the array's closing ']' (line ", closing_line,
                                 "): ", Shown(after)),
                    text, line, problem);
      }
      done_ = true;
      return false;
    }
    if (c == kEof) {
      return Fail(line_, "the file ended inside the array (no closing ']')", text, line, problem);
    }
    *line = line_;
  }
  const int64_t start = line_;
  if (!ReadValue(c, text)) {
    return Fail(start,
                absl::StrCat("the file ended inside the record that starts on line ", start,
                             " (a missing '}' or '\"'?)"),
                text, line, problem);
  }
  ++records_;
  return true;
}

}  // namespace persona
