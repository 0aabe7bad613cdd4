#include <gtest/gtest.h>

#include "cli/cli.hpp"

namespace srelab::cli {
namespace {

ParsedArgs parse(std::vector<std::string> args) {
  return parse_args(app::up_options(), args);
}

TEST(CliArgs, BothFlagSpellingsAndOrderAreKept) {
  const ParsedArgs parsed = parse({"--port", "9000", "--state-dir=/tmp/x", "--threads=2"});
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.flags.at("port"), "9000");
  EXPECT_EQ(parsed.flags.at("state-dir"), "/tmp/x");
  EXPECT_EQ(parsed.given,
            (std::vector<std::string>{"--port=9000", "--state-dir=/tmp/x", "--threads=2"}));
}

TEST(CliArgs, ErrorsAreOneLineAndNameTheArgument) {
  EXPECT_EQ(parse({"--bogus", "1"}).error, "unknown option '--bogus'");
  EXPECT_EQ(parse({"--port"}).error, "option '--port' needs a value");
  EXPECT_EQ(parse({"stray"}).error, "unexpected argument 'stray'");
  EXPECT_EQ(parse_args(app::serve_options(), std::vector<std::string>{"--state-dir=x"}).error,
            "unknown option '--state-dir'")
      << "serve has no lab options";
}

// `experiment` takes words (its subcommand and names) and repeated --var flags.
TEST(CliArgs, ExperimentTakesWordsAndRepeatedVars) {
  const ParsedArgs parsed =
      parse_args(app::experiment_options(),
                 std::vector<std::string>{"run", "--var", "rate=50", "part1-db-latency",
                                          "--var=injection_s=10", "--quiet"},
                 true);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.words, (std::vector<std::string>{"run", "part1-db-latency"}));
  EXPECT_EQ(parsed.given,
            (std::vector<std::string>{"--var=rate=50", "--var=injection_s=10", "--quiet=true"}));
  EXPECT_EQ(parse_args(app::experiment_options(), std::vector<std::string>{"--vars=x"}, true).error,
            "unknown option '--vars'");
}

TEST(CliArgs, ASwitchTakesNoValue) {
  const std::vector<std::string> args{"--progress", "--rate", "5", "--quiet=off"};
  const ParsedArgs parsed = parse_args(app::load_options(), args);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.flags.at("progress"), "true");
  EXPECT_EQ(parsed.flags.at("rate"), "5");
  EXPECT_EQ(parsed.flags.at("quiet"), "off");
  const std::string help = usage("load", "", app::load_options());
  EXPECT_NE(help.find("  --progress  "), std::string::npos) << help;
}

TEST(CliArgs, HelpListsEveryOptionWithItsEnvironmentVariable) {
  EXPECT_TRUE(parse({"--help"}).help);
  const std::string text = usage("up", "summary", app::up_options());
  for (const auto& option : app::up_options()) {
    EXPECT_NE(text.find("--" + std::string(option.flag)), std::string::npos) << option.flag;
    if (!option.env.empty()) {
      EXPECT_NE(text.find(option.env), std::string::npos) << option.env;
    }
  }
}

}  // namespace
}  // namespace srelab::cli
