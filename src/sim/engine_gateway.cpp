#include "sim/engine.hpp"

// The clients and the gateway. A client sends at its due time and gives up after
// client_timeout (a timeout). The gateway (when enabled) hands a request to a replica round-robin
// among those in rotation and below `server_connections`, else queues it (FIFO, 503 after
// queue_timeout); it answers 504 when the replica has not answered within server_timeout, and
// does not retry (the lab's gateway configuration sets no retries and no redispatch): the replica
// keeps working on it. Its health checks are requests of their own (no client, no breaker, no
// chaos, not counted by saturation): a pooled SELECT 1, then a Redis PING, as /readyz does;
// HAProxy starts the servers' first checks spread over one interval.
// Left out: clients that give up while queued at the gateway (their entry waits out
// queue_timeout).

namespace srelab::sim {

void Simulation::Engine::arrive() {
  arrivals_.advance();
  ++arrived_;
  counts_.arrived();
  const std::uint32_t r = allocate();
  Request& request = requests_[r];
  request.due = now_;
  request.id = arrivals_.next_id();
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

// The health checks --------------------------------------------------------------------------

void Simulation::Engine::start_check(std::size_t replica) {
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

void Simulation::Engine::on_check_timeout(std::uint32_t r) {
  if (!requests_[r].server_done) check_result(r, false);
}

// HAProxy's `fall` and `rise`: results in a row against the server's state flip it. Its next
// check starts one interval after this one ended (HAProxy reschedules from the check's end), so
// checks that wait for a full pool's timeout before failing come that much less often.
void Simulation::Engine::check_result(std::uint32_t r, bool ok) {
  Request& request = requests_[r];
  if (request.check_reported) return;
  request.check_reported = true;
  const std::size_t index = request.replica;
  events_.push(Event{now_ + to_ns(scenario_.gateway.check_interval), 0,
                     static_cast<std::uint32_t>(index), 0,
                     static_cast<std::uint8_t>(EventKind::health_check)});
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

}  // namespace srelab::sim
