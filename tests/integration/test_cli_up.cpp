// `sre-lab` as a user runs it: the binary, its exit codes and messages, and `up` starting and
// stopping a whole lab (its own Postgres, Redis and service) in a temporary state directory.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "lab/ports.hpp"
#include "lab/process.hpp"
#include "support/http_client.hpp"

namespace srelab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string output;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-cli-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override { fs::remove_all(dir_); }

  lab::Process spawn(std::vector<std::string> args, const std::string& log) {
    lab::SpawnOptions options;
    options.argv = {SRE_LAB_BINARY};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.log_file = dir_ / log;
    auto process = lab::Process::spawn(options);
    EXPECT_TRUE(process);
    return std::move(*process);
  }

  std::string read(const std::string& log) const {
    std::ifstream in(dir_ / log);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Runs to completion (bounded); the exit status and what it printed.
  CliRun run(std::vector<std::string> args) {
    const std::string log = "run" + std::to_string(runs_++) + ".log";
    lab::Process process = spawn(std::move(args), log);
    for (int i = 0; i < 300 && process.running(); ++i) std::this_thread::sleep_for(100ms);
    if (process.running()) process.stop(SIGKILL);
    return {process.exit_status().value_or(-1), read(log)};
  }

  fs::path dir_;
  int runs_ = 0;
};

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> pids;
  for (pid_t child; in >> child;) pids.push_back(child);
  return pids;
}

bool alive(pid_t pid) {
  return kill(pid, 0) == 0;
}

TEST_F(CliTest, VersionAndHelp) {
  const CliRun version = run({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output.rfind("sre-lab ", 0), 0u) << version.output;
  // The malloc the build linked (src/cli/CMakeLists.txt) is the one the process runs on.
  EXPECT_NE(version.output.find("\nmalloc: " SRE_LAB_MALLOC), std::string::npos) << version.output;
  for (const char* command : {"serve", "up"}) {
    const CliRun help = run({command, "--help"});
    EXPECT_EQ(help.status, 0) << command;
    EXPECT_NE(help.output.find("--port"), std::string::npos) << help.output;
    EXPECT_NE(help.output.find("SRE_LAB_PORT"), std::string::npos) << help.output;
  }
}

TEST_F(CliTest, BadUsageIsOneLineAndExitCodeTwo) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const Case cases[] = {
      {{"bogus"}, "unknown command 'bogus'"},
      {{}, "usage: sre-lab"},
      {{"serve", "--port", "abc"}, "invalid --port 'abc': expected an integer in 0..65535"},
      {{"serve", "--threads=0"}, "invalid --threads '0'"},
      {{"serve", "--nope"}, "unknown option '--nope'"},
      {{"serve", "--port"}, "option '--port' needs a value"},
      {{"serve", "--redis-url", "mysql://x"}, "invalid --redis-url 'mysql://x'"},
      {{"up", "--pg-port", "0"}, "invalid --pg-port '0': expected an integer in 1..65535"},
      {{"up", "--products", "many"}, "invalid --products 'many'"},
      {{"up", "--gateway", "maybe"}, "invalid --gateway 'maybe': expected on or off"},
      {{"up", "--gateway-timeout", "soon"}, "invalid --gateway-timeout 'soon'"},
      {{"up", "--replicas", "17"}, "invalid --replicas '17': expected an integer in 1..16"},
      {{"up", "--replicas=2", "--gateway=off"}, "--replicas 2 needs the gateway"},
      {{"up", "--replicas=3", "--port=65534"}, "--replicas 3 from --port 65534 needs ports up to"},
      {{"up", "--replicas=2", "--port=8000", "--gateway-port=8001"},
       "--gateway-port 8001 is one of the replicas' ports 8000..8001"},
      {{"serve", "--trace-128-bit-logging", "maybe"},
       "invalid --trace-128-bit-logging 'maybe': expected true or false"},
  };
  for (const Case& c : cases) {
    const CliRun result = run(c.args);
    EXPECT_EQ(result.status, 2) << c.says << "\n" << result.output;
    EXPECT_NE(result.output.find(c.says), std::string::npos) << result.output;
    if (!c.args.empty()) {
      EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    }
  }
}

