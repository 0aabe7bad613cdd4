#include "sim/engine.hpp"

#include <chrono>
#include <cmath>

// The event loop: the run's set-up, then what runs next (the earliest of the event heap, the
// timer FIFOs and the next arrival), dispatched to the part of the engine it belongs to.

namespace srelab::sim {
namespace {

// The random lanes of a seed: 0-2 the arrivals and service times, 3 + k replica k's; the health
// checks' phase takes one far above any replica's.
constexpr std::uint64_t kCheckPhaseLane = 1u << 20;

}  // namespace

Simulation::Engine::Engine(const Scenario& scenario)
    : scenario_(scenario),
      postgres_(scenario.postgres.max_connections),
      arrivals_(scenario.seed, scenario.poisson_arrivals),
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
    // HAProxy spreads its servers' first checks over one interval from its own start, which
    // comes before a run at no particular moment: where the run falls in that cadence is the
    // seed's draw, or a fault at a whole second would always meet the checks in the same step.
    const std::int64_t interval = to_ns(scenario.gateway.check_interval);
    const auto phase = static_cast<std::int64_t>(
        load::lane_random(scenario.seed, kCheckPhaseLane).unit() * static_cast<double>(interval));
    for (std::size_t index = 0; index < count; ++index)
      events_.push(Event{
          (phase + interval * static_cast<std::int64_t>(index) / static_cast<std::int64_t>(count)) %
              std::max<std::int64_t>(interval, 1),
          0, static_cast<std::uint32_t>(index), 0,
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
  constexpr std::int64_t kNever = Arrivals::kNever;
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
    const std::int64_t next_arrival = arrivals_.next_at();
    if (at == kNever || at > next_arrival) {
      if (next_arrival >= target) break;
      now_ = next_arrival;
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

}  // namespace srelab::sim
