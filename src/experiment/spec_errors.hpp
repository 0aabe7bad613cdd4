// The first error of one parse_experiment() call, as the user reads it: "FILE:LINE: what is
// wrong". Every reader of the experiment file reports here; once an error is kept, later ones are
// dropped (the first error wins, so a mistake's consequences do not bury the mistake), and the
// readers stop at their next check of ok().
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace srelab::experiment {

class SpecErrors {
 public:
  explicit SpecErrors(std::string_view file_name) : file_name_(file_name) {}

  // line 0: the error has no line in the file ("FILE: what").
  void fail(int line, std::string_view message) {
    if (!ok()) return;
    message_ = file_name_ + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
    message_ += message;
  }
  // An error about something outside the file (a --var): no file name either.
  void fail_outside(std::string message) {
    if (ok()) message_ = std::move(message);
  }

  bool ok() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  std::string file_name_;
  std::string message_;
};

}  // namespace srelab::experiment
