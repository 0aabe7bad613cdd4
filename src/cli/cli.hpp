// The command line: `sre-lab <command> [options]`. Splits argv against the option table of the
// command, answers --help and --version, and hands the rest to app/.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/option_spec.hpp"

namespace srelab::cli {

int run(int argc, char** argv);

struct ParsedArgs {
  std::map<std::string, std::string, std::less<>> flags;  // flag → value
  std::vector<std::string> given;                         // "--flag=value", in order
  std::vector<std::string> words;  // arguments that are not options, when the command takes them
  bool help = false;
  std::string error;  // one line; empty when the arguments parse
};

// "--flag value" and "--flag=value"; a flag not in `options` or without a value is an error, and
// so is any other argument unless `takes_words`. A flag given twice keeps its last value in
// `flags`; `given` has both.
ParsedArgs parse_args(std::span<const app::OptionSpec> options, std::span<const std::string> args,
                      bool takes_words = false);

std::string usage(std::string_view command, std::string_view summary,
                  std::span<const app::OptionSpec> options);

}  // namespace srelab::cli
