#include "postgres/pool.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "postgres/pool_bookkeeping.hpp"

// The shell around PoolBookkeeping: decisions are made under the mutex, awaiting happens
// outside it. Acquirers run on any io_context thread; a waiter is woken on its own executor.

namespace srelab::postgres {
namespace asio = boost::asio;

namespace {

// A queued acquirer. Shared, because the releasing thread's wake-up is posted and may run after
// the acquirer has already returned (its deadline fired at the same moment).
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;  // the acquire deadline, on the acquirer's own executor
  // Written under the pool mutex by whoever hands over a slot or closes the pool.
  std::optional<std::size_t> slot;
  bool connected = false;
  bool closed = false;
};

using WaiterPtr = std::shared_ptr<Waiter>;
using Bookkeeping = PoolBookkeeping<WaiterPtr>;
using Verdict = Bookkeeping::Verdict;

// Timers are not thread-safe, so the wake-up runs on the waiter's executor. Moving the expiry
// into the past (rather than cancel()) also wakes a waiter that has not begun to wait yet.
void wake(WaiterPtr waiter) {
  const auto executor = waiter->timer.get_executor();
  asio::post(executor, [waiter = std::move(waiter)] {
    waiter->timer.expires_at(asio::steady_timer::time_point::min());
  });
}

}  // namespace

struct PoolState : std::enable_shared_from_this<PoolState> {
  PoolState(PoolSettings pool_settings, const Clock& pool_clock)
      : settings(std::move(pool_settings)),
        clock(pool_clock),
        acquire_timeout(settings.acquire_timeout.count()),
        bookkeeping(settings.size, Backoff(settings.backoff_initial, settings.backoff_max)),
        connections(settings.size) {}

  asio::awaitable<result<Lease>> acquire(std::chrono::milliseconds timeout);
  void release(std::size_t slot, bool keep_connection);
  void close();
  std::size_t cancel_running_queries();

  const PoolSettings settings;
  const Clock& clock;
  std::atomic<std::chrono::milliseconds::rep> acquire_timeout;

  mutable std::mutex mutex;
  Bookkeeping bookkeeping;  // guarded by mutex
  // By slot. A leased slot's element belongs to its holder; a free slot's is touched only under
  // the mutex.
  std::vector<std::unique_ptr<Connection>> connections;

 private:
  struct Handed {
    std::size_t slot;
    bool connected;
  };

  asio::awaitable<result<Handed>> wait_for_slot(WaiterPtr waiter);
  asio::awaitable<result<Lease>> connect_slot(std::size_t slot);
  void abandon_wait(const WaiterPtr& waiter);
  void settle(std::unique_lock<std::mutex>& lock, std::size_t slot,
              std::optional<Bookkeeping::Handoff> handoff);
  Lease lease(std::size_t slot) { return Lease(shared_from_this(), slot, connections[slot].get()); }
};

namespace {

// Holds a slot while it connects: if the acquirer's frame is destroyed half way (its
// io_context shut down) or an exception escapes, the slot goes back instead of leaking.
class SlotHold {
 public:
  SlotHold(PoolState& pool, std::size_t slot) : pool_(&pool), slot_(slot) {}
  ~SlotHold() {
    if (pool_ != nullptr) pool_->release(slot_, false);
  }
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;
  void dismiss() { pool_ = nullptr; }

 private:
  PoolState* pool_;
  std::size_t slot_;
};

}  // namespace

asio::awaitable<result<Lease>> PoolState::acquire(std::chrono::milliseconds timeout) {
  Bookkeeping::Grant grant;
  {
    std::lock_guard lock(mutex);
    grant = bookkeeping.try_acquire(clock.now());
  }
  bool connected = grant.verdict == Verdict::idle;

  if (grant.verdict == Verdict::exhausted && timeout.count() > 0) {
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    waiter->timer.expires_after(timeout);
    {
      std::lock_guard lock(mutex);
      grant = bookkeeping.acquire_or_wait(clock.now(), waiter);
    }
    connected = grant.verdict == Verdict::idle;
    if (grant.verdict == Verdict::wait) {
      const result<Handed> handed = co_await wait_for_slot(std::move(waiter));
      if (!handed) co_return handed.error();
      grant = {Verdict::connect, handed->slot};
      connected = handed->connected;
    }
  }

  switch (grant.verdict) {
    case Verdict::closed:
      co_return errc::cancelled;
    case Verdict::exhausted:
      co_return errc::pool_exhausted;
    case Verdict::unavailable:
      co_return errc::db_unavailable;
    case Verdict::wait:
      co_return errc::pool_exhausted;  // not reached: handled above
    case Verdict::idle:
    case Verdict::connect:
      break;
  }
  // The slot is ours now.
  if (connected && connections[grant.slot]->refresh_health()) co_return lease(grant.slot);
  co_return co_await connect_slot(grant.slot);
}

asio::awaitable<result<PoolState::Handed>> PoolState::wait_for_slot(WaiterPtr waiter) {
  // Gives back whatever this wait was granted should the frame die before looking (see SlotHold).
  struct Registration {
    PoolState* pool;
    WaiterPtr& waiter;
    ~Registration() {
      if (pool != nullptr) pool->abandon_wait(waiter);
    }
  } registration{this, waiter};

  boost::system::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));

  registration.pool = nullptr;
  std::lock_guard lock(mutex);
  if (waiter->slot) co_return Handed{*waiter->slot, waiter->connected};
  if (waiter->closed) co_return errc::cancelled;
  bookkeeping.withdraw(waiter);
  // Our own wake-up always comes with a slot or `closed`; an abort without either is the
  // acquirer's coroutine being cancelled.
  co_return ec == asio::error::operation_aborted ? errc::cancelled : errc::pool_exhausted;
}

