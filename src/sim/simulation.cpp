#include "sim/simulation.hpp"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <utility>

#include "catalog/admin_documents.hpp"
#include "catalog/answers.hpp"
#include "core/errc.hpp"
#include "core/field_error.hpp"
#include "load/arrival_schedule.hpp"
#include "resilience/saturation.hpp"
#include "sim/event_queue.hpp"
#include "sim/fast_sampler.hpp"
#include "sim/replica.hpp"
#include "sim/second_counts.hpp"
#include "sim/shared_cache.hpp"
#include "sim/sim_clock.hpp"
#include "sim/timer_fifo.hpp"
#include "telemetry/metrics/histogram.hpp"

// How a request moves (ProductService::get, step by step), and what the twin models around it:
//  - the client sends at its due time and gives up after client_timeout (a timeout);
//  - the gateway (when enabled) hands it to a replica round-robin among those below
//    `server_connections`, else queues it (FIFO, 503 after queue_timeout); it answers 504 when
//    the replica has not answered within server_timeout, and does not retry (the lab's gateway
//    configuration sets no retries and no redispatch). The replica keeps working on it;
//  - the replica: the gateway's hop and its own overhead (no CPU queueing: infinite servers),
//    then Redis GET → hit: 200 cache; miss → breaker → pool → query → breaker → fill → 200
//    database; rejected or failed → fallback (stale copy in Redis, else in-process, else the
//    emergency record or the error); pool timeout → 503, permit given back, no fallback;
//  - Redis commands are decided when they are issued (after any injected latency) and take one
//    round trip (calibration.cache_latency); an injected failure is an error reply after it;
//  - Postgres has no queue of its own (queries wait only for pool slots); a query takes the
//    injected latency plus saturation (the replica's queries in flight) plus db_query; a
//    connect takes connect_time and fails beyond max_connections like "too many clients".
//  - the gateway's health checks are requests of their own (no client, no breaker, no chaos, not
//    counted by saturation): a pooled SELECT 1, then a Redis PING, as /readyz does; HAProxy
//    starts the servers' first checks spread over one interval.
// Left out: ids without a product (every id exists: no 404), clients that give up while queued
// at the gateway (their entry waits out queue_timeout), the leak.

