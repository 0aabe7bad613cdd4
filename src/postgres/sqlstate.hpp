// Postgres failures → srelab::errc, in one place, and a SQLSTATE's condition name (what an error
// span's error.type is made of). connection.cpp asks it about every failed
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

// The condition name Postgres' documentation gives a SQLSTATE ("22P02" →
// "invalid_text_representation"), for the codes this service meets; for another code, the name of
// its class (its first two characters: "22xxx" → "data_exception"); empty when the class is
// unknown too.
std::string_view sqlstate_condition(std::string_view sqlstate) noexcept;

}  // namespace srelab::postgres
