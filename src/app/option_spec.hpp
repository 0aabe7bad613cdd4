// The table of every command-line option: its flag, environment variable, default and help.
// cli/ parses argv against it and prints --help from it; app/ finalizes the values.
#pragma once

#include <span>
#include <string_view>

namespace srelab::app {

struct OptionSpec {
  std::string_view flag;          // without the leading "--"
  std::string_view env;           // empty: no environment variable
  std::string_view value_name;    // e.g. "SECONDS"; empty: a switch without a value
  std::string_view default_text;  // as shown in --help
  std::string_view help;
};

std::span<const OptionSpec> serve_options();
std::span<const OptionSpec> up_options();  // the lab's own, plus every serve option
std::span<const OptionSpec> load_options();
std::span<const OptionSpec> experiment_options();
std::span<const OptionSpec> simulate_options();

const OptionSpec* find_option(std::span<const OptionSpec> options, std::string_view flag);

}  // namespace srelab::app