namespace srelab::sim {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// Rounded to the nearest nanosecond (half away from zero) without llround's cost.
std::int64_t to_ns(double seconds) {
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

constexpr std::array<std::uint8_t, 3> kTimerKinds{
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

int status_of(const boost::system::error_code& code) {
  if (code == errc::db_query_failed) return 500;
  if (code == errc::db_timeout) return 504;
  return 503;  // circuit open, pool exhausted, database unavailable
}

}  // namespace

class Simulation::Engine {
 public:
  explicit Engine(const Scenario& scenario);

  void run_until(std::int64_t target);
  bool apply(const FaultEvent& fault, std::string* error);
  void set_traffic(const TrafficSegment& segment);
  void close_second();

  std::int64_t now() const { return now_; }
  const Replica& replica(std::size_t index) const { return *replicas_.at(index); }
  Replica& replica(std::size_t index) { return *replicas_.at(index); }
  std::size_t replica_count() const { return replicas_.size(); }
  std::size_t cache_size() const { return cache_.fresh_count(now_); }
  std::uint64_t arrivals() const { return arrivals_; }
  std::vector<SecondRecord> take_seconds() { return std::exchange(records_, {}); }
  const std::vector<BreakerTransition>& transitions() const { return transitions_; }
  const load::LoadReport& report() const { return book_.report(); }
  const SimClock& clock() const { return clock_; }
  std::vector<BulkLookup> bulk_lookups(std::size_t replica, const std::vector<std::int32_t>& ids,
                                       std::size_t concurrency);

 private:
  // Clients and the gateway.
  void arrive();
  void schedule_next_arrival();
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
  void deliver(std::uint32_t r, int status, AnswerSource source);

  // The replica: ProductService::get and the repository.
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
  void fallback(std::uint32_t r);
  void issue_stale_get(std::uint32_t r, std::int64_t at);
  void answer_from_memory(std::uint32_t r, std::int64_t at);
  void respond_at(std::uint32_t r, std::int64_t at, int status, AnswerSource source);
  void on_respond(std::uint32_t r);

  // The bulk test's lookups.
  void start_bulk_lookup();
  void finish_bulk_lookup(std::uint32_t r);

  // The gateway's health checks.
  void start_check(std::size_t replica);
  void database_failed_or_check(std::uint32_t r, boost::system::error_code code);
  void on_check_timeout(std::uint32_t r);
  void check_result(std::uint32_t r, bool ok);

  // Plumbing.
  void run(const Event& event);
  void schedule_step(std::uint32_t r, Step step, std::int64_t at);
  void start_timer(EventKind kind, std::uint32_t r, std::int64_t after);
  bool answered_before(std::uint32_t r, std::int64_t deadline) const;
  std::uint32_t allocate();
  void release_if_done(std::uint32_t r);
  std::int64_t sample(const FastSampler& sampler);
  void note_breaker(std::size_t replica, resilience::BreakerState before);
  std::vector<std::size_t> targets(double share) const;

  Scenario scenario_;
  SimClock clock_;
  std::int64_t now_ = 0;
  EventQueue events_;
  // By timer kind: client timeout, the gateway's server timeout, its queue timeout.
  std::array<TimerFifo, 3> timers_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  SharedCache cache_;
  std::size_t postgres_connections_ = 0;
  std::size_t db_in_flight_ = 0;

  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;
  std::uint32_t next_serial_ = 0;
  std::deque<QueuedRequest> gateway_queue_;
  std::size_t gateway_queued_ = 0;  // live entries of gateway_queue_
  std::size_t next_server_ = 0;     // round robin

  // Traffic in force. The next arrival is kept beside the heap, not in it: one arrival per
  // request would double the heap's work on a cache hit.
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t next_arrival_ = kNever;
  std::int64_t traffic_start_ = 0;
  double rate_ = 0;
  load::IdDistribution ids_ = *load::IdDistribution::parse("uniform:1-1");
  std::optional<load::ArrivalSchedule> schedule_;
  std::int64_t next_poisson_ = 0;

  Random id_random_;
  Random arrival_random_;
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
  std::uint64_t arrivals_ = 0;

  struct BulkRun {
    std::size_t replica = 0;
    std::vector<std::int32_t> ids;
    std::size_t next = 0;  // the next id a worker takes
    std::size_t done = 0;
    std::vector<BulkLookup> rows;
  };
  std::optional<BulkRun> bulk_;
};

Simulation::Engine::Engine(const Scenario& scenario)
    : scenario_(scenario),
      id_random_(load::lane_random(scenario.seed, 0)),
      arrival_random_(load::lane_random(scenario.seed, 1)),
      service_random_(load::lane_random(scenario.seed, 2)),
      gateway_overhead_(scenario.calibration.gateway_overhead),
      service_overhead_(scenario.calibration.service_overhead),
      cache_latency_(scenario.calibration.cache_latency),
      db_query_(scenario.calibration.db_query),
      client_timeout_(to_ns(scenario.client_timeout)),
      server_timeout_(to_ns(scenario.gateway.server_timeout)),
      queue_timeout_(to_ns(scenario.gateway.queue_timeout)),
      cache_ttl_(to_ns(scenario.replica.cache_ttl)),
      stale_ttl_(to_ns(scenario.replica.stale_ttl)),
      connect_time_(to_ns(scenario.postgres.connect_time)),
      book_([&] {
        load::LoadPlan plan;
        plan.seed = scenario.seed;
        plan.timeout = scenario.client_timeout;
        plan.duration = std::chrono::milliseconds(std::llround(scenario.duration_s * 1000));
        if (!scenario.traffic.empty()) {
          plan.rate = scenario.traffic.front().rate > 0 ? scenario.traffic.front().rate : 1;
          plan.ids = scenario.traffic.front().ids;
        }
        return plan;
      }()) {
  const std::size_t count = std::max<std::size_t>(scenario.replicas, 1);
  for (std::size_t index = 0; index < count; ++index)
    replicas_.push_back(std::make_unique<Replica>(
        scenario_, clock_, load::lane_random(scenario.seed, 3 + index).next()));
  events_.push(Event{kSecond, 0, 0, 0, static_cast<std::uint8_t>(EventKind::second)}, true);
  if (scenario.gateway.enabled && scenario.gateway.health_checks) {
    const std::int64_t interval = to_ns(scenario.gateway.check_interval);
    for (std::size_t index = 0; index < count; ++index)
      events_.push(
          Event{interval * static_cast<std::int64_t>(index) / static_cast<std::int64_t>(count), 0,
                static_cast<std::uint32_t>(index), 0,
                static_cast<std::uint8_t>(EventKind::health_check)});
  }
  if (!scenario.traffic.empty() && scenario.traffic.front().at_s <= 0)
    set_traffic(scenario.traffic.front());
}

// Events due before `target` run; at `target` itself only the close of a second, so that a
// second's record holds [start, end) and a request due at the end belongs to the next one.
void Simulation::Engine::run_until(std::int64_t target) {
  const auto due = [&](const Event& event) {
    return event.at_ns < target ||
           (event.at_ns == target && event.kind == static_cast<std::uint8_t>(EventKind::second));
  };
  while (true) {
    // The earliest of the heap, the timer FIFOs and the next arrival; at the same nanosecond
    // in that order, so a seed always repeats.
    std::int64_t at = !events_.empty() && due(events_.top()) ? events_.top().at_ns : kNever;
    std::size_t timer = timers_.size();  // none
    for (std::size_t kind = 0; kind < timers_.size(); ++kind) {
      if (timers_[kind].empty()) continue;
      const std::int64_t deadline = timers_[kind].front().at_ns;
      if (deadline < target && deadline < at) {
        at = deadline;
        timer = kind;
      }
    }
    if (at == kNever || at > next_arrival_) {
      if (next_arrival_ >= target) break;
      now_ = next_arrival_;
      clock_.set(now_);
      arrive();
      continue;
    }
    now_ = at;
    clock_.set(now_);
    if (timer < timers_.size()) {
      const Timer expired = timers_[timer].front();
      timers_[timer].pop();
      run(Event{at, 0, expired.request, expired.serial, kTimerKinds[timer]});
    } else {
      run(events_.pop());
    }
  }
  now_ = std::max(now_, target);
  clock_.set(now_);
}

void Simulation::Engine::run(const Event& event) {
  const std::uint32_t r = event.subject;
  switch (static_cast<EventKind>(event.kind)) {
    case EventKind::second:
      close_second();
      events_.push(Event{now_ - now_ % kSecond + kSecond, 0, 0, 0,
                         static_cast<std::uint8_t>(EventKind::second)},
                   true);
      return;
    case EventKind::step:
      break;
    case EventKind::health_check:
      start_check(r);
      return;
    case EventKind::check_timeout:
      if (requests_[r].serial == event.check) on_check_timeout(r);
      return;
    case EventKind::client_timeout:
      if (requests_[r].serial == event.check) on_client_timeout(r);
      return;
    case EventKind::server_timeout:
      if (requests_[r].serial == event.check) on_server_timeout(r);
      return;
    case EventKind::queue_timeout:
      if (requests_[r].serial == event.check) on_queue_timeout(r);
      return;
  }
  Request& request = requests_[r];
  if (request.token != event.check) return;  // superseded (e.g. a deadline after a hand-off)
  switch (request.step) {
    case Step::cache_get:
      issue_cache_get(r, now_);
      return;
    case Step::after_get:
      after_get(r);
      return;
    case Step::pool_wait:
      on_pool_deadline(r);
      return;
    case Step::handed:
      on_handed(r);
      return;
    case Step::connecting:
      on_connected(r);
      return;
    case Step::querying:
      on_query_done(r);
      return;
    case Step::fill:
      issue_fill(r, now_);
      return;
    case Step::stale_get:
      issue_stale_get(r, now_);
      return;
    case Step::respond:
      on_respond(r);
      return;
    case Step::none:
      return;
  }
}

// Clients and the gateway --------------------------------------------------------------------

void Simulation::Engine::set_traffic(const TrafficSegment& segment) {
  next_arrival_ = kNever;
  traffic_start_ = now_;
  rate_ = segment.rate;
  ids_ = segment.ids;
  schedule_.reset();
  if (!(rate_ > 0)) return;
  if (scenario_.poisson_arrivals) {
    next_poisson_ = now_;
  } else {
    // Open-ended: the segment lasts until the next one replaces it.
    schedule_.emplace(rate_, std::chrono::hours(24 * 365 * 10));
  }
  schedule_next_arrival();
}

void Simulation::Engine::schedule_next_arrival() {
  std::int64_t at = 0;
  if (schedule_) {
    const auto offset = schedule_->next();
    if (!offset) {
      next_arrival_ = kNever;
      return;
    }
    at = traffic_start_ + offset->count();
  } else {
    // Exponential gaps: -ln(1 - u) / rate, u in [0, 1).
    next_poisson_ += to_ns(-std::log1p(-arrival_random_.unit()) / rate_);
    at = next_poisson_;
  }
  next_arrival_ = at;
}

void Simulation::Engine::arrive() {
  schedule_next_arrival();
  ++arrivals_;
  counts_.arrived();
  const std::uint32_t r = allocate();
  Request& request = requests_[r];
  request.due = now_;
  request.id = ids_.next(id_random_);
  if (scenario_.gateway.enabled) {
    admit(r);
  } else {
    request.sent = now_;
    send_to_replica(r, next_round_robin());
  }
  if (!answered_before(r, now_ + client_timeout_))
    start_timer(EventKind::client_timeout, r, client_timeout_);
}

// HAProxy's roundrobin skips a server at its maxconn; with every one full the request waits in
// the backend's queue.
void Simulation::Engine::admit(std::uint32_t r) {
  const std::size_t count = replicas_.size();
  bool any_in_rotation = false;
  for (std::size_t tried = 0; tried < count; ++tried) {
    const std::size_t server = next_round_robin();
    Replica& replica = *replicas_[server];
    if (!replica.in_rotation) continue;
    any_in_rotation = true;
    if (replica.gateway_connections >= scenario_.gateway.server_connections) continue;
    ++replica.gateway_connections;
    Request& request = requests_[r];
    request.holds_gateway = true;
    request.sent = now_;
    send_to_replica(r, server);
    if (!answered_before(r, now_ + server_timeout_))
      start_timer(EventKind::server_timeout, r, server_timeout_);
    return;
  }
  if (!any_in_rotation) {  // "no server available"
    requests_[r].server_done = true;
    deliver(r, 503, AnswerSource::none);
    release_if_done(r);
    return;
  }
  requests_[r].queued = true;
  gateway_queue_.push_back({r, requests_[r].serial});
  ++gateway_queued_;
  start_timer(EventKind::queue_timeout, r, queue_timeout_);
}

// A connection to `replica` freed up: the first request still queued takes it.
void Simulation::Engine::dispatch_queued(std::size_t replica) {
  if (!replicas_[replica]->in_rotation) return;
  while (!gateway_queue_.empty()) {
    const QueuedRequest next = gateway_queue_.front();
    gateway_queue_.pop_front();
    Request& request = requests_[next.request];
    if (request.serial != next.serial || !request.queued) continue;  // gave up meanwhile
    request.queued = false;
    --gateway_queued_;
    request.holds_gateway = true;
    request.sent = now_;
    ++replicas_[replica]->gateway_connections;
    send_to_replica(next.request, replica);
    if (!answered_before(next.request, now_ + server_timeout_))
      start_timer(EventKind::server_timeout, next.request, server_timeout_);
    return;
  }
}

void Simulation::Engine::on_client_timeout(std::uint32_t r) {
  Request& request = requests_[r];
  if (request.client_done) return;
  request.client_done = true;
  counts_.timed_out();
  release_if_done(r);
}

// The replica did not answer in time: 504, and the gateway drops its connection to it (the
// replica, not told, finishes the request and keeps its pool slot until then).
void Simulation::Engine::on_server_timeout(std::uint32_t r) {
  Request& request = requests_[r];
  if (!request.holds_gateway || request.server_done) return;
  request.holds_gateway = false;
  --replicas_[request.replica]->gateway_connections;
  if (!request.client_done) deliver(r, 504, AnswerSource::none);
  dispatch_queued(request.replica);
}

void Simulation::Engine::on_queue_timeout(std::uint32_t r) {
  Request& request = requests_[r];
  if (!request.queued) return;
  request.queued = false;
  --gateway_queued_;
  request.server_done = true;  // never reached a replica
  if (!request.client_done) deliver(r, 503, AnswerSource::none);
  release_if_done(r);
}

void Simulation::Engine::deliver(std::uint32_t r, int status, AnswerSource source) {
  Request& request = requests_[r];
  request.client_done = true;
  counts_.answered(status, source);
  latency_.observe(static_cast<double>(now_ - request.due) * 1e-9);
}

// The replica ---------------------------------------------------------------------------------

// The gateway's hop and the service's own work come first (neither queues), then Redis.
void Simulation::Engine::send_to_replica(std::uint32_t r, std::size_t replica) {
  Request& request = requests_[r];
  request.replica = static_cast<std::uint32_t>(replica);
  request.server_done = false;
  const std::int64_t hop = request.bulk ? 0 : sample(gateway_overhead_);
  const std::int64_t at = now_ + hop + sample(service_overhead_);
  const chaos::FaultVerdict verdict = replicas_[replica]->chaos.cache_verdict();
  request.redis_fail = verdict.fail;
  if (verdict.latency.count() > 0) {
    schedule_step(r, Step::cache_get, at + to_ns(verdict.latency));
  } else {
    issue_cache_get(r, at);
  }
}

// A hit is answered in one event; a miss goes on to the breaker when the GET comes back.
void Simulation::Engine::issue_cache_get(std::uint32_t r, std::int64_t at) {
  Request& request = requests_[r];
  const std::int64_t done = at + sample(cache_latency_);
  const bool hit = !request.redis_fail && cache_.fresh(request.id, now_);
  counts_.looked_up(hit);
  if (hit) {
    respond_at(r, done, 200, AnswerSource::cache);
    return;
  }
  request.cache_reachable = !request.redis_fail;
  schedule_step(r, Step::after_get, done);
}

void Simulation::Engine::after_get(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  resilience::CircuitBreaker& breaker = replica.controls.breaker();
  const resilience::BreakerState before = breaker.state();
  const bool permitted = breaker.try_acquire();
  note_breaker(request.replica, before);
  if (!permitted) {
    request.cause = errc::circuit_open;
    fallback(r);
    return;
  }
  request.started = now_;
  // The repository draws its verdict before it asks the pool.
  const chaos::FaultVerdict verdict = replica.chaos.db_verdict();
  request.db_latency_ns = to_ns(verdict.latency);
  request.db_fail = verdict.fail;
  request.saturation_ms = verdict.saturation_ms_per_query;
  acquire_connection(r);
}

// Pool::acquire: a free slot, else a place in the FIFO until the pool timeout.
void Simulation::Engine::acquire_connection(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  const Clock::time_point clock_now = clock_.now();
  Replica::Pool::Grant grant = replica.pool.try_acquire(clock_now);
  if (grant.verdict == Replica::Pool::Verdict::exhausted && replica.pool_timeout.count() > 0)
    grant = replica.pool.acquire_or_wait(clock_now, r);
  if (!request.health_check) counts_.acquired(grant.verdict == Replica::Pool::Verdict::wait);
  if (request.bulk) request.pool_seen = static_cast<std::uint32_t>(replica.pool.counts().active);
  request.wait_started = now_;
  switch (grant.verdict) {
    case Replica::Pool::Verdict::idle:
      request.slot = static_cast<std::uint32_t>(grant.slot);
      start_query(r);
      return;
    case Replica::Pool::Verdict::connect:
      request.slot = static_cast<std::uint32_t>(grant.slot);
      start_connect(r);
      return;
    case Replica::Pool::Verdict::wait:
      schedule_step(r, Step::pool_wait, now_ + to_ns(replica.pool_timeout));
      return;
    case Replica::Pool::Verdict::exhausted:
    case Replica::Pool::Verdict::closed:
      if (!request.health_check) replica.controls.breaker().release();
      request.cause = errc::pool_exhausted;
      respond_at(r, now_, 503, AnswerSource::none);
      return;
    case Replica::Pool::Verdict::unavailable:
      database_failed_or_check(r, errc::db_unavailable);
      return;
  }
}

// No slot within the pool timeout: 503 Pool Exhausted, the permit given back unused.
void Simulation::Engine::on_pool_deadline(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  replica.pool.withdraw(r);
  if (!request.health_check) {
    counts_.waited_for(static_cast<double>(now_ - request.wait_started) * 1e-9);
    replica.controls.breaker().release();
  }
  request.cause = errc::pool_exhausted;
  respond_at(r, now_, 503, AnswerSource::none);
}

// A released slot went to the first waiter: it connects or queries now.
// The waiter goes on in an event of its own at the same instant, as the real one is woken on
// its own executor: a chain of failed connects handing the slot on from waiter to waiter would
// otherwise recurse once per waiter.
void Simulation::Engine::take_handoff(std::optional<Replica::Pool::Handoff> handoff) {
  if (!handoff) return;
  const std::uint32_t r = handoff->waiter;
  Request& request = requests_[r];
  if (!request.health_check)
    counts_.waited_for(static_cast<double>(now_ - request.wait_started) * 1e-9);
  request.slot = static_cast<std::uint32_t>(handoff->slot);
  request.handed_connected = handoff->connected;
  schedule_step(r, Step::handed, now_);  // its acquire deadline no longer counts
}

void Simulation::Engine::on_handed(std::uint32_t r) {
  if (requests_[r].handed_connected) {
    start_query(r);
  } else {
    start_connect(r);
  }
}

void Simulation::Engine::start_connect(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (!replica.pool.may_connect(clock_.now())) {
    take_handoff(replica.pool.release(request.slot, false));
    database_failed_or_check(r, errc::db_unavailable);
    return;
  }
  // Postgres refuses a backend beyond max_connections ("too many clients") once it has started.
  request.connect_ok = postgres_connections_ < scenario_.postgres.max_connections;
  if (request.connect_ok) ++postgres_connections_;
  schedule_step(r, Step::connecting, now_ + connect_time_);
}

void Simulation::Engine::on_connected(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (request.connect_ok) {
    replica.pool.connect_succeeded();
    start_query(r);
    return;
  }
  take_handoff(replica.pool.connect_failed(request.slot, clock_.now()));
  database_failed_or_check(r, errc::db_unavailable);
}

// Held on the connection: the injected latency plus saturation, then the query itself.
void Simulation::Engine::start_query(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (request.health_check) {  // SELECT 1: no chaos, and not the repository's saturation
    schedule_step(r, Step::querying, now_ + sample(db_query_));
    return;
  }
  const std::size_t concurrent = ++replica.queries_in_flight;
  ++db_in_flight_;
  const std::int64_t extra =
      to_ns(resilience::Saturation::extra_latency(request.saturation_ms, concurrent));
  schedule_step(r, Step::querying, now_ + request.db_latency_ns + extra + sample(db_query_));
}

void Simulation::Engine::on_query_done(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (request.health_check) {  // then PING Redis
    take_handoff(replica.pool.release(request.slot, true));
    respond_at(r, now_ + sample(cache_latency_), 200, AnswerSource::none);
    return;
  }
  --replica.queries_in_flight;
  --db_in_flight_;
  take_handoff(replica.pool.release(request.slot, true));
  if (request.db_fail) {
    // An injected failure is the database's error after its sleep: SQLSTATE 22P02.
    database_failed(r, errc::db_query_failed);
    return;
  }
  resilience::CircuitBreaker& breaker = replica.controls.breaker();
  const resilience::BreakerState before = breaker.state();
  breaker.record_success(std::chrono::nanoseconds(now_ - request.started));
  note_breaker(request.replica, before);
  replica.stale_copies.put(static_cast<std::int32_t>(request.id), std::string(), clock_.now());
  // Fill only a cache that just answered.
  if (!request.cache_reachable) {
    respond_at(r, now_, 200, AnswerSource::database);
    return;
  }
  const chaos::FaultVerdict verdict = replica.chaos.cache_verdict();
  request.redis_fail = verdict.fail;
  if (verdict.latency.count() > 0) {
    schedule_step(r, Step::fill, now_ + to_ns(verdict.latency));
  } else {
    issue_fill(r, now_);
  }
}

// The answer waits for the SETs' round trip, as the service awaits them.
void Simulation::Engine::issue_fill(std::uint32_t r, std::int64_t at) {
  Request& request = requests_[r];
  if (!request.redis_fail) cache_.put(request.id, now_, cache_ttl_, stale_ttl_);
  respond_at(r, at + sample(cache_latency_), 200, AnswerSource::database);
}

void Simulation::Engine::database_failed(std::uint32_t r, boost::system::error_code code) {
  Request& request = requests_[r];
  resilience::CircuitBreaker& breaker = replicas_[request.replica]->controls.breaker();
  const resilience::BreakerState before = breaker.state();
  breaker.record_failure(std::chrono::nanoseconds(now_ - request.started));
  note_breaker(request.replica, before);
  request.cause = code;
  fallback(r);
}

void Simulation::Engine::fallback(std::uint32_t r) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (!replica.controls.fallback_enabled()) {
    respond_at(r, now_, status_of(request.cause), AnswerSource::none);
    return;
  }
  if (!request.cache_reachable) {
    answer_from_memory(r, now_);
    return;
  }
  const chaos::FaultVerdict verdict = replica.chaos.cache_verdict();
  request.redis_fail = verdict.fail;
  if (verdict.latency.count() > 0) {
    schedule_step(r, Step::stale_get, now_ + to_ns(verdict.latency));
  } else {
    issue_stale_get(r, now_);
  }
}

void Simulation::Engine::issue_stale_get(std::uint32_t r, std::int64_t at) {
  Request& request = requests_[r];
  const std::int64_t done = at + sample(cache_latency_);
  if (!request.redis_fail && cache_.stale(request.id, now_)) {
    respond_at(r, done, 200, AnswerSource::fallback_emergency);
    return;
  }
  answer_from_memory(r, done);
}

// The in-process copy, else the emergency record or the failure, per the fallback settings.
void Simulation::Engine::answer_from_memory(std::uint32_t r, std::int64_t at) {
  Request& request = requests_[r];
  Replica& replica = *replicas_[request.replica];
  if (replica.stale_copies.get(static_cast<std::int32_t>(request.id)) ||
      replica.controls.fallback_without_copy() == resilience::FallbackWithoutCopy::emergency) {
    respond_at(r, at, 200, AnswerSource::fallback_emergency);
    return;
  }
  respond_at(r, at, status_of(request.cause), AnswerSource::none);
}

void Simulation::Engine::respond_at(std::uint32_t r, std::int64_t at, int status,
                                    AnswerSource source) {
  Request& request = requests_[r];
  request.status = static_cast<std::uint16_t>(status);
  request.source = source;
  request.answer_at = at;
  schedule_step(r, Step::respond, at);
}

void Simulation::Engine::on_respond(std::uint32_t r) {
  Request& request = requests_[r];
  request.server_done = true;
  request.step = Step::none;
  if (request.health_check) {
    check_result(r, request.status == 200);
    release_if_done(r);
    return;
  }
  if (request.bulk) {
    finish_bulk_lookup(r);
    release_if_done(r);
    return;
  }
  if (!request.client_done) deliver(r, request.status, request.source);
  if (request.holds_gateway) {
    request.holds_gateway = false;
    --replicas_[request.replica]->gateway_connections;
    dispatch_queued(request.replica);
  }
  release_if_done(r);
}

// The bulk test ---------------------------------------------------------------------------------

std::vector<BulkLookup> Simulation::Engine::bulk_lookups(std::size_t replica,
                                                         const std::vector<std::int32_t>& ids,
                                                         std::size_t concurrency) {
  bulk_.emplace(BulkRun{replica, ids, 0, 0, std::vector<BulkLookup>(ids.size())});
  for (std::size_t worker = 0; worker < std::max<std::size_t>(concurrency, 1); ++worker)
    start_bulk_lookup();
  constexpr std::int64_t kStep = kSecond / 1000;  // short steps: the test ends where it ends
  while (bulk_->done < bulk_->ids.size()) run_until(now_ + kStep);
  std::vector<BulkLookup> rows = std::move(bulk_->rows);
  bulk_.reset();
  return rows;
}

void Simulation::Engine::start_bulk_lookup() {
  if (bulk_->next >= bulk_->ids.size()) return;
  const std::uint32_t r = allocate();
  Request& request = requests_[r];
  request.bulk = true;
  request.bulk_index = static_cast<std::uint32_t>(bulk_->next);
  request.client_done = true;  // nobody but the bulk test waits for it
  request.due = now_;
  request.sent = now_;
  request.id = static_cast<std::uint64_t>(bulk_->ids[bulk_->next++]);
  send_to_replica(r, bulk_->replica);
}

void Simulation::Engine::finish_bulk_lookup(std::uint32_t r) {
  const Request& request = requests_[r];
  BulkLookup& row = bulk_->rows[request.bulk_index];
  row.status = request.status;
  row.source = source_name(request.source);
  row.latency_s = static_cast<double>(now_ - request.due) * 1e-9;
  if (request.status >= 400) row.error = catalog::error_status(request.cause).error;
  row.pool_active = request.pool_seen;
  ++bulk_->done;
  start_bulk_lookup();
}

// The gateway's health checks ----------------------------------------------------------------

void Simulation::Engine::start_check(std::size_t replica) {
  events_.push(Event{now_ + to_ns(scenario_.gateway.check_interval), 0,
                     static_cast<std::uint32_t>(replica), 0,
                     static_cast<std::uint8_t>(EventKind::health_check)});
  const std::uint32_t r = allocate();
  Request& request = requests_[r];
  request.health_check = true;
  request.client_done = true;  // nobody waits for it but the gateway's check
  request.due = now_;
  request.sent = now_;
  request.replica = static_cast<std::uint32_t>(replica);
  events_.push(Event{now_ + to_ns(scenario_.gateway.check_interval), 0, r, request.serial,
                     static_cast<std::uint8_t>(EventKind::check_timeout)});
  acquire_connection(r);
}

void Simulation::Engine::database_failed_or_check(std::uint32_t r, boost::system::error_code code) {
  if (requests_[r].health_check) {
    respond_at(r, now_, 503, AnswerSource::none);
    return;
  }
  database_failed(r, code);
}

void Simulation::Engine::on_check_timeout(std::uint32_t r) {
  if (!requests_[r].server_done) check_result(r, false);
}

// HAProxy's `fall` and `rise`: results in a row against the server's state flip it.
void Simulation::Engine::check_result(std::uint32_t r, bool ok) {
  Request& request = requests_[r];
  if (request.check_reported) return;
  request.check_reported = true;
  const std::size_t index = request.replica;
  Replica& replica = *replicas_[index];
  if (ok == replica.in_rotation) {
    replica.check_streak = 0;
    return;
  }
  const std::size_t needed =
      replica.in_rotation ? scenario_.gateway.check_fall : scenario_.gateway.check_rise;
  if (++replica.check_streak < needed) return;
  replica.check_streak = 0;
  replica.in_rotation = !replica.in_rotation;
  // Back in rotation: the queue's first requests take its free connections.
  while (replica.in_rotation && gateway_queued_ > 0 &&
         replica.gateway_connections < scenario_.gateway.server_connections)
    dispatch_queued(index);
}

// Plumbing ------------------------------------------------------------------------------------

void Simulation::Engine::schedule_step(std::uint32_t r, Step step, std::int64_t at) {
  Request& request = requests_[r];
  request.step = step;
  events_.push(Event{at, 0, r, ++request.token, static_cast<std::uint8_t>(EventKind::step)});
}

// A cache hit knows its answer's time the moment it arrives: when that is before a deadline,
// the deadline cannot fire and is never started. Any other request starts it now, which keeps
// each FIFO in deadline order (a deadline is always now + the kind's fixed duration).
bool Simulation::Engine::answered_before(std::uint32_t r, std::int64_t deadline) const {
  const Request& request = requests_[r];
  return request.step == Step::respond && request.answer_at < deadline;
}

// Each timer kind has one fixed duration and starts now, so its deadlines come in the order
// they are started and a FIFO keeps them sorted with no heap work.
void Simulation::Engine::start_timer(EventKind kind, std::uint32_t r, std::int64_t after) {
  timers_[timer_index(kind)].push(Timer{now_ + after, r, requests_[r].serial});
}

std::uint32_t Simulation::Engine::allocate() {
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
void Simulation::Engine::release_if_done(std::uint32_t r) {
  Request& request = requests_[r];
  if (!request.client_done || !request.server_done || request.queued) return;
  request.serial = 0;  // pending timers of this request no longer match
  request.step = Step::none;
  free_.push_back(r);
}

std::int64_t Simulation::Engine::sample(const FastSampler& sampler) {
  return std::max<std::int64_t>(0, to_ns(sampler.sample(service_random_)));
}

// A breaker changes state only inside the call that caused it: the call's snapshot holds why.
void Simulation::Engine::note_breaker(std::size_t replica, resilience::BreakerState before) {
  const resilience::CircuitBreaker& breaker = replicas_[replica]->controls.breaker();
  if (breaker.state() == before) return;
  const resilience::BreakerSnapshot snapshot = breaker.snapshot();
  const resilience::Transition& last = snapshot.transitions.back();
  transitions_.push_back(BreakerTransition{replica, static_cast<double>(now_) * 1e-9, last.from,
                                           last.to, last.reason});
}

std::vector<std::size_t> Simulation::Engine::targets(double share) const {
  const double wanted = std::ceil(share * static_cast<double>(replicas_.size()) - 1e-9);
  const std::size_t count =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(wanted, 1.0)), 1, replicas_.size());
  std::vector<std::size_t> chosen(count);
  for (std::size_t index = 0; index < count; ++index) chosen[index] = index;
  return chosen;
}

