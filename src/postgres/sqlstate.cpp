#include "postgres/sqlstate.hpp"

namespace srelab::postgres {

errc map_sqlstate(std::string_view sqlstate, bool connection_ok) noexcept {
  if (!connection_ok) return errc::db_unavailable;
  // query_canceled: what statement_timeout raises (also a user's pg_cancel_backend).
  if (sqlstate == "57014") return errc::db_timeout;
  // Class 08, connection exception.
  if (sqlstate.starts_with("08")) return errc::db_unavailable;
  // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going down or not up yet,
  // which is an outage of the database, not a fault of this query.
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return errc::db_unavailable;
  }
  // too_many_connections: the server refuses sessions; another try later may work.
  if (sqlstate == "53300") return errc::db_unavailable;
  return errc::db_query_failed;
}

}  // namespace srelab::postgres
