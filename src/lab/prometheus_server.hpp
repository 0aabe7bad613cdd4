// The lab's Prometheus (`up --prometheus`): Debian's /usr/bin/prometheus on loopback, scraping
// the service (lab/prometheus_config writes what and how often) and evaluating the dashboard's
// recording rules, its TSDB in <dir>/data with a short retention, its log in
// <dir>/prometheus.log. Started after the service, stopped before it, by its pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/errc.hpp"
#include "lab/process.hpp"
#include "lab/prometheus_config.hpp"

namespace srelab::lab {

struct PrometheusServerSettings {
  std::filesystem::path dir;  // e.g. .lab/prometheus
  std::uint16_t port = 9090;
  PrometheusConfigSettings config;  // its rules_file is <dir>/rules.yml
  std::string rules;                // render_recording_rules' text
  // The lab is a morning's experiments: older samples only fill the disk.
  std::string retention = "6h";
};
// It runs as whoever we are (root included, as Redis does): it binds loopback only and writes
// only under <dir>.

// The prometheus executable along PATH; empty when it is not installed.
std::filesystem::path find_prometheus();

class PrometheusServer {
 public:
  explicit PrometheusServer(PrometheusServerSettings settings);
  ~PrometheusServer();

  // Writes prometheus.yml and rules.yml, starts Prometheus and waits until /-/ready answers 200
  // and every target has been scraped once (up to 30 s).
  // Errors carry a one-line explanation in last_error().
  result<void> start();
  void stop();
  bool running();

  std::string url() const;  // http://127.0.0.1:port
  std::filesystem::path config_file() const { return settings_.dir / "prometheus.yml"; }
  std::filesystem::path rules_file() const { return settings_.dir / "rules.yml"; }
  std::filesystem::path log_file() const { return settings_.dir / "prometheus.log"; }
  pid_t pid() const { return process_.pid(); }
  std::optional<int> exit_status() const { return process_.exit_status(); }
  const std::string& last_error() const { return last_error_; }

 private:
  result<void> write_files();
  result<void> wait_until_ready(std::uintmax_t log_from);
  result<void> fail(errc code, std::string message);

  PrometheusServerSettings settings_;
  Process process_;
  std::string last_error_;
};

}  // namespace srelab::lab