bool Simulation::Engine::apply(const FaultEvent& fault, std::string* error) {
  const std::vector<std::size_t> chosen = targets(fault.replica_share);
  std::string rejected;
  FieldError field_error;
  std::optional<bool> include_stale;
  switch (fault.kind) {
    case FaultEvent::Kind::chaos:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        auto merged = chaos::merge_chaos_settings(replica.chaos.current(), fault.body, field_error);
        if (!merged) break;
        replica.chaos.apply(*merged);
      }
      break;
    case FaultEvent::Kind::chaos_reset:
      for (std::size_t index : chosen) replicas_[index]->chaos.reset();
      break;
    case FaultEvent::Kind::resilience:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        auto merged = resilience::merge_resilience_settings(replica.controls.settings(), fault.body,
                                                            field_error);
        if (!merged) break;
        const resilience::BreakerState before = replica.controls.breaker().state();
        replica.controls.apply(*merged);
        note_breaker(index, before);
      }
      break;
    case FaultEvent::Kind::resilience_reset:
      for (std::size_t index : chosen) {
        Replica& replica = *replicas_[index];
        const resilience::BreakerState before = replica.controls.breaker().state();
        replica.controls.reset_breaker();
        note_breaker(index, before);
      }
      break;
    case FaultEvent::Kind::clear_cache:
      // Like POST /chaos/clear_cache on each chosen replica: Redis is shared, the in-process
      // copies are each replica's own, and both stale kinds go only with include_stale.
      include_stale = catalog::parse_clear_cache_body(fault.body, field_error);
      if (!include_stale) break;
      cache_.clear(*include_stale);
      if (*include_stale)
        for (std::size_t index : chosen) replicas_[index]->stale_copies.clear();
      break;
  }
  if (!field_error.detail.empty()) rejected = field_error.detail;
  if (rejected.empty()) return true;
  if (error) *error = rejected;
  return false;
}