TEST_F(CliTest, UpNamesATakenPortAndStartsNothing) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::acceptor holder(context, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto taken = holder.local_endpoint().port();
  const CliRun result =
      run({"up", "--state-dir", (dir_ / "lab").string(), "--port", std::to_string(taken)});
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_NE(result.output.find("port " + std::to_string(taken) + " (service) is already in use"),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(fs::exists(dir_ / "lab" / "postgres")) << "nothing started";
}

// Starts `up`, waits for /readyz, fetches a product, runs `while_up`, stops it with SIGTERM; the
// product's JSON.
std::string up_and_down(CliTest& test, lab::Process& up, std::uint16_t port,
                        const std::function<void()>& while_up = {}) {
  bool ready = false;
  for (int i = 0; i < 600 && !ready && up.running(); ++i) {  // initdb + seeding: up to 60 s
    try {
      ready = testing::HttpClient(port).get("/readyz").status == 200;
    } catch (const std::exception&) {
    }
    if (!ready) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(ready) << "up did not become ready";
  (void)test;
  testing::HttpReply product = testing::HttpClient(port).get("/products/1");
  EXPECT_EQ(product.status, 200) << product.body;
  if (while_up) while_up();

  const std::vector<pid_t> children = children_of(up.pid());
  EXPECT_EQ(children.size(), 3u) << "postgres, redis and the service";
  kill(up.pid(), SIGTERM);
  for (int i = 0; i < 300 && up.running(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(up.running());
  EXPECT_EQ(up.exit_status().value_or(-1), 0);
  for (pid_t child : children) EXPECT_FALSE(alive(child)) << "stray process " << child;
  return product.body;
}

TEST_F(CliTest, UpRunsTheLabAndStopsEverythingOnSigterm) {
  const std::uint16_t port = lab::pick_free_port();
  const std::vector<std::string> args{"up", "--state-dir", (dir_ / "lab").string(), "--port",
                                      std::to_string(port), "--pg-port",
                                      std::to_string(lab::pick_free_port()), "--redis-port",
                                      std::to_string(lab::pick_free_port()), "--threads", "1",
                                      // The gateway has its own test (test_cli_up_gateway.cpp).
                                      "--gateway", "off"};

  lab::Process first = spawn(args, "up1.log");
  // A failing lookup writes a log line under its request's span.
  std::string failed_trace_id;
  const std::string first_product = up_and_down(*this, first, port, [&] {
    testing::HttpClient client(port);
    ASSERT_EQ(client
                  .request(boost::beast::http::verb::post, "/chaos/configure",
                           R"({"db_failure_rate": 1.0})")
                  .status,
              200);
    failed_trace_id = client.get("/products/2").header("x-trace-id");
  });
  const std::string log = read("up1.log");
  EXPECT_NE(log.find("http://127.0.0.1:" + std::to_string(port)), std::string::npos) << log;

  // The service's log goes to a file in the state directory too, named with the URLs.
  const fs::path service_log = dir_ / "lab" / "sre-lab.log";
  EXPECT_NE(log.find("log        " + service_log.string()), std::string::npos) << log;
  ASSERT_TRUE(fs::exists(service_log));
  std::ifstream lines(service_log);
  int json_lines = 0;
  std::optional<boost::json::object> failure;
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    const boost::json::value value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not a JSON line: " << line;
    ++json_lines;
    const auto& object = value.as_object();
    EXPECT_TRUE(object.contains("dd.trace_id")) << line;
    if (object.at("message") == "database query failed") failure = object;
  }
  EXPECT_GT(json_lines, 0);
  ASSERT_TRUE(failure) << "no line for the failed lookup in " << service_log;
  // 128-bit trace ids are logged whole by default: the same 32 hex digits as X-Trace-Id.
  ASSERT_EQ(failed_trace_id.size(), 32u);
  EXPECT_EQ(failure->at("dd.trace_id").as_string(), failed_trace_id);
  EXPECT_EQ(failure->at("dd.service"), "sre-lab");
  // Also on stdout, as before.
  EXPECT_NE(log.find(R"("message":"database query failed")"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(dir_ / "lab" / "postgres" / "PG_VERSION"));
  for (const auto& entry : fs::directory_iterator(dir_ / "lab"))
    EXPECT_EQ(entry.path().filename().string().find("tmp"), std::string::npos)
        << "half-made state left behind: " << entry.path();

  // A second run reuses the cluster and serves the same seeded rows.
  lab::Process second = spawn(args, "up2.log");
  const std::string second_product = up_and_down(*this, second, port);
  auto strip_source = [](std::string json) { return json.substr(0, json.find(",\"source\"")); };
  EXPECT_EQ(strip_source(first_product), strip_source(second_product));
}

}  // namespace
}  // namespace srelab
