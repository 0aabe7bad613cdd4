// The engine behind Simulation (simulation.hpp): the simulated clock, the event heap and timer
// FIFOs, the request table, and the models the requests move through. Internal to src/sim/.
// Its member functions live in one file per job (engine_*.cpp):
//   engine.cpp           the event loop: what runs next, and dispatching it
//   engine_gateway.cpp   the clients' arrivals, the gateway's rotation, queue, timeouts and checks
//   engine_replica.cpp   a replica's request flow (ProductService::get, step by step)
//   engine_bulk.cpp      the bulk test's lookups
//   engine_faults.cpp    applying a fault to its share of the replicas
//   engine_records.cpp   one record per simulated second, and the breakers' transitions
// The small steps every request takes (scheduling a step, a timer, a request slot, a sample) are
// defined here so that they inline into each of those files: the twin's speed is in them.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/random.hpp"
#include "load/load_report.hpp"
#include "sim/arrivals.hpp"
#include "sim/event_queue.hpp"
#include "sim/fast_sampler.hpp"
#include "sim/replica.hpp"
#include "sim/second_counts.hpp"
#include "sim/shared_cache.hpp"
#include "sim/shared_postgres.hpp"
#include "sim/sim_clock.hpp"
#include "sim/sim_request.hpp"
#include "sim/simulation.hpp"
#include "sim/timer_fifo.hpp"
#include "telemetry/metrics/histogram.hpp"

namespace srelab::sim {

class Simulation::Engine {
 public:
  explicit Engine(const Scenario& scenario);

  void run_until(std::int64_t target);
  bool apply(const FaultEvent& fault, std::string* error);
  void set_traffic(const TrafficSegment& segment) { arrivals_.set(segment, now_); }
  void close_second();

  std::int64_t now() const { return now_; }
  const Replica& replica(std::size_t index) const { return *replicas_.at(index); }
  Replica& replica(std::size_t index) { return *replicas_.at(index); }
  std::size_t replica_count() const { return replicas_.size(); }
  std::size_t cache_size() const { return cache_.fresh_count(now_); }
  std::uint64_t arrivals() const { return arrived_; }
  std::vector<SecondRecord> take_seconds() { return std::exchange(records_, {}); }
  const std::vector<BreakerTransition>& transitions() const { return transitions_; }
  const load::LoadReport& report() const { return book_.report(); }
  const SimClock& clock() const { return clock_; }
  std::vector<BulkLookup> bulk_lookups(std::size_t replica, const std::vector<std::int32_t>& ids,
                                       std::size_t concurrency);

 private:
  // The event loop (engine.cpp).
  void run(const Event& event);

  // Clients and the gateway (engine_gateway.cpp).
  void arrive();
  void admit(std::uint32_t r);
  std::size_t next_round_robin() {
    const std::size_t server = next_server_;
    next_server_ = server + 1 == replicas_.size() ? 0 : server + 1;  // no division per request
    return server;
  }
  void dispatch_queued(std::size_t replica);
  void on_client_timeout(std::uint32_t r);
  void on_server_timeout(std::uint32_t r);
  void on_queue_timeout(std::uint32_t r);
  void deliver(std::uint32_t r, int status, AnswerSource source) {
    Request& request = requests_[r];
    request.client_done = true;
    counts_.answered(status, source);
    latency_.observe(static_cast<double>(now_ - request.due) * 1e-9);
  }
  void start_check(std::size_t replica);
  void on_check_timeout(std::uint32_t r);
  void check_result(std::uint32_t r, bool ok);

  // The replica: ProductService::get and the repository (engine_replica.cpp).
  void send_to_replica(std::uint32_t r, std::size_t replica);
  void issue_cache_get(std::uint32_t r, std::int64_t at);
  void after_get(std::uint32_t r);
  void acquire_connection(std::uint32_t r);
  void on_pool_deadline(std::uint32_t r);
  void take_handoff(std::optional<Replica::Pool::Handoff> handoff);
  void on_handed(std::uint32_t r);
  void start_connect(std::uint32_t r);
  void on_connected(std::uint32_t r);
  void start_query(std::uint32_t r);
  void on_query_done(std::uint32_t r);
  void issue_fill(std::uint32_t r, std::int64_t at);
  void database_failed(std::uint32_t r, boost::system::error_code code);
  void database_failed_or_check(std::uint32_t r, boost::system::error_code code);
  void fallback(std::uint32_t r);
  void issue_stale_get(std::uint32_t r, std::int64_t at);
  void answer_from_memory(std::uint32_t r, std::int64_t at);
  void respond_at(std::uint32_t r, std::int64_t at, int status, AnswerSource source);
  void on_respond(std::uint32_t r);

