// Where a connection string points, as libpq reads it: what the Postgres client spans' peer tags
// (out.host, network.destination.port, db.name, db.user) say.
#include <gtest/gtest.h>

#include <cstdlib>

#include "postgres/conninfo.hpp"

namespace srelab::postgres {
namespace {

TEST(ConnectionTarget, FromAUrl) {
  const auto target = connection_target("postgresql://lab@127.0.0.1:45432/srelab");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 45432);
  EXPECT_EQ(target->dbname, "srelab");
  EXPECT_EQ(target->user, "lab");
}

TEST(ConnectionTarget, FromKeywordsWithAHostListTheFirstHost) {
  const auto target =
      connection_target("host=db1.internal,db2.internal port=6543,6544 dbname=catalog user=app");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "db1.internal");
  EXPECT_EQ(target->port, 6543);
  EXPECT_EQ(target->dbname, "catalog");
  EXPECT_EQ(target->user, "app");
}

TEST(ConnectionTarget, WithoutADatabaseItIsTheUsers) {
  const auto target = connection_target("host=10.0.0.5 port=5432 user=reader");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "10.0.0.5");
  EXPECT_EQ(target->user, "reader");
  // libpq's default database is the user's name (unless PGDATABASE says otherwise).
  if (std::getenv("PGDATABASE") == nullptr) {
    EXPECT_EQ(target->dbname, "reader");
  }
}

TEST(ConnectionTarget, WhatLibpqCannotParseIsNothing) {
  EXPECT_FALSE(connection_target("host=a port"));
  EXPECT_FALSE(connection_target("nosuchkeyword=1"));
}

}  // namespace
}  // namespace srelab::postgres
