// One simulated request's state as it moves through the twin (client, gateway, replica), and
// the kinds of events that move it. Internal to the simulation engine (engine.hpp): a request
// is a slot in the engine's table, named by its index, and the events carry that index.
#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>

#include "core/errc.hpp"
#include "sim/second_counts.hpp"

namespace srelab::sim {

inline constexpr std::int64_t kSecond = 1'000'000'000;

// Rounded to the nearest nanosecond (half away from zero) without llround's cost.
inline std::int64_t to_ns(double seconds) {
  const double ns = seconds * 1e9;
  return static_cast<std::int64_t>(ns >= 0 ? ns + 0.5 : ns - 0.5);
}

template <class Rep, class Period>
std::int64_t to_ns(std::chrono::duration<Rep, Period> duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

enum class EventKind : std::uint8_t {
  second,          // a whole simulated second has passed
  step,            // check: the request's token; what to do is its `step`
  client_timeout,  // check: the request's serial
  server_timeout,  // the gateway's, check: serial
  queue_timeout,   // the gateway's, check: serial
  health_check,    // subject: the replica the gateway checks now
  check_timeout,   // check: serial of the health check's request
};

inline constexpr std::array<std::uint8_t, 3> kTimerKinds{
    static_cast<std::uint8_t>(EventKind::client_timeout),
    static_cast<std::uint8_t>(EventKind::server_timeout),
    static_cast<std::uint8_t>(EventKind::queue_timeout)};

constexpr std::size_t timer_index(EventKind kind) {
  return static_cast<std::size_t>(kind) - static_cast<std::size_t>(EventKind::client_timeout);
}

enum class Step : std::uint8_t {
  none,
  cache_get,   // issue GET product:{id} (its injected latency waited out)
  after_get,   // GET answered: a miss goes to the breaker
  pool_wait,   // queued for a pool slot: the event is the acquire deadline
  handed,      // a released slot was handed to it
  connecting,  // a connect into a leased slot completes
  querying,    // the query completes
  fill,        // issue the SETs (their injected latency waited out)
  stale_get,   // issue GET stale:product:{id} (its injected latency waited out)
  respond,     // the replica's answer leaves it
};

struct Request {
  std::int64_t due = 0;           // when the client sent it: latency is measured from here
  std::int64_t sent = 0;          // when the gateway handed it to its replica
  std::int64_t started = 0;       // when the repository was entered (the breaker's call duration)
  std::int64_t wait_started = 0;  // when it asked the pool
  std::int64_t answer_at = 0;     // when its answer leaves the replica, once that is known
  std::uint64_t id = 0;
  std::uint32_t serial = 0;  // which request this slot holds now (timer events check it)
  std::uint32_t token = 0;   // bumped with every step scheduled (step events check it)
  std::uint32_t replica = 0;
  std::uint32_t slot = 0;          // the pool slot it holds
  std::int64_t db_latency_ns = 0;  // the db verdict's
  double saturation_ms = 0;
  boost::system::error_code cause;  // why the fallback runs
  std::uint16_t status = 0;
  AnswerSource source = AnswerSource::none;
  Step step = Step::none;
  bool db_fail = false;
  bool redis_fail = false;  // the pending Redis command's verdict
  bool connect_ok = false;
  bool handed_connected = false;  // the slot it was handed came with its connection
  bool health_check = false;      // the gateway's GET /readyz, not a client's request
  bool bulk = false;              // a lookup of a bulk test: no client, no gateway
  std::uint32_t bulk_index = 0;   // its place in the bulk test's ids
  std::uint32_t pool_seen = 0;    // bulk: the pool's leased slots when it asked for one
  bool check_reported = false;    // its result (or its timeout) reached the gateway
  bool cache_reachable = true;
  bool queued = false;         // in the gateway's queue
  bool holds_gateway = false;  // holds one of its replica's gateway connections
  bool client_done = false;    // answered or timed out, as the client sees it
  bool server_done = false;    // the replica's part is over (or never began)
};

struct QueuedRequest {
  std::uint32_t request;
  std::uint32_t serial;
};

inline int status_of(const boost::system::error_code& code) {
  if (code == errc::db_query_failed) return 500;
  if (code == errc::db_timeout) return 504;
  return 503;  // circuit open, pool exhausted, database unavailable
}

}  // namespace srelab::sim
