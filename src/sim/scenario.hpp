// A simulation's input, finalized: the topology (replicas, pools, the gateway, Postgres), the
// traffic over time, the faults over time and the calibration. scenario_file.cpp reads it from
// a scenario file (YAML), the experiment target builds it in code; the Simulation runs it.
// Faults carry the same JSON bodies as the service's admin endpoints, merged when they fire by
// the service's own parsers (merge_chaos_settings, merge_resilience_settings), so a scenario
// breaks the twin exactly as an experiment breaks the lab.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "load/id_distribution.hpp"
#include "resilience/resilience_settings.hpp"
#include "sim/calibration.hpp"

namespace srelab::sim {

struct GatewayModel {
  bool enabled = true;  // false: clients talk to the one replica directly
  std::chrono::milliseconds server_timeout{5000};  // no answer from the replica by then: 504
  std::chrono::milliseconds queue_timeout{5000};   // waited for a replica connection: 503
  std::size_t server_connections = 500;  // per replica at once (HAProxy `maxconn`); the rest queue
  // GET /readyz on each replica every check_interval (a pooled SELECT 1 and a Redis PING; no
  // answer within the interval fails too): `check_fall` failures in a row take the replica out
  // of rotation, `check_rise` successes bring it back; with none left the gateway answers 503.
  bool health_checks = true;
  std::chrono::milliseconds check_interval{2000};
  std::size_t check_fall = 3;
  std::size_t check_rise = 2;
};

struct ReplicaModel {
  std::size_t pool_size = 5;
  std::chrono::seconds cache_ttl{60};  // 0: no caching (every lookup a miss)
  std::chrono::seconds stale_ttl{24 * 3600};
  std::size_t stale_copies = 10000;  // the in-process stale copies' capacity
};

struct PostgresModel {
  std::size_t max_connections = 100;  // over all replicas' pools; connects beyond fail
  // A new connection's set-up (a backend forked, authentication): what a pool's connect holds
  // its slot for, refused or not.
  std::chrono::microseconds connect_time{3000};
};

struct TrafficSegment {
  double at_s = 0;  // from here until the next segment (or the end)
  double rate = 0;  // requests per second; 0 = none
  load::IdDistribution ids = *load::IdDistribution::parse("uniform:1-10000");
};

struct FaultEvent {
  enum class Kind {
    chaos,             // body: a POST /chaos/configure body, merged into the replicas' settings
    chaos_reset,       // POST /chaos/reset
    resilience,        // body: a POST /resilience/configure body
    resilience_reset,  // POST /resilience/reset
    clear_cache,       // POST /chaos/clear_cache (the shared Redis: every replica sees it)
  };
  double at_s = 0;
  Kind kind = Kind::chaos;
  std::string body;            // JSON text, for chaos and resilience; validated when read
  double replica_share = 1.0;  // the first ceil(share × replicas) replicas; ≥ 1 replica
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double duration_s = 60;
  std::size_t replicas = 1;
  bool poisson_arrivals = false;  // false: the load generator's constant spacing
  // A client gives up on an answer after this (the load generator's default); counted as a
  // timeout, not an answer.
  std::chrono::milliseconds client_timeout{10000};
  GatewayModel gateway;
  ReplicaModel replica;
  PostgresModel postgres;
  resilience::ResilienceSettings resilience;  // every replica's at the start
  std::vector<TrafficSegment> traffic;        // by at_s, the first at 0
  std::vector<FaultEvent> faults;             // by at_s
  Calibration calibration = default_calibration();
};

}  // namespace srelab::sim
