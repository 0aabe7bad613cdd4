#include "app/process_metrics.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace srelab::app {
namespace {

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// utime + stime (fields 14 and 15 of /proc/self/stat), after the parenthesised command name.
double cpu_seconds() {
  std::ifstream stat_file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double user = 0, system = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) user = std::stod(field);
    if (index == 15) {
      system = std::stod(field);
      break;
    }
  }
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

void register_process_metrics(telemetry::Registry& registry) {
  registry
      .gauge(telemetry::metric_info("process.resident_memory", "Resident set size of the service.",
                                    telemetry::Unit::bytes))
      .with_callback({}, resident_bytes);
  registry
      .counter(telemetry::metric_info("process.cpu",
                                      "CPU time used by the service, user and system.",
                                      telemetry::Unit::seconds))
      .with_callback({}, cpu_seconds);
}

}  // namespace srelab::app
