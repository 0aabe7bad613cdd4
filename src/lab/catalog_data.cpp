#include "lab/catalog_data.hpp"

#include "lab/blocking_pg.hpp"
#include "lab/catalog_seed.hpp"

namespace srelab::lab {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS products ("
    " id integer PRIMARY KEY,"
    " name text NOT NULL,"
    " description text NOT NULL,"
    " category text NOT NULL,"
    " price numeric(10,2) NOT NULL,"
    " updated_at timestamptz NOT NULL)";

constexpr std::size_t kCopyChunk = 64 * 1024;

// Runs `sql`; on failure sets `error` to "<what>: <message>" and returns false.
bool exec(PGconn* c, const char* what, const std::string& sql, std::string& error) {
  auto result = run(c, sql);
  if (succeeded(result.get())) return true;
  error = std::string("catalog: ") + what + ": " + failure_of(c, result.get());
  return false;
}

bool copy_rows(PGconn* c, const SeedSettings& seed, std::string& error) {
  auto started = run(c,
                     "COPY products (id, name, description, category, price, updated_at) "
                     "FROM STDIN");
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    error = "catalog: starting COPY: " + failure_of(c, started.get());
    return false;
  }
  std::string buffer;
  buffer.reserve(kCopyChunk + 512);
  auto flush = [&] {
    const bool sent = PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size())) == 1;
    buffer.clear();
    return sent;
  };
  bool ok = true;
  for (int id = 1; id <= seed.products && ok; ++id) {
    buffer += copy_line(generate_product(seed.seed, id));
    if (buffer.size() >= kCopyChunk) ok = flush();
  }
  if (ok && !buffer.empty()) ok = flush();
  if (PQputCopyEnd(c, ok ? nullptr : "sending rows failed") != 1) ok = false;
  PgResult finished(PQgetResult(c));
  const bool copied = ok && succeeded(finished.get());
  if (!copied) error = "catalog: COPY products: " + failure_of(c, finished.get());
  while (PgResult rest{PQgetResult(c)}) {
  }
  return copied;
}

}  // namespace

result<void> prepare_catalog(const std::string& conninfo, const SeedSettings& seed,
                             std::string& error) {
  auto connection = connect_blocking(conninfo, error);
  if (!connection) {
    error = "catalog: " + error;
    return errc::db_unavailable;
  }
  PGconn* c = connection.get();
  if (!exec(c, "creating table products", kCreateTable, error)) return errc::db_query_failed;

  // The lock makes a concurrent prepare_catalog wait and then find the table filled.
  if (!exec(c, "BEGIN", "BEGIN", error) ||
      !exec(c, "locking products", "LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE", error)) {
    return errc::db_query_failed;
  }
  auto existing = run(c, "SELECT EXISTS (SELECT 1 FROM products)");
  if (!succeeded(existing.get())) {
    error = "catalog: counting products: " + failure_of(c, existing.get());
    return errc::db_query_failed;
  }
  const bool empty = std::string(PQgetvalue(existing.get(), 0, 0)) == "f";
  if (empty && !copy_rows(c, seed, error)) return errc::db_query_failed;
  if (!exec(c, "COMMIT", "COMMIT", error)) return errc::db_query_failed;
  // Fresh statistics, so the first queries of an experiment get the same plans as later ones.
  if (empty && !exec(c, "ANALYZE products", "ANALYZE products", error)) {
    return errc::db_query_failed;
  }
  return {};
}

}  // namespace srelab::lab