void Simulation::Engine::close_second() {
  if (now_ == last_close_) return;
  last_close_ = now_;
  const telemetry::HistogramSnapshot cumulative = latency_.snapshot();
  const load::Tally tally = counts_.tally();
  const load::SecondPoint* point = book_.add(static_cast<double>(now_) * 1e-9, tally, cumulative);
  SimSecond second;
  second.point = point ? *point : book_.report().seconds.back();
  second.cache_lookups = counts_.lookups();
  second.cache_hit_rate = counts_.hit_rate();
  for (const auto& replica : replicas_) {
    ++second.breakers[static_cast<std::size_t>(replica->controls.breaker().state())];
    const postgres::PoolCounts pool = replica->pool.counts();
    second.pool_active += pool.active;
    second.pool_waiting += pool.waiting;
  }
  second.db_in_flight = db_in_flight_;
  second.postgres_connections = postgres_connections_;
  second.gateway_queue = gateway_queued_;
  for (const auto& replica : replicas_) second.replicas_down += replica->in_rotation ? 0 : 1;
  second.pool_acquires = counts_.acquires();
  second.pool_waited = counts_.waited();
  second.pool_wait_s = counts_.wait_s();
  counts_.clear();
  if (point == nullptr && !records_.empty()) {
    records_.back() = SecondRecord{std::move(second), cumulative, false};
  } else {
    records_.push_back(SecondRecord{std::move(second), cumulative, point == nullptr});
  }
}

