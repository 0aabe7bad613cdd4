#include "lab/blocking_pg.hpp"

namespace srelab::lab {

std::string one_line(const char* message) {
  std::string text = message == nullptr ? "" : message;
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

PgConnection connect_blocking(const std::string& conninfo, std::string& error) {
  PgConnection connection(PQconnectdb(conninfo.c_str()));
  if (!connection) {
    error = "out of memory connecting to Postgres";
    return nullptr;
  }
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    error = "cannot connect to Postgres: " + one_line(PQerrorMessage(connection.get()));
    return nullptr;
  }
  // NOTICEs such as "relation already exists, skipping" are expected here, not news.
  PQsetNoticeProcessor(
      connection.get(), [](void*, const char*) {}, nullptr);
  return connection;
}

PgResult run(PGconn* connection, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  return PgResult(PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
}

bool succeeded(const PGresult* result) {
  const auto status = PQresultStatus(result);
  return result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

std::string failure_of(PGconn* connection, const PGresult* result) {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message == nullptr || *message == '\0') message = PQerrorMessage(connection);
  return one_line(message);
}

std::string sqlstate_of(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

}  // namespace srelab::lab
