#include <signal.h>

#include <cstdio>

#include "app/commands.hpp"
#include "app/service.hpp"
#include "app/signals.hpp"

namespace srelab::app {

int run_serve(OptionValues& values, const std::string& self) {
  auto config = finalize_serve_config(values);
  if (!config) {
    std::fprintf(stderr, "sre-lab serve: %s\n", values.error().c_str());
    return 2;
  }
  config->experiment_executable = self;  // the console's Run buttons start this binary
  block_signals(false);
  Service service(std::move(*config));
  if (auto started = service.start(); !started) {
    if (!service.setup_error().empty()) {
      std::fprintf(stderr, "sre-lab serve: %s\n", service.setup_error().c_str());
      return 2;
    }
    std::fprintf(stderr, "sre-lab serve: cannot listen on %s:%u: %s\n",
                 service.config().server.host.c_str(), service.config().server.port,
                 started.error().message().c_str());
    return 2;
  }
  std::fprintf(stderr, "sre-lab serve: listening on http://%s:%u (%zu threads, db pool %zu)\n",
               service.config().server.host.c_str(), service.port(), service.config().threads,
               service.config().pool.size);
  for (;;) {
    if (auto signal = wait_for_signal(false, std::chrono::hours(1))) {
      std::fprintf(stderr, "sre-lab serve: %s received, stopping\n",
                   *signal == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
  }
  service.stop();
  return 0;
}

}  // namespace srelab::app
