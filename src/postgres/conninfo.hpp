// Where a connection string points: host, port, database and user, as libpq will resolve them
// (what the string gives, else the PG* environment and libpq's defaults). For the tags of the
// Postgres client spans (out.host, network.destination.port, db.name, db.user); the connection
// itself still goes through libpq with the string as given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace srelab::postgres {

struct ConnectionTarget {
  std::string host;  // the first of a host list; a Unix socket directory as given
  std::uint16_t port = 5432;
  std::string dbname;  // the user's name when neither the string nor the environment gives one
  std::string user;
};

// nullopt when libpq cannot parse `conninfo` (key=value pairs or a postgresql:// URL).
std::optional<ConnectionTarget> connection_target(const std::string& conninfo);

}  // namespace srelab::postgres
