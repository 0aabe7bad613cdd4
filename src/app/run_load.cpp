// `sre-lab load`: finalize the plan, pick the target, run the generator with Ctrl-C as its stop,
// print a status line a second and the summary, write --json / --csv.
#include "load/run_load.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <stop_token>
#include <thread>

#include "app/commands.hpp"
#include "app/load_config.hpp"
#include "app/signals.hpp"
#include "load/report_files.hpp"
#include "load/report_text.hpp"

namespace srelab::app {
namespace {

// Whether something accepts connections on 127.0.0.1:port right now.
bool listening(std::uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address_v4("127.0.0.1"), port}, ec);
  return !ec;
}

// No --target: the gateway's port when something listens there, else the service's default.
void pick_default_target(load::LoadPlan& plan) {
  if (listening(plan.target.port)) return;
  const OptionSpec* port = find_option(serve_options(), "port");
  std::uint16_t service_port = 8000;
  std::from_chars(port->default_text.data(), port->default_text.data() + port->default_text.size(),
                  service_port);
  std::fprintf(stderr, "sre-lab load: nothing listens on %s, using the service's port %u\n",
               plan.target.text().c_str(), service_port);
  plan.target.port = service_port;
}

bool write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (out) return true;
  std::fprintf(stderr, "sre-lab load: cannot write %s\n", path.c_str());
  return false;
}

}  // namespace

int run_load(OptionValues& values) {
  auto config = finalize_load_config(values);
  if (!config) {
    std::fprintf(stderr, "sre-lab load: %s\n", values.error().c_str());
    return 2;
  }
  load::LoadPlan& plan = config->plan;
  if (!config->target_given) pick_default_target(plan);
  const bool lines = !config->quiet && (config->progress || ::isatty(STDERR_FILENO) == 1);
  const double total_s = std::chrono::duration<double>(plan.duration).count();

  StopOnSignal stop;
  const load::LoadReport report = load::run_load(
      plan, stop.token(), [&](const load::SecondPoint& point, const telemetry::HistogramSnapshot&) {
        if (!lines) return;
        std::fprintf(stderr, "%s\n", load::status_line(point, total_s).c_str());
        std::fflush(stderr);
      });
  if (!report.error.empty() && report.seconds.empty()) {
    std::fprintf(stderr, "sre-lab load: %s\n", report.error.c_str());
    return 1;
  }
  std::fputs(load::summary_table(report).c_str(), stdout);
  std::fflush(stdout);
  bool written = true;
  if (!config->json_file.empty())
    written = write_file(config->json_file, load::report_json(report)) && written;
  if (!config->csv_file.empty())
    written = write_file(config->csv_file, load::report_csv(report)) && written;
  if (!report.error.empty()) std::fprintf(stderr, "sre-lab load: %s\n", report.error.c_str());
  return written && report.error.empty() ? 0 : 1;
}

}  // namespace srelab::app
