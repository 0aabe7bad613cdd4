// Postgres failures → srelab::errc, in one place. connection.cpp asks it about every failed
// query; catalog/ later turns the errc into an HTTP status. Pure function, unit-tested.
#pragma once

#include <string_view>

#include "core/errc.hpp"

namespace srelab::postgres {

// sqlstate: the five-character code of the server's error, or empty when libpq made the error
// up itself (e.g. "server closed the connection unexpectedly"). connection_ok: PQstatus after
// the failure; a dead connection is db_unavailable whatever the code says, because the caller
// must not reuse it and retrying elsewhere may succeed.
errc map_sqlstate(std::string_view sqlstate, bool connection_ok) noexcept;

}  // namespace srelab::postgres
