// A blocking libpq connection for the lab's one-off set-up work (creating the role and
// database, seeding the catalog): it runs once at start-up, never on the request path, so the
// simple synchronous API is the right tool. Used by PostgresServer and prepare_catalog.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace srelab::lab {

struct PgConnectionDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnectionDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Null on failure, with libpq's message (one line) in `error`.
PgConnection connect_blocking(const std::string& conninfo, std::string& error);

// Runs one statement with text parameters and returns its result whatever the outcome.
PgResult run(PGconn* connection, const std::string& sql,
             const std::vector<std::string>& params = {});

// True for COMMAND_OK and TUPLES_OK.
bool succeeded(const PGresult* result);

// The server's (or libpq's) message for a failed statement, on one line.
std::string failure_of(PGconn* connection, const PGresult* result);

// The SQLSTATE of a failed statement, empty if none (e.g. the connection broke).
std::string sqlstate_of(const PGresult* result);

// One line of libpq's (often multi-line) message.
std::string one_line(const char* message);

}  // namespace srelab::lab