  // The bulk test's lookups (engine_bulk.cpp).
  void start_bulk_lookup();
  void finish_bulk_lookup(std::uint32_t r);

  // Faults (engine_faults.cpp).
  std::vector<std::size_t> targets(double share) const;

  // Records (engine_records.cpp). A breaker changes state only inside the call that caused it:
  // the call's snapshot holds why.
  void note_breaker(std::size_t replica, resilience::BreakerState before) {
    if (replicas_[replica]->controls.breaker().state() != before) note_transition(replica, before);
  }
  void note_transition(std::size_t replica, resilience::BreakerState before);

  // Steps every request takes.
  void schedule_step(std::uint32_t r, Step step, std::int64_t at) {
    Request& request = requests_[r];
    request.step = step;
    events_.push(Event{at, 0, r, ++request.token, static_cast<std::uint8_t>(EventKind::step)});
  }
  // A Redis command (GET, the fill's SETs, the stale GET) under the replica's cache chaos,
  // decided when it is issued at `at`: after an injected latency its step `delayed` runs it;
  // true when it goes at once.
  bool redis_command_now(std::uint32_t r, Step delayed, std::int64_t at) {
    Request& request = requests_[r];
    const chaos::FaultVerdict verdict = replicas_[request.replica]->chaos.cache_verdict();
    request.redis_fail = verdict.fail;
    if (verdict.latency.count() <= 0) return true;
    schedule_step(r, delayed, at + to_ns(verdict.latency));
    return false;
  }
  // Each timer kind has one fixed duration and starts now, so its deadlines come in the order
  // they are started and a FIFO keeps them sorted with no heap work.
  void start_timer(EventKind kind, std::uint32_t r, std::int64_t after) {
    timers_[timer_index(kind)].push(Timer{now_ + after, r, requests_[r].serial});
  }
  // A cache hit knows its answer's time the moment it arrives: when that is before a deadline,
  // the deadline cannot fire and is never started. Any other request starts it now, which keeps
  // each FIFO in deadline order (a deadline is always now + the kind's fixed duration).
  bool answered_before(std::uint32_t r, std::int64_t deadline) const {
    const Request& request = requests_[r];
    return request.step == Step::respond && request.answer_at < deadline;
  }
  std::uint32_t allocate() {
    std::uint32_t r = 0;
    if (free_.empty()) {
      r = static_cast<std::uint32_t>(requests_.size());
      requests_.emplace_back();
    } else {
      r = free_.back();
      free_.pop_back();
    }
    Request& request = requests_[r];
    const std::uint32_t token = request.token;  // never reused: old step events stay stale
    request = Request{};
    request.token = token;
    request.serial = ++next_serial_;
    return r;
  }
  // The slot is reused once the client has its answer (or gave up) and the replica is done.
  void release_if_done(std::uint32_t r) {
    Request& request = requests_[r];
    if (!request.client_done || !request.server_done || request.queued) return;
    request.serial = 0;  // pending timers of this request no longer match
    request.step = Step::none;
    free_.push_back(r);
  }
  std::int64_t sample(const FastSampler& sampler) {
    return std::max<std::int64_t>(0, to_ns(sampler.sample(service_random_)));
  }

  Scenario scenario_;
  SimClock clock_;
  std::int64_t now_ = 0;
  EventQueue events_;
  // By timer kind: client timeout, the gateway's server timeout, its queue timeout.
  std::array<TimerFifo, 3> timers_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  SharedCache cache_;
  SharedPostgres postgres_;
  Arrivals arrivals_;

  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;
  std::uint32_t next_serial_ = 0;
  std::deque<QueuedRequest> gateway_queue_;
  std::size_t gateway_queued_ = 0;  // live entries of gateway_queue_
  std::size_t next_server_ = 0;     // round robin

  Random service_random_;

  // Fixed for the run.
  FastSampler gateway_overhead_;
  FastSampler service_overhead_;
  FastSampler cache_latency_;
  FastSampler db_query_;
  std::int64_t client_timeout_;
  std::int64_t server_timeout_;
  std::int64_t queue_timeout_;
  std::int64_t cache_ttl_;
  std::int64_t stale_ttl_;
  std::int64_t connect_time_;

  // Records.
  SecondCounts counts_;
  telemetry::Histogram latency_{load::latency_layout()};
  load::ReportBook book_;
  std::int64_t last_close_ = 0;
  std::vector<SecondRecord> records_;
  std::vector<BreakerTransition> transitions_;
  std::uint64_t arrived_ = 0;

  struct BulkRun {
    std::size_t replica = 0;
    std::vector<std::int32_t> ids;
    std::size_t next = 0;  // the next id a worker takes
    std::size_t done = 0;
    std::vector<BulkLookup> rows;
  };
  std::optional<BulkRun> bulk_;
};

}  // namespace srelab::sim
