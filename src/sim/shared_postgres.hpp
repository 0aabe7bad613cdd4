// The twin's one Postgres server, shared by every replica's pool: its connection limit (a
// backend beyond max_connections is refused, like "too many clients") and the queries running on
// it. It has no queue of its own: queries wait only for their replica's pool slots, and how long
// one takes is the engine's business (calibration, injected latency, saturation).
#pragma once

#include <cstddef>

namespace srelab::sim {

class SharedPostgres {
 public:
  explicit SharedPostgres(std::size_t max_connections) : max_connections_(max_connections) {}

  // A connect's backend: false when the server is full. Once open, a backend counts for the
  // rest of the run.
  bool open_backend() {
    if (connections_ >= max_connections_) return false;
    ++connections_;
    return true;
  }
  void query_started() { ++queries_in_flight_; }
  void query_finished() { --queries_in_flight_; }

  std::size_t connections() const { return connections_; }
  std::size_t queries_in_flight() const { return queries_in_flight_; }

 private:
  std::size_t max_connections_;
  std::size_t connections_ = 0;
  std::size_t queries_in_flight_ = 0;
};

}  // namespace srelab::sim
