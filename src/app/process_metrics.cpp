#include "app/process_metrics.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
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

// The cores this process may run on (its affinity mask, which a container's cpuset narrows).
double available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
}

// CPU time over wall time over cores, across the last second or so. Every reader (the console's
// sampler, a Prometheus scrape, DogStatsD) gets the same figure: the window moves on once it is
// a second old, not on each read, so readers do not shorten each other's windows.
class CpuUtilization {
 public:
  CpuUtilization() : cores_(available_cores()), mark_{now(), cpu_seconds()} {}

  double read() {
    std::lock_guard lock(mutex_);
    const Sample current{now(), cpu_seconds()};
    const double wall = current.wall - mark_.wall;
    if (wall >= 1.0) {
      latest_ = std::clamp((current.cpu - mark_.cpu) / wall / cores_, 0.0, 1.0);
      mark_ = current;
    }
    return latest_;
  }

 private:
  struct Sample {
    double wall;  // seconds on the steady clock
    double cpu;   // seconds of CPU time
  };
  static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  std::mutex mutex_;
  const double cores_;
  Sample mark_;
  double latest_ = 0;
};

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
  // The guide's "Service CPU": a share of the machine, so 1 core busy on a 2-core machine is 0.5.
  auto utilization = std::make_shared<CpuUtilization>();
  registry
      .gauge(telemetry::metric_info(
          "process.cpu.utilization",
          "CPU used by the service over the last second, as a share of the cores it may use.",
          telemetry::Unit::ratio))
      .with_callback({}, [utilization] { return utilization->read(); });
  registry
      .gauge(telemetry::metric_info("process.cpu.available_cores",
                                    "Cores the service may run on (its CPU affinity)."))
      .with_callback({}, available_cores);
}

}  // namespace srelab::app
