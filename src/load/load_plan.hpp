// What a load run does, finalized: every field already validated (app/load_config builds it from
// the command line; an experiment runner builds it in code). Open loop when `rate` is set:
// requests are due at a constant rate whatever the answers do. Closed loop otherwise:
// `connections` connections each send the next request when the answer arrives.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "load/flag_values.hpp"
#include "load/id_distribution.hpp"
#include "load/path_mix.hpp"

namespace srelab::load {

struct LoadPlan {
  Target target{"127.0.0.1", 8080};
  std::optional<double> rate;  // requests per second (> 0): open loop; nullopt: closed loop
  std::chrono::milliseconds duration{60'000};
  std::size_t connections = 64;       // closed loop: connections, each one request at a time
  std::size_t max_connections = 256;  // open loop: connections opened at most (over all threads)
  std::size_t threads = 2;            // one io_context each
  std::chrono::milliseconds timeout{10'000};  // a request's answer, and its wait for a connection
  IdDistribution ids = *IdDistribution::parse("uniform:1-10000");
  PathMix paths = *PathMix::parse("/products/{id}");
  std::uint64_t seed = 1;

  bool open_loop() const { return rate.has_value(); }
};

}  // namespace srelab::load
