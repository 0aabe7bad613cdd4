#include "lab/prometheus_server.hpp"

#include <signal.h>

#include <chrono>
#include <system_error>
#include <thread>

#include "lab/find_program.hpp"
#include "lab/http_status.hpp"
#include "lab/log_tail.hpp"
#include "lab/state_file.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Replaying a TSDB's write-ahead log left by an earlier run takes a few seconds on this machine.
constexpr auto kReadyTimeout = 30s;
constexpr auto kShutdownGrace = 10s;

}  // namespace

fs::path find_prometheus() {
  return find_program("prometheus");
}

PrometheusServer::PrometheusServer(PrometheusServerSettings settings)
    : settings_(std::move(settings)) {
  std::error_code ec;
  settings_.dir = fs::absolute(settings_.dir, ec).lexically_normal();
  settings_.config.rules_file = rules_file();
}

PrometheusServer::~PrometheusServer() {
  stop();
}

std::string PrometheusServer::url() const {
  return "http://127.0.0.1:" + std::to_string(settings_.port);
}

bool PrometheusServer::running() {
  return process_.running();
}

void PrometheusServer::stop() {
  // SIGTERM is its clean shutdown: the head block is written out, the next start replays less.
  process_.stop(SIGTERM, kShutdownGrace);
}

result<void> PrometheusServer::fail(errc code, std::string message) {
  last_error_ = std::move(message);
  return code;
}

result<void> PrometheusServer::start() {
  last_error_.clear();
  if (process_.running()) return {};
  const fs::path binary = find_prometheus();
  if (binary.empty())
    return fail(errc::invalid_argument,
                "prometheus is not installed (apt-get install prometheus; ./lab up does it)");
  if (auto written = write_files(); !written) return written;
  SpawnOptions options;
  // clang-format off
  options.argv = {binary.string(),
                  "--config.file=" + config_file().string(),
                  "--storage.tsdb.path=" + (settings_.dir / "data").string(),
                  "--storage.tsdb.retention.time=" + settings_.retention,
                  "--web.listen-address=127.0.0.1:" + std::to_string(settings_.port),
                  "--web.page-title=sre-lab Prometheus"};
  // clang-format on
  options.log_file = log_file();
  options.working_dir = settings_.dir;
  options.parent_death_signal = SIGTERM;
  const auto log_from = log_size(log_file());
  std::string error;
  auto child = Process::spawn(options, error);
  if (!child) return fail(errc::invalid_argument, "prometheus: " + error);
  process_ = std::move(*child);
  if (auto ready = wait_until_ready(log_from); !ready) {
    process_.stop(SIGKILL, 0ms);
    return ready;
  }
  return {};
}

result<void> PrometheusServer::write_files() {
  std::string error;
  if (!write_state_file(rules_file(), settings_.rules, error) ||
      !write_state_file(config_file(), render_prometheus_config(settings_.config), error))
    return fail(errc::invalid_argument, "prometheus: " + error);
  return {};
}

result<void> PrometheusServer::wait_until_ready(std::uintmax_t log_from) {
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  for (;;) {
    if (!process_.running()) {
      return fail(errc::invalid_argument, "prometheus exited during start-up (status " +
                                              std::to_string(process_.exit_status().value_or(-1)) +
                                              "): " + log_tail(log_file(), log_from));
    }
    if (http_status("127.0.0.1", settings_.port, "/-/ready", 500ms) == 200) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(errc::timeout, "prometheus was not ready on " + url() +
                                     " within 30 s: " + log_tail(log_file(), log_from));
    }
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace srelab::lab