// Simulation ----------------------------------------------------------------------------------

Simulation::Simulation(const Scenario& scenario) : engine_(std::make_unique<Engine>(scenario)) {}
Simulation::~Simulation() = default;

void Simulation::run_until(double t_s) {
  engine_->run_until(to_ns(t_s));
}
bool Simulation::apply(const FaultEvent& fault, std::string* error) {
  return engine_->apply(fault, error);
}
void Simulation::set_traffic(const TrafficSegment& segment) {
  engine_->set_traffic(segment);
}
void Simulation::flush() {
  engine_->close_second();
}
double Simulation::now_s() const {
  return static_cast<double>(engine_->now()) * 1e-9;
}
std::size_t Simulation::replicas() const {
  return engine_->replica_count();
}
resilience::BreakerSnapshot Simulation::breaker(std::size_t replica) const {
  return engine_->replica(replica).controls.breaker().snapshot();
}
chaos::ChaosSettings Simulation::chaos(std::size_t replica) const {
  return engine_->replica(replica).chaos.current();
}
resilience::ResilienceSettings Simulation::resilience(std::size_t replica) const {
  return engine_->replica(replica).controls.settings();
}
postgres::PoolCounts Simulation::pool(std::size_t replica) const {
  return engine_->replica(replica).pool.counts();
}
std::size_t Simulation::cache_size() const {
  return engine_->cache_size();
}
std::uint64_t Simulation::requests() const {
  return engine_->arrivals();
}
chaos::ChaosState& Simulation::chaos_state(std::size_t replica) {
  return engine_->replica(replica).chaos;
}

std::size_t Simulation::db_in_flight(std::size_t replica) const {
  return engine_->replica(replica).queries_in_flight;
}

std::size_t Simulation::stale_copies(std::size_t replica) const {
  return engine_->replica(replica).stale_copies.size();
}

const Clock& Simulation::clock() const {
  return engine_->clock();
}

std::vector<BulkLookup> Simulation::bulk_lookups(std::size_t replica,
                                                 const std::vector<std::int32_t>& ids,
                                                 std::size_t concurrency) {
  return engine_->bulk_lookups(replica, ids, concurrency);
}

std::vector<SecondRecord> Simulation::take_seconds() {
  return engine_->take_seconds();
}
const std::vector<BreakerTransition>& Simulation::transitions() const {
  return engine_->transitions();
}
const load::LoadReport& Simulation::report() const {
  return engine_->report();
}

}  // namespace srelab::sim
