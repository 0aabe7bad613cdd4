#include "support/cli_run.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

namespace srelab::testing {

std::string CliRun::verdict() const {
  if (!journal.is_object()) return "(no journal)";
  for (const auto& extension : journal.at("extensions").as_array())
    if (extension.at("name") == "sre-lab") return std::string(extension.at("verdict").as_string());
  return "(no sre-lab extension)";
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CliRun run_cli(const std::string& binary, const std::vector<std::string>& args,
               const std::filesystem::path& log, const std::filesystem::path& journal_dir,
               std::chrono::seconds limit, const std::function<void(lab::Process&)>& meanwhile) {
  lab::SpawnOptions options;
  options.argv = {binary};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.log_file = log;
  auto process = lab::Process::spawn(options);
  EXPECT_TRUE(process);
  CliRun run;
  if (!process) return run;
  if (meanwhile) meanwhile(*process);
  run.exit_code = process->wait(limit).value_or(-1);
  run.output = read_text(log);
  if (!journal_dir.empty() && std::filesystem::exists(journal_dir / "journal.json"))
    run.journal = boost::json::parse(read_text(journal_dir / "journal.json"));
  return run;
}

}  // namespace srelab::testing
