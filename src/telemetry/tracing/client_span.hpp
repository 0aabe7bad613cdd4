// A client span as Datadog's integrations make one for a call to a database or a cache: its own
// service, `<service>-<suffix>` (e.g. sre-lab-redis) with _dd.base_service naming the tracer's,
// so the service map draws the store as a node of its own; its span type (redis, sql); and the
// peer tags Datadog's inferred services read: out.host, network.destination.port (a metric, as
// tracers send numbers), db.system and db.type, db.name, db.user, peer.service (from db.name, else
// out.host, with _dd.peer.service.source naming which) and component (the client library).
// Also span.kind client and _dd.measured, so the agent computes trace metrics for the span.
// A PeerEndpoint is built once from the configured endpoint (catalog/ builds them for Redis and
// Postgres) and applied to every client span of that store.
#pragma once

#include <cstdint>
#include <string>

#include "telemetry/tracing/span.hpp"

namespace srelab::telemetry {

struct PeerEndpoint {
  std::string service_suffix;  // "redis" → service "<base>-redis"; empty: the base service
  std::string type;            // the span type: "redis", "sql"
  std::string system;          // db.system and db.type: "redis", "postgresql"
  std::string component;       // the client library: "hiredis", "libpq"
  std::string host;            // out.host
  std::uint16_t port = 0;      // network.destination.port; 0: not tagged
  std::string db_name;         // db.name; empty: not tagged
  std::string db_user;         // db.user; empty: not tagged
  bool peer_service_from_db_name = false;  // peer.service from db.name (a database) or out.host
};

// Tags `span` (when it records) as a client span of `peer`.
void tag_client_span(Span& span, const PeerEndpoint& peer);

}  // namespace srelab::telemetry