asio::awaitable<result<Lease>> PoolState::connect_slot(std::size_t slot) {
  SlotHold hold(*this, slot);
  std::unique_ptr<Connection> dead;
  {
    std::lock_guard lock(mutex);
    dead = std::move(connections[slot]);
    if (!bookkeeping.may_connect(clock.now())) co_return errc::db_unavailable;  // hold frees it
  }
  dead.reset();  // PQfinish outside the lock

  result<std::unique_ptr<Connection>> connection =
      co_await Connection::connect(settings.connection);

  std::unique_lock lock(mutex);
  hold.dismiss();
  if (!connection) {
    const errc error =
        connection.error() == errc::cancelled ? errc::cancelled : errc::db_unavailable;
    settle(lock, slot,
           error == errc::cancelled ? bookkeeping.release(slot, false)
                                    : bookkeeping.connect_failed(slot, clock.now()));
    co_return error;
  }
  bookkeeping.connect_succeeded();
  connections[slot] = std::move(*connection);
  co_return lease(slot);
}

void PoolState::release(std::size_t slot, bool keep_connection) {
  std::unique_lock lock(mutex);
  settle(lock, slot, bookkeeping.release(slot, keep_connection));
}

// After the bookkeeping freed `slot` (or handed it on): drops the slot's connection unless it
// stays in use, tells the waiter that got it, and leaves the lock released.
void PoolState::settle(std::unique_lock<std::mutex>& lock, std::size_t slot,
                       std::optional<Bookkeeping::Handoff> handoff) {
  const bool keep =
      handoff ? handoff->connected : bookkeeping.slot_state(slot) == Bookkeeping::SlotState::idle;
  std::unique_ptr<Connection> dropped;
  if (!keep) dropped = std::move(connections[slot]);
  if (handoff) {
    handoff->waiter->slot = handoff->slot;
    handoff->waiter->connected = handoff->connected;
  }
  lock.unlock();
  if (handoff) wake(std::move(handoff->waiter));
}

void PoolState::abandon_wait(const WaiterPtr& waiter) {
  std::unique_lock lock(mutex);
  if (bookkeeping.withdraw(waiter) || !waiter->slot) return;
  settle(lock, *waiter->slot, bookkeeping.release(*waiter->slot, waiter->connected));
}

void PoolState::close() {
  std::deque<WaiterPtr> waiters;
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mutex);
    waiters = bookkeeping.close();
    for (const WaiterPtr& waiter : waiters) waiter->closed = true;
    for (std::size_t slot = 0; slot < connections.size(); ++slot) {
      if (bookkeeping.slot_state(slot) != Bookkeeping::SlotState::leased && connections[slot]) {
        dropped.push_back(std::move(connections[slot]));
      }
    }
  }
  for (WaiterPtr& waiter : waiters) wake(std::move(waiter));
}

std::size_t PoolState::cancel_running_queries() {
  // The handles are taken under the lock (a leased slot's connection is replaced only under it)
  // and used after: each PQcancel is a round trip, which must not hold up every acquirer.
  std::vector<std::shared_ptr<const CancelHandle>> handles;
  {
    std::lock_guard lock(mutex);
    for (std::size_t slot = 0; slot < connections.size(); ++slot)
      if (bookkeeping.slot_state(slot) == Bookkeeping::SlotState::leased && connections[slot])
        handles.push_back(connections[slot]->cancel_handle());
  }
  std::size_t sent = 0;
  std::string ignored;  // a connection already gone has nothing left to cancel
  for (const auto& handle : handles)
    if (handle->cancel(ignored)) ++sent;
  return sent;
}

// Lease ------------------------------------------------------------------------------------

Lease::Lease(std::shared_ptr<PoolState> pool, std::size_t slot, Connection* connection)
    : pool_(std::move(pool)), slot_(slot), connection_(connection) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)),
      slot_(other.slot_),
      connection_(std::exchange(other.connection_, nullptr)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (connection_ != nullptr) pool_->release(slot_, connection_->healthy());
    pool_ = std::move(other.pool_);
    slot_ = other.slot_;
    connection_ = std::exchange(other.connection_, nullptr);
  }
  return *this;
}

Lease::~Lease() {
  if (connection_ != nullptr) pool_->release(slot_, connection_->healthy());
}

// Pool -------------------------------------------------------------------------------------

Pool::Pool(PoolSettings settings, const Clock& clock)
    : state_(std::make_shared<PoolState>(std::move(settings), clock)) {}

Pool::~Pool() {
  state_->close();
}

asio::awaitable<result<Lease>> Pool::acquire() {
  return acquire(
      std::chrono::milliseconds(state_->acquire_timeout.load(std::memory_order_relaxed)));
}

asio::awaitable<result<Lease>> Pool::acquire(std::chrono::milliseconds timeout) {
  // Leases keep the state alive; so does this frame, should the Pool go away meanwhile.
  const std::shared_ptr<PoolState> state = state_;
  co_return co_await state->acquire(timeout);
}

PoolCounts Pool::counts() const {
  std::lock_guard lock(state_->mutex);
  return state_->bookkeeping.counts();
}

const PoolSettings& Pool::settings() const {
  return state_->settings;
}

void Pool::set_acquire_timeout(std::chrono::milliseconds timeout) {
  state_->acquire_timeout.store(timeout.count(), std::memory_order_relaxed);
}

void Pool::close() {
  state_->close();
}

std::size_t Pool::cancel_running_queries() {
  return state_->cancel_running_queries();
}

}  // namespace srelab::postgres
