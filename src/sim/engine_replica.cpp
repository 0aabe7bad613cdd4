#include <cmath>

#include "resilience/saturation.hpp"
#include "sim/engine.hpp"

// A replica's part of a request, ProductService::get step by step over the service's own
// classes: the gateway's hop and its own overhead (no CPU queueing: infinite servers), then
// Redis GET -> hit: 200 cache; miss -> breaker -> pool -> query -> breaker -> fill -> 200
// database; rejected or failed -> fallback (stale copy in Redis, else in-process, else the
// emergency record or the error); pool timeout -> 503, permit given back, no fallback.
//  - Redis commands are decided when they are issued (after any injected latency) and take one
//    round trip (calibration.cache_latency); an injected failure is an error reply after it;
//  - Postgres (shared_postgres.hpp) has no queue of its own (queries wait only for pool slots); a
//    query takes the injected latency plus saturation (the replica's queries in flight) plus
//    db_query; a connect takes connect_time and fails beyond max_connections like "too many
//    clients".
// Left out: ids without a product (every id exists: no 404), the leak.

namespace srelab::sim {

// The gateway's hop and the service's own work come first (neither queues), then Redis.
void Simulation::Engine::send_to_replica(std::uint32_t r, std::size_t replica) {
  Request& request = requests_[r];
  request.replica = static_cast<std::uint32_t>(replica);
  request.server_done = false;
  const std::int64_t hop = request.bulk ? 0 : sample(gateway_overhead_);
  const std::int64_t at = now_ + hop + sample(service_overhead_);
  if (redis_command_now(r, Step::cache_get, at)) issue_cache_get(r, at);
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
  request.connect_ok = postgres_.open_backend();
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
  postgres_.query_started();
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
  postgres_.query_finished();
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
  if (redis_command_now(r, Step::fill, now_)) issue_fill(r, now_);
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
  if (redis_command_now(r, Step::stale_get, now_)) issue_stale_get(r, now_);
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

// No connection: a health check fails (no breaker, no fallback), a client's request goes on to
// the breaker and the fallback.
void Simulation::Engine::database_failed_or_check(std::uint32_t r, boost::system::error_code code) {
  if (requests_[r].health_check) {
    respond_at(r, now_, 503, AnswerSource::none);
    return;
  }
  database_failed(r, code);
}

}  // namespace srelab::sim
