// One private Postgres and Redis per integration-test binary, on free loopback ports under a
// temporary state directory, started on first use and stopped at exit. Tests that stop or
// restart a server do it through here, so every binary is isolated from the others.
#pragma once

#include <cstdint>
#include <string>

namespace srelab::testing {

class TestServers {
 public:
  static TestServers& instance();  // starts both servers (schema + 10,000 seeded products)

  std::string database_url() const;  // postgresql://srelab@127.0.0.1:PORT/srelab
  std::string redis_url() const;     // redis://127.0.0.1:PORT/0
  std::uint16_t postgres_port() const;
  std::uint16_t redis_port() const;

  void stop_redis();
  void start_redis();
  void stop_postgres();
  void start_postgres();
  void restart_postgres();
  void flush_redis();  // FLUSHALL, via a blocking connection

  ~TestServers();

 private:
  TestServers();
  struct Impl;
  Impl* impl_;
};

}  // namespace srelab::testing
