#include <gtest/gtest.h>

#include <string_view>

#include "postgres/sqlstate.hpp"

namespace srelab::postgres {
namespace {

struct Case {
  std::string_view sqlstate;
  bool connection_ok;
  errc expected;
  std::string_view why;
};

constexpr Case kCases[] = {
    {"57014", true, errc::db_timeout, "query_canceled: statement_timeout"},
    {"08006", true, errc::db_unavailable, "connection_failure"},
    {"08001", true, errc::db_unavailable, "sqlclient_unable_to_establish_sqlconnection"},
    {"08003", true, errc::db_unavailable, "connection_does_not_exist"},
    {"08P01", true, errc::db_unavailable, "protocol_violation is class 08 too"},
    {"57P01", true, errc::db_unavailable, "admin_shutdown: server going down"},
    {"57P02", true, errc::db_unavailable, "crash_shutdown"},
    {"57P03", true, errc::db_unavailable, "cannot_connect_now: server starting"},
    {"53300", true, errc::db_unavailable, "too_many_connections"},
    {"42P01", true, errc::db_query_failed, "undefined_table"},
    {"42601", true, errc::db_query_failed, "syntax_error"},
    {"22P02", true, errc::db_query_failed, "invalid_text_representation"},
    {"23505", true, errc::db_query_failed, "unique_violation"},
    {"57000", true, errc::db_query_failed, "other class 57 codes are plain failures"},
    {"40001", true, errc::db_query_failed, "serialization_failure"},
    {"", true, errc::db_query_failed, "a libpq-made error on a live connection"},
    {"", false, errc::db_unavailable, "a libpq-made error, connection lost"},
    {"42P01", false, errc::db_unavailable, "a dead connection wins over the code"},
    {"57014", false, errc::db_unavailable, "a dead connection wins over a timeout too"},
};

TEST(PostgresSqlstate, MapsToErrc) {
  for (const Case& c : kCases) {
    EXPECT_EQ(map_sqlstate(c.sqlstate, c.connection_ok), c.expected)
        << "sqlstate '" << c.sqlstate << "' connection_ok=" << c.connection_ok << ": " << c.why;
  }
}

TEST(PostgresSqlstate, NamesTheCondition) {
  EXPECT_EQ(sqlstate_condition("22P02"), "invalid_text_representation");
  EXPECT_EQ(sqlstate_condition("57014"), "query_canceled");
  EXPECT_EQ(sqlstate_condition("22023"), "data_exception") << "an unlisted code: its class";
  EXPECT_EQ(sqlstate_condition("08004"), "connection_exception");
  EXPECT_EQ(sqlstate_condition("ZZ999"), "") << "unknown class";
  EXPECT_EQ(sqlstate_condition(""), "") << "no code: libpq made the error up";
  EXPECT_EQ(sqlstate_condition("22P0"), "");
}

}  // namespace
}  // namespace srelab::postgres
