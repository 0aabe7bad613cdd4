// The stores the catalog talks to, as its client spans describe them (telemetry/tracing/
// client_span.hpp): Redis as service `<service>-redis`, type redis, component hiredis (the
// client's protocol library), peer.service from out.host; Postgres as `<service>-postgres`,
// type sql, component libpq, peer.service from db.name. Built by the composition root from the
// configured endpoints and given to RedisProductCache and PgProductRepository.
#pragma once

#include "postgres/connection.hpp"
#include "redis/client.hpp"
#include "telemetry/tracing/client_span.hpp"

namespace srelab::catalog {

telemetry::PeerEndpoint redis_peer(const redis::ClientSettings& settings);
// Host, port, database and user as libpq resolves the connection string; the host alone
// ("localhost") when it does not parse.
telemetry::PeerEndpoint postgres_peer(const postgres::ConnectionSettings& settings);

}  // namespace srelab::catalog
