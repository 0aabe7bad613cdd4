#include "catalog/peer_endpoints.hpp"

#include <string>

#include "postgres/conninfo.hpp"

namespace srelab::catalog {

telemetry::PeerEndpoint redis_peer(const redis::ClientSettings& settings) {
  telemetry::PeerEndpoint peer;
  peer.service_suffix = "redis";
  peer.type = "redis";
  peer.system = "redis";
  peer.component = "hiredis";
  peer.host = settings.host;
  peer.port = settings.port;
  peer.db_name = std::to_string(settings.database);
  return peer;
}

telemetry::PeerEndpoint postgres_peer(const postgres::ConnectionSettings& settings) {
  telemetry::PeerEndpoint peer;
  peer.service_suffix = "postgres";
  peer.type = "sql";
  peer.system = "postgresql";
  peer.component = "libpq";
  peer.peer_service_from_db_name = true;
  peer.host = "localhost";
  if (const auto target = postgres::connection_target(settings.conninfo)) {
    peer.host = target->host;
    peer.port = target->port;
    peer.db_name = target->dbname;
    peer.db_user = target->user;
  }
  return peer;
}

}  // namespace srelab::catalog
