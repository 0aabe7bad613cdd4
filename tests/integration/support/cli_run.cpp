#include "support/cli_run.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/http_client.hpp"

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

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  using namespace std::chrono_literals;
  for (auto waited = 0ms; waited < limit; waited += 100ms) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

bool answers_ready(lab::Process& up, std::uint16_t port, std::chrono::seconds limit) {
  return eventually(
             [&] {
               if (!up.running()) return true;
               try {
                 return HttpClient(port).get("/readyz").status == 200;
               } catch (const std::exception&) {
                 return false;
               }
             },
             limit) &&
         up.running();
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
