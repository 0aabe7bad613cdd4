#include "lab/prometheus_server.hpp"

#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <system_error>

#include "http/exchange.hpp"
#include "lab/find_program.hpp"
#include "lab/log_tail.hpp"
#include "lab/start_up.hpp"
#include "lab/state_file.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Replaying the write-ahead log of an earlier run takes a few seconds, the first scrape ~5 s more.
constexpr auto kReadyTimeout = 30s;
constexpr auto kShutdownGrace = 10s;

// Every target scraped once: Prometheus hands its targets to the scrapers some 5 s after it is
// ready, and until the first scrape a learner's first query answers nothing.
bool scraped_every_target(const http::HttpAnswer& answer) {
  if (answer.status != 200) return false;
  boost::system::error_code ec;
  const boost::json::value targets = boost::json::parse(answer.body, ec);
  const auto* data = !ec && targets.is_object() ? targets.as_object().if_contains("data") : nullptr;
  const auto* active =
      data && data->is_object() ? data->as_object().if_contains("activeTargets") : nullptr;
  if (!active || !active->is_array() || active->as_array().empty()) return false;
  for (const boost::json::value& target : active->as_array()) {
    const auto* health = target.is_object() ? target.as_object().if_contains("health") : nullptr;
    if (!health || *health != "up") return false;
  }
  return true;
}

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
  bool serving = false;
  const auto scraped_all = [&] {
    if (!serving)
      serving = http::http_exchange("GET", url() + "/-/ready", {}, {}, 500ms).status == 200;
    return serving && scraped_every_target(
                          http::http_exchange("GET", url() + "/api/v1/targets", {}, {}, 500ms));
  };
  switch (await_start_up(process_, kReadyTimeout, 100ms, scraped_all)) {
    case StartUp::ready:
      return {};
    case StartUp::exited:
      return fail(errc::invalid_argument,
                  exited_during_start_up("prometheus", process_, log_file(), log_from));
    case StartUp::timed_out:
      break;
  }
  return fail(errc::timeout,
              "prometheus " +
                  std::string(serving ? "did not scrape the service" : "was not ready") + " on " +
                  url() + " within 30 s: " + log_tail(log_file(), log_from));
}

}  // namespace srelab::lab
