#include "lab/gateway_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <system_error>

#include "lab/find_program.hpp"
#include "lab/log_tail.hpp"
#include "lab/ports.hpp"
#include "lab/start_up.hpp"
#include "lab/state_file.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 10s;
constexpr auto kShutdownGrace = 7s;  // past the configuration's hard-stop-after

}  // namespace

GatewayServer::GatewayServer(GatewayServerSettings settings) : settings_(std::move(settings)) {
  std::error_code ec;
  settings_.dir = fs::absolute(settings_.dir, ec).lexically_normal();
  if (!settings_.user_config.empty())
    settings_.user_config = fs::absolute(settings_.user_config, ec).lexically_normal();
}

GatewayServer::~GatewayServer() {
  stop();
}

std::string GatewayServer::url() const {
  const std::string& host = settings_.config.listen_host;
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(settings_.config.listen_port);
}

fs::path GatewayServer::config_file() const {
  return settings_.user_config.empty() ? settings_.dir / "gateway.cfg" : settings_.user_config;
}

bool GatewayServer::running() {
  return process_.running();
}

void GatewayServer::stop() {
  // SIGUSR1 is HAProxy's soft stop: it stops listening, lets open requests finish (within
  // hard-stop-after) and logs them; SIGTERM would cut them, and their log lines with them.
  process_.stop(SIGUSR1, kShutdownGrace);
}

result<void> GatewayServer::fail(errc code, std::string message) {
  last_error_ = std::move(message);
  return code;
}

result<void> GatewayServer::start() {
  last_error_.clear();
  if (process_.running()) return {};
  if (settings_.user_config.empty()) {
    if (auto written = write_config(); !written) return written;
  } else if (std::error_code ec; !fs::is_regular_file(settings_.user_config, ec)) {
    return fail(errc::invalid_argument,
                "gateway: no configuration file at " + settings_.user_config.string());
  }
  // Debian installs it in /usr/sbin, which a non-root PATH often lacks.
  const fs::path binary = settings_.binary.empty()
                              ? find_program("haproxy", "/usr/sbin:/usr/local/sbin")
                              : settings_.binary;
  if (binary.empty()) {
    return fail(errc::invalid_argument,
                "gateway: haproxy is not installed (apt-get install haproxy; ./lab up does it), "
                "or run without it: --gateway off");
  }
  SpawnOptions options;
  options.argv = {binary.string(), "-db", "-f", config_file().string()};
  options.log_file = log_file();
  options.working_dir = settings_.dir;
  options.parent_death_signal = SIGTERM;
  const auto log_from = log_size(log_file());
  std::string error;
  auto child = Process::spawn(options, error);
  if (!child) return fail(errc::invalid_argument, "gateway: " + error);
  process_ = std::move(*child);
  if (auto ready = wait_until_listening(log_from); !ready) {
    process_.stop(SIGKILL, 0ms);
    return ready;
  }
  return {};
}

result<void> GatewayServer::write_config() {
  std::string error;
  if (!write_state_file(config_file(), gateway::render_gateway_config(settings_.config), error))
    return fail(errc::invalid_argument, "gateway: " + error);
  return {};
}

// A user's configuration may listen anywhere: it is ready when our port is bound, and with
// a file of the user's that binds elsewhere, once HAProxy has stayed up for the whole wait.
result<void> GatewayServer::wait_until_listening(std::uintmax_t log_from) {
  const auto& config = settings_.config;
  const bool users_file = !settings_.user_config.empty();
  switch (await_start_up(process_, users_file ? std::chrono::milliseconds(1s) : kReadyTimeout, 20ms,
                         [&] { return !port_is_free(config.listen_host, config.listen_port); })) {
    case StartUp::ready:
      return {};
    case StartUp::exited:
      return fail(errc::invalid_argument,
                  exited_during_start_up("haproxy", process_, log_file(), log_from));
    case StartUp::timed_out:
      break;
  }
  if (users_file) return {};
  return fail(errc::timeout, "haproxy did not listen on " + url() +
                                 " within 10 s: " + log_tail(log_file(), log_from));
}

}  // namespace srelab::lab
