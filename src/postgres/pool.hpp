// A bounded pool of Postgres connections, shared by all worker threads. acquire() waits at most
// the acquire timeout (0 = fail at once) and returns an RAII Lease; a broken connection is dropped
// when its lease returns, and the slot reconnects on next use, with backoff while Postgres is down.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "postgres/connection.hpp"

namespace srelab::postgres {

struct PoolSettings {
  ConnectionSettings connection;
  std::size_t size = 5;
  std::chrono::milliseconds acquire_timeout{1000};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
};

struct PoolCounts {
  std::size_t size = 0;     // the bound
  std::size_t active = 0;   // leased out (including ones connecting)
  std::size_t idle = 0;     // free in the pool
  std::size_t waiting = 0;  // acquirers queued for a free connection

  bool operator==(const PoolCounts&) const = default;
};

class Pool;
struct PoolState;  // shared between the pool and its leases (pool.cpp)

class Lease {
 public:
  Lease() = default;
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();  // returns the connection (or drops it when unhealthy)

  Connection& connection() const { return *connection_; }
  Connection* operator->() const { return connection_; }
  explicit operator bool() const { return connection_ != nullptr; }

 private:
  friend struct PoolState;
  Lease(std::shared_ptr<PoolState> pool, std::size_t slot, Connection* connection);
  std::shared_ptr<PoolState> pool_;
  std::size_t slot_ = 0;
  Connection* connection_ = nullptr;
};

class Pool {
 public:
  // `clock` (for the reconnect backoff) must outlive the pool and its leases. Close the pool, or
  // destroy it, before the io_contexts that use it: a queued acquirer is woken on its own one.
  Pool(PoolSettings settings, const Clock& clock);
  ~Pool();  // close()
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // errc::pool_exhausted when no slot frees up in time; errc::db_unavailable when a fresh
  // connection cannot be made (or the pool is in backoff after failed connects);
  // errc::cancelled once the pool is closed. Waiters are served first come, first served.
  // Without an argument, the timeout is the current set_acquire_timeout() value.
  boost::asio::awaitable<result<Lease>> acquire();
  boost::asio::awaitable<result<Lease>> acquire(std::chrono::milliseconds timeout);

  PoolCounts counts() const;
  const PoolSettings& settings() const;  // as constructed (acquire_timeout: the initial one)
  void set_acquire_timeout(std::chrono::milliseconds timeout);  // runtime-settable (chaos issue)
  void close();  // wakes waiters with errc::cancelled, refuses new acquires, drops idle connections
  // Asks Postgres to cancel what every leased connection runs now (PQcancel), so that a shutdown
  // leaves no backend working for a client that is gone; the holders see their query fail
  // (SQLSTATE 57014). Blocks for a round trip per leased connection, outside the pool's lock:
  // call it off the io threads. Returns how many cancel requests reached the server.
  std::size_t cancel_running_queries();

 private:
  std::shared_ptr<PoolState> state_;
};

}  // namespace srelab::postgres
