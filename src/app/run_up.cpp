#include <signal.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/commands.hpp"
#include "app/serve_config.hpp"
#include "app/signals.hpp"
#include "console/web_assets.hpp"
#include "lab/catalog_data.hpp"
#include "lab/control_protocol.hpp"
#include "lab/control_server.hpp"
#include "lab/gateway_server.hpp"
#include "lab/ports.hpp"
#include "lab/postgres_server.hpp"
#include "lab/process.hpp"
#include "lab/prometheus_server.hpp"
#include "lab/redis_server.hpp"
#include "lab/supervisor.hpp"

namespace srelab::app {
namespace {

// What a replica's stop may take beyond its drain: the answers at the deadline, the last metrics
// and traces, the threads' end. Only a stuck service reaches it (then SIGKILL).
constexpr std::chrono::seconds kServiceStopMargin{10};

// The lab's Prometheus: scrapes often so the guide's faults show within seconds, and its rates
// look back over a window short enough to follow an experiment of a minute.
constexpr std::chrono::milliseconds kPrometheusScrapeInterval{2000};
constexpr std::string_view kPrometheusRateWindow = "30s";
constexpr std::string_view kGrafanaDashboard = "/assets/grafana/sre-lab.json";

struct UpConfig {
  std::filesystem::path state_dir;
  std::uint16_t pg_port = 55432;
  std::uint16_t redis_port = 56379;
  lab::SeedSettings seed;
  bool own_postgres = true;  // false when DATABASE_URL / --database-url names a server
  bool own_redis = true;
  bool gateway = true;  // --gateway off: the service alone
  std::uint16_t gateway_port = 8080;
  std::chrono::milliseconds gateway_timeout{5000};
  std::filesystem::path gateway_config;  // empty: the generated one
  int replicas = 1;  // service processes; replica k listens on the service port + k - 1
  // The service's JSON log, also on stdout: <state dir>/sre-lab.log unless --log-file names
  // another (or none, with an empty value).
  std::filesystem::path service_log;
  bool default_service_log = true;  // false: the user's --log-file, passed on as they gave it
  // --restart on-failure (the supervisor's policy) or never (limit 0: the first exit ends the lab)
  lab::RestartSettings restart;
  bool prometheus = false;  // --prometheus: a Prometheus scraping the service
  std::uint16_t prometheus_port = 9090;
};

// Decimal seconds with an optional "s" ("1", "1s", "0.5s"): a gateway timeout reads like
// HAProxy's own.
std::chrono::milliseconds gateway_timeout(OptionValues& values) {
  const auto raw = values.raw("gateway-timeout");
  if (!raw) return std::chrono::milliseconds(5000);
  std::string_view text = *raw;
  if (text.size() > 1 && text.back() == 's') text.remove_suffix(1);
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      !(seconds >= 0.1 && seconds <= 600)) {
    values.fail("gateway-timeout", *raw, "seconds in 0.1..600, e.g. 1 or 1s");
    return std::chrono::milliseconds(5000);
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

std::optional<UpConfig> finalize_up_config(OptionValues& values) {
  UpConfig config;
  std::error_code ec;
  config.state_dir = std::filesystem::absolute(values.text("state-dir", ".lab"), ec);
  config.pg_port = static_cast<std::uint16_t>(values.integer("pg-port", 55432, 1, 65535));
  config.redis_port = static_cast<std::uint16_t>(values.integer("redis-port", 56379, 1, 65535));
  config.seed.seed = static_cast<std::uint64_t>(
      values.integer("seed", 42, 0, std::numeric_limits<std::int64_t>::max()));
  config.seed.products = static_cast<int>(values.integer("products", 10'000, 1, 1'000'000));
  config.own_postgres = !values.is_set("database-url");
  config.own_redis = !values.is_set("redis-url");
  const std::string gateway = values.text("gateway", "on");
  if (gateway != "on" && gateway != "off") values.fail("gateway", gateway, "on or off");
  config.gateway = gateway == "on";
  config.gateway_port = static_cast<std::uint16_t>(values.integer("gateway-port", 8080, 1, 65535));
  config.gateway_timeout = gateway_timeout(values);
  config.replicas = static_cast<int>(values.integer("replicas", 1, 1, 16));
  const std::string restart = values.text("restart", "on-failure");
  if (restart != "on-failure" && restart != "never")
    values.fail("restart", restart, "on-failure or never");
  if (restart == "never") config.restart.limit = 0;
  if (config.replicas > 1 && !config.gateway && values.error().empty())
    values.fail_with("--replicas " + std::to_string(config.replicas) +
                     " needs the gateway to spread the load over them: drop --gateway off");
  if (const auto file = values.raw("gateway-config"))
    config.gateway_config = std::filesystem::absolute(*file, ec);
  // A file by default, so a log shipper (the Datadog Agent's conf.d/sre_lab.d) has one path to
  // tail whatever terminal the lab runs in.
  config.default_service_log = !values.is_set("log-file");
  if (config.default_service_log)
    config.service_log = config.state_dir / "sre-lab.log";
  else if (const std::string file = values.text("log-file", ""); !file.empty())
    config.service_log = std::filesystem::absolute(file, ec);
  config.prometheus = values.switch_on("prometheus");
  config.prometheus_port =
      static_cast<std::uint16_t>(values.integer("prometheus-port", 9090, 1, 65535));
  if (!values.error().empty()) return std::nullopt;
  return config;
}

std::uint16_t replica_port(const ServeConfig& serve, int replica) {
  return static_cast<std::uint16_t>(serve.server.port + replica - 1);
}

// The lab's own ports among the replicas' range, which no check of a free port would see before
// everything started: a one-line message, or empty.
std::string port_overlap(const UpConfig& config, const ServeConfig& serve) {
  if (config.replicas == 1) return {};
  const int first = serve.server.port;
  const int last = first + config.replicas - 1;
  if (last > 65535)
    return "--replicas " + std::to_string(config.replicas) + " from --port " +
           std::to_string(first) + " needs ports up to " + std::to_string(last) +
           ": choose a lower --port";
  auto inside = [&](bool used, int port, const char* flag) -> std::string {
    if (!used || port < first || port > last) return {};
    return std::string(flag) + " " + std::to_string(port) + " is one of the replicas' ports " +
           std::to_string(first) + ".." + std::to_string(last) + ": choose another";
  };
  std::string message = inside(config.own_postgres, config.pg_port, "--pg-port");
  if (message.empty()) message = inside(config.own_redis, config.redis_port, "--redis-port");
  if (message.empty())
    message = inside(config.gateway_config.empty(), config.gateway_port, "--gateway-port");
  if (message.empty())
    message = inside(config.prometheus, config.prometheus_port, "--prometheus-port");
  return message;
}

// Replica 1 keeps the file as named; replica k writes next to it, sre-lab.log → sre-lab-2.log.
std::filesystem::path replica_log(const std::filesystem::path& log, int replica) {
  if (replica == 1 || log.empty()) return log;
  std::filesystem::path named = log;
  named.replace_filename(log.stem().string() + "-" + std::to_string(replica) +
                         log.extension().string());
  return named;
}

// The first taken port among those `up` is about to listen on, as a one-line message.
std::string taken_port(const UpConfig& config, const ServeConfig& serve) {
  auto check = [](const std::string& host, std::uint16_t port, const char* what,
                  const char* flag) -> std::string {
    if (lab::port_is_free(host, port)) return {};
    return "port " + std::to_string(port) + " (" + what + ") is already in use on " + host +
           ": stop what holds it or choose another with " + flag;
  };
  std::string message;
  for (int k = 1; k <= config.replicas && message.empty(); ++k) {
    const std::string what = config.replicas == 1 ? "service" : "replica " + std::to_string(k);
    message = check(serve.server.host, replica_port(serve, k), what.c_str(), "--port");
  }
  if (message.empty() && config.own_postgres)
    message = check("127.0.0.1", config.pg_port, "Postgres", "--pg-port");
  if (message.empty() && config.own_redis)
    message = check("127.0.0.1", config.redis_port, "Redis", "--redis-port");
  // A configuration of the user's may listen elsewhere: HAProxy itself names a taken port then.
  if (message.empty() && config.gateway && config.gateway_config.empty())
    message = check("127.0.0.1", config.gateway_port, "gateway", "--gateway-port");
  if (message.empty() && config.prometheus)
    message = check("127.0.0.1", config.prometheus_port, "Prometheus", "--prometheus-port");
  return message;
}

// The address to reach a server listening on `host` from this machine.
std::string local_address(const std::string& host) {
  return host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
}

bool accepts_connections(const std::string& host, std::uint16_t port) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::socket socket(context);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(local_address(host), ec);
  if (ec) return false;
  socket.connect({address, port}, ec);
  return !ec;
}

class Lab {
 public:
  explicit Lab(const UpConfig& config) : config_(config) {}

  // Each step prints what went wrong and returns false; the destructor stops what was started.
  bool start_servers(ServeConfig& serve) {
    std::filesystem::create_directories(config_.state_dir);
    if (config_.own_postgres) {
      lab::PostgresServerSettings settings;
      settings.data_dir = config_.state_dir / "postgres";
      settings.port = config_.pg_port;
      settings.max_connections =
          lab::lab_max_connections(config_.replicas, static_cast<int>(serve.pool.size));
      postgres_.emplace(settings);
      std::fprintf(stderr, "sre-lab up: starting Postgres on 127.0.0.1:%u\n", config_.pg_port);
      if (!postgres_->start()) return fail("Postgres: " + postgres_->last_error());
      serve.pool.connection.conninfo = postgres_->url();
    }
    if (config_.own_redis) {
      lab::RedisServerSettings settings;
      settings.dir = config_.state_dir / "redis";
      settings.port = config_.redis_port;
      redis_.emplace(settings);
      std::fprintf(stderr, "sre-lab up: starting Redis on 127.0.0.1:%u\n", config_.redis_port);
      if (!redis_->start()) return fail("Redis: " + redis_->last_error());
    }
    std::string error;
    if (!lab::prepare_catalog(serve.pool.connection.conninfo, config_.seed, error))
      return fail("seeding the catalog: " + error);
    return true;
  }

  // The channel through which the services ask for dependency faults: opened before they
  // start, as they are told its path.
  bool open_control() {
    std::string error;
    control_ = lab::ControlServer::open(config_.state_dir / "control.sock", error);
    return control_ ? true : fail(error);
  }

  // Every replica is started, then waited for: they initialise side by side.
  bool start_services(const std::string& self, const std::vector<std::string>& args,
                      const ServeConfig& serve) {
    for (int k = 1; k <= config_.replicas; ++k) {
      std::string error;
      service_spawns_.push_back(service_options(self, args, serve, k));
      auto spawned = lab::Process::spawn(service_spawns_.back(), error);
      if (!spawned) return fail("cannot start " + service_name(k) + ": " + error);
      services_.push_back(std::move(*spawned));
    }
    for (int k = 1; k <= config_.replicas; ++k) {
      if (!wait_until_listening(serve, k)) return false;
    }
    return true;
  }

  // `serve` with the flags given to `up` and what the lab decides: its stores, its log, and
  // for one of several replicas, which one it is and its port.
  lab::SpawnOptions service_options(const std::string& self, const std::vector<std::string>& args,
                                    const ServeConfig& serve, int replica) const {
    std::vector<std::string> argv{self, "serve"};
    lab::SpawnOptions options;
    const bool several = config_.replicas > 1;
    for (const std::string& arg : args) {
      // A secret goes through the environment, not argv, where every user's `ps` would show it.
      if (arg.rfind("--admin-token=", 0) == 0)
        options.extra_env.push_back("SRE_LAB_ADMIN_TOKEN=" + arg.substr(14));
      else if (arg.starts_with("--control-socket="))
        continue;  // up's own channel is the one its services use
      else if (!several || !replaced_for_replicas(arg))
        argv.push_back(arg);
    }
    if (config_.own_postgres) argv.push_back("--database-url=" + postgres_->url());
    if (config_.own_redis) argv.push_back("--redis-url=" + redis_->url());
    // The gateway's log is read once, by replica 1: its gateway.* metrics are the gateway's,
    // not to be counted once per replica.
    if (config_.gateway && replica == 1) argv.push_back("--gateway-log=" + gateway_log().string());
    if (config_.default_service_log || several) {
      const auto log = replica_log(config_.service_log, replica);
      argv.push_back("--log-file=" + log.string());
    }
    if (several) {
      argv.push_back("--port=" + std::to_string(replica_port(serve, replica)));
      argv.push_back("--replica=" + std::to_string(replica));
    }
    // Experiments started from the console send their load where users' traffic goes. (A
    // configuration of the user's may listen elsewhere: its load then goes to the service.)
    if (config_.gateway && config_.gateway_config.empty())
      argv.push_back("--gateway-url=http://127.0.0.1:" + std::to_string(config_.gateway_port));
    if (control_) argv.push_back("--control-socket=" + control_->path().string());
    options.argv = std::move(argv);
    return options;
  }

  // The flags `up` sets per replica itself.
  static bool replaced_for_replicas(const std::string& arg) {
    return arg.starts_with("--port=") || arg.starts_with("--log-file=") ||
           arg.starts_with("--replica=");
  }

  std::string service_name(int replica) const {
    return config_.replicas == 1 ? "the service" : "replica " + std::to_string(replica);
  }

  bool wait_until_listening(const ServeConfig& serve, int replica) {
    lab::Process& service = services_[static_cast<std::size_t>(replica - 1)];
    for (int i = 0; i < 300; ++i) {  // up to 30 s
      if (!service.running()) return fail(service_name(replica) + " exited during start-up");
      if (accepts_connections(serve.server.host, replica_port(serve, replica))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return fail(service_name(replica) + " did not start listening within 30 s");
  }

  // After the service: HAProxy's first health check then finds it ready.
  bool start_gateway(const ServeConfig& serve) {
    if (!config_.gateway) return true;
    lab::GatewayServerSettings settings;
    settings.dir = config_.state_dir;
    settings.config.listen_port = config_.gateway_port;
    settings.config.service_host = local_address(serve.server.host);
    settings.config.service_port = serve.server.port;
    settings.config.replicas = static_cast<std::size_t>(config_.replicas);
    settings.config.server_timeout = config_.gateway_timeout;
    settings.user_config = config_.gateway_config;
    gateway_.emplace(settings);
    std::fprintf(stderr, "sre-lab up: starting the gateway (HAProxy) on %s\n",
                 gateway_->url().c_str());
    if (!gateway_->start()) return fail("gateway: " + gateway_->last_error());
    return true;
  }

  // Last: its first scrape finds every target up.
  bool start_prometheus(const ServeConfig& serve) {
    if (!config_.prometheus) return true;
    lab::PrometheusServerSettings settings;
    settings.dir = config_.state_dir / "prometheus";
    settings.port = config_.prometheus_port;
    settings.config.scrape_interval = kPrometheusScrapeInterval;
    const std::string host = local_address(serve.server.host);
    const bool ipv6 = host.find(':') != std::string::npos;
    for (int k = 1; k <= config_.replicas; ++k)
      settings.config.service_targets.push_back((ipv6 ? "[" + host + "]" : host) + ":" +
                                                std::to_string(replica_port(serve, k)));
    const console::WebAsset* dashboard = console::find_web_asset(kGrafanaDashboard);
    std::string error = dashboard ? "" : "the binary holds no Grafana dashboard";
    const auto rules =
        dashboard ? lab::dashboard_recording_rules(dashboard->body, kPrometheusRateWindow, error)
                  : std::vector<lab::RecordingRule>{};
    if (rules.empty()) return fail("Prometheus: " + error);
    settings.rules = lab::render_recording_rules(rules, kPrometheusScrapeInterval);
    prometheus_.emplace(settings);
    std::fprintf(stderr, "sre-lab up: starting Prometheus on %s\n", prometheus_->url().c_str());
    if (!prometheus_->start()) return fail("Prometheus: " + prometheus_->last_error());
    return true;
  }

  void print_urls(const ServeConfig& serve) const {
    const std::string base =
        "http://" + serve.server.host + ":" + std::to_string(serve.server.port);
    std::printf("sre-lab is up\n");
    // Where a user's traffic goes comes first.
    if (gateway_)
      std::printf("  gateway    %s/products/1   (HAProxy, pid %d; access log %s)\n",
                  gateway_->url().c_str(), gateway_->pid(), gateway_->log_file().c_str());
    if (config_.replicas == 1)
      std::printf("  %s%s/products/1\n", gateway_ ? "service    " : "API        ", base.c_str());
    else
      print_replicas(serve);
    std::printf("  health     %s/healthz   readiness %s/readyz\n", base.c_str(), base.c_str());
    std::printf("  metrics    %s/metrics   (Prometheus text format)\n", base.c_str());
    if (serve.console.enabled)
      std::printf("  console    %s/console   (dashboard, traces, logs, chaos, experiments)\n",
                  base.c_str());
    std::printf("  API docs   %s/docs\n", base.c_str());
    if (!config_.service_log.empty())
      std::printf("  log        %s   (JSON lines, also on stdout)\n", config_.service_log.c_str());
    print_datadog(serve);
    if (prometheus_)
      std::printf("  Prometheus %s/graph   (pid %d; scrapes /metrics every 2 s; rules in %s)\n",
                  prometheus_->url().c_str(), prometheus_->pid(),
                  prometheus_->rules_file().c_str());
    if (postgres_)
      std::printf("  Postgres   %s  (pid %d, log %s)\n", postgres_->url().c_str(), postgres_->pid(),
                  (config_.state_dir / "postgres.log").c_str());
    else
      std::printf("  Postgres   %s (external)\n", serve.pool.connection.conninfo.c_str());
    if (redis_)
      std::printf("  Redis      %s  (pid %d)\n", redis_->url().c_str(), redis_->pid());
    else
      std::printf("  Redis      %s:%u (external)\n", serve.redis.host.c_str(), serve.redis.port);
    std::printf("  state      %s\n", config_.state_dir.c_str());
    std::printf("Ctrl-C (or SIGTERM) stops everything.\n");
    std::fflush(stdout);
  }

  // Each replica's own URL (chaos and resilience settings act on the replica that gets them),
  // pid and log; the lines below (health, metrics, console) are replica 1's.
  void print_replicas(const ServeConfig& serve) const {
    for (int k = 1; k <= config_.replicas; ++k) {
      const std::string name = "replica " + std::to_string(k);
      const auto log = replica_log(config_.service_log, k);
      std::printf("  %-10s http://%s:%u/products/1   (pid %d%s%s)\n", name.c_str(),
                  serve.server.host.c_str(), replica_port(serve, k),
                  services_[static_cast<std::size_t>(k - 1)].pid(), log.empty() ? "" : ", log ",
                  log.c_str());
    }
  }

  // Where the service sends to a Datadog Agent, by default as the official tracers do; no Agent
  // there costs one warning in the service's log, nothing else.
  static void print_datadog(const ServeConfig& serve) {
    const bool traces = serve.tracing.enabled && serve.tracing.send;
    const std::string metrics = serve.dogstatsd.enabled ? serve.dogstatsd.describe() : "off";
    std::printf("  Datadog    traces %s, DogStatsD %s\n",
                traces ? serve.tracing.agent_url.c_str() : "off", metrics.c_str());
  }

  // Everything started is handed to the supervisor, which restarts what exits unexpectedly.
  void supervise_children() {
    supervisor_.emplace(config_.restart, [this](const lab::SupervisorEvent& event) {
      std::fprintf(stderr, "sre-lab up: %s\n", event.message.c_str());
      if (control_) control_->broadcast(lab::event_line(event));
    });
    const auto now = clock_.now();
    if (postgres_)
      supervisor_->add({"postgres", "Postgres", true, server_hooks(*postgres_)}, now);
    else
      supervisor_->add_external("postgres",
                                external_note("postgres", "--database-url / DATABASE_URL"));
    if (redis_)
      supervisor_->add({"redis", "Redis", true, server_hooks(*redis_)}, now);
    else
      supervisor_->add_external("redis", external_note("redis", "--redis-url / REDIS_URL"));
    if (gateway_) supervisor_->add({"gateway", "the gateway", false, server_hooks(*gateway_)}, now);
    if (prometheus_)
      supervisor_->add({"prometheus", "Prometheus", false, server_hooks(*prometheus_)}, now);
    for (int k = 1; k <= config_.replicas; ++k)
      supervisor_->add({config_.replicas == 1 ? "service" : "replica-" + std::to_string(k),
                        service_name(k), false, replica_hooks(k)},
                       now);
  }

  // Until a stop signal (0) or a restart limit reached (1): `--restart never` makes the first
  // unexpected exit that limit.
  int supervise() {
    const auto answer = [this](std::string_view line, bool& watch) {
      return answer_control(line, watch);
    };
    for (;;) {
      // The channel's wait is the loop's pace: an exit is noticed within 100 ms.
      if (control_) control_->poll(std::chrono::milliseconds(100), answer);
      const auto signal = wait_for_signal(true, std::chrono::milliseconds(control_ ? 0 : 100));
      if (signal && (*signal == SIGINT || *signal == SIGTERM)) {
        std::fprintf(stderr, "\nsre-lab up: %s received, stopping\n",
                     *signal == SIGINT ? "SIGINT" : "SIGTERM");
        return 0;
      }
      if (!supervisor_->tick(clock_.now())) return fail("stopping the lab"), 1;
    }
  }

  // One request line of a service, answered on this thread (the supervisor's only one).
  std::string answer_control(std::string_view line, bool& watch) {
    std::string error;
    const auto request = lab::parse_control_request(line, error);
    if (!request) return lab::error_answer_line(400, error);
    const auto now = clock_.now();
    switch (request->op) {
      case lab::ControlRequest::Op::act: {
        std::optional<Clock::duration> revert_after;
        if (request->duration_s)
          revert_after = std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double>(*request->duration_s));
        return lab::act_answer_line(supervisor_->act(request->orders, revert_after, now));
      }
      case lab::ControlRequest::Op::status:
        return lab::status_answer_line(supervisor_->view(now));
      case lab::ControlRequest::Op::watch:
        watch = true;
        return lab::watch_answer_line();
    }
    return lab::error_answer_line(400, "unknown op");
  }

  // Reverse order of start: Prometheus, the gateway, then the replicas, so they never see their
  // stores vanish under load. A replica gets its drain timeout and a margin for the rest of its
  // stop before it is killed: killed mid-drain, its clients would see resets instead of answers.
  void stop(const ServeConfig& serve) {
    if (supervisor_) supervisor_->resume_paused();
    const auto grace = serve.drain_timeout + kServiceStopMargin;
    if (prometheus_) prometheus_->stop();
    if (gateway_) gateway_->stop();
    // Several replicas are all told first, so they stop in the time of one.
    if (services_.size() > 1)
      for (lab::Process& service : services_)
        if (service.pid() > 0 && service.running()) ::kill(service.pid(), SIGTERM);
    for (lab::Process& service : services_)
      if (service.pid() > 0 && service.running()) service.stop(SIGTERM, grace);
    if (redis_) redis_->stop();
    if (postgres_) postgres_->stop();
    control_.reset();  // removes the socket file
    std::fprintf(stderr, "sre-lab up: stopped\n");
  }

 private:
  bool fail(const std::string& message) const {
    std::fprintf(stderr, "sre-lab up: %s\n", message.c_str());
    return false;
  }

  std::filesystem::path gateway_log() const { return config_.state_dir / "gateway.log"; }

  static std::string external_note(const char* name, const char* flag) {
    return std::string(name) + " is an external server (" + flag +
           "): sre-lab up did not start it and cannot act on it";
  }

  // A lab server (PostgresServer, RedisServer, GatewayServer) as the supervisor drives it.
  template <class Server>
  static lab::ChildHooks server_hooks(Server& server) {
    lab::ChildHooks hooks;
    hooks.start = [&server](std::string& error) {
      if (server.start()) return true;
      error = server.last_error();
      return false;
    };
    hooks.stop = [&server] { server.stop(); };
    hooks.running = [&server] { return server.running(); };
    hooks.pid = [&server] { return server.pid(); };
    hooks.exit_status = [&server] { return server.exit_status(); };
    hooks.signal = [&server](int signal, bool whole) { signal_child(server.pid(), signal, whole); };
    hooks.wait_exit = [&server](std::chrono::milliseconds timeout) {
      return wait_until_exited([&server] { return server.running(); }, timeout);
    };
    return hooks;
  }

  // Replica k, started again with the argv it had.
  lab::ChildHooks replica_hooks(int replica) {
    const auto index = static_cast<std::size_t>(replica - 1);
    lab::ChildHooks hooks;
    hooks.start = [this, index](std::string& error) {
      auto spawned = lab::Process::spawn(service_spawns_[index], error);
      if (spawned) services_[index] = std::move(*spawned);
      return spawned.has_value();
    };
    hooks.stop = [this, index] { services_[index].stop(SIGTERM); };
    hooks.running = [this, index] { return services_[index].running(); };
    hooks.pid = [this, index] { return services_[index].pid(); };
    hooks.exit_status = [this, index] { return services_[index].exit_status(); };
    hooks.signal = [this, index](int signal, bool whole) {
      signal_child(services_[index].pid(), signal, whole);
    };
    hooks.wait_exit = [this, index](std::chrono::milliseconds timeout) {
      return services_[index].wait(timeout).has_value();
    };
    return hooks;
  }

  static void signal_child(pid_t pid, int signal, bool whole_server) {
    if (whole_server)
      lab::signal_tree(pid, signal);
    else if (pid > 1)
      ::kill(pid, signal);
  }

  static bool wait_until_exited(const std::function<bool()>& running,
                                std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  const UpConfig& config_;
  std::optional<lab::GatewayServer> gateway_;
  std::optional<lab::PrometheusServer> prometheus_;
  std::optional<lab::PostgresServer> postgres_;
  std::optional<lab::RedisServer> redis_;
  std::vector<lab::Process> services_;             // replica k at k - 1
  std::vector<lab::SpawnOptions> service_spawns_;  // how each was started, to start it again
  std::unique_ptr<lab::ControlServer> control_;
  SteadyClock clock_;
  std::optional<lab::Supervisor> supervisor_;  // once everything has started
};

}  // namespace

int run_up(OptionValues& values, const std::vector<std::string>& forwarded,
           const std::string& self) {
  auto up = finalize_up_config(values);
  auto serve = finalize_serve_config(values);
  if (serve && serve->server.port == 0) values.fail("port", "0", "a fixed port in 1..65535 for up");
  if (!up || !serve || !values.error().empty()) {
    std::fprintf(stderr, "sre-lab up: %s\n", values.error().c_str());
    return 2;
  }
  std::string taken = port_overlap(*up, *serve);
  if (taken.empty()) taken = taken_port(*up, *serve);
  if (!taken.empty()) {
    std::fprintf(stderr, "sre-lab up: %s\n", taken.c_str());
    return 2;
  }
  if (up->prometheus && lab::find_prometheus().empty()) {
    std::fprintf(stderr,
                 "sre-lab up: --prometheus: prometheus is not installed (apt-get install "
                 "prometheus; ./lab up does it)\n");
    return 2;
  }
  block_signals(true);
  Lab lab(*up);
  int status = 1;
  if (lab.start_servers(*serve) && lab.open_control() &&
      lab.start_services(self, forwarded, *serve) && lab.start_gateway(*serve) &&
      lab.start_prometheus(*serve)) {
    lab.print_urls(*serve);
    lab.supervise_children();
    status = lab.supervise();
  }
  lab.stop(*serve);
  return status;
}

}  // namespace srelab::app
