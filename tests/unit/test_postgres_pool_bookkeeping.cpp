#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "postgres/pool_bookkeeping.hpp"

namespace srelab::postgres {
namespace {

using namespace std::chrono_literals;
using Book = PoolBookkeeping<int>;
using Verdict = Book::Verdict;
using SlotState = Book::SlotState;

constexpr std::size_t kSize = 5;

}  // namespace

// Readable failure messages.
void PrintTo(Book::Verdict verdict, std::ostream* out) {
  constexpr const char* names[] = {"idle", "connect", "wait", "exhausted", "unavailable", "closed"};
  *out << names[static_cast<int>(verdict)];
}

namespace {

class PoolBookkeepingTest : public ::testing::Test {
 protected:
  Book book{kSize, Backoff(100ms, 5000ms)};
  ManualClock clock;

  // Leases every slot through fresh connects, as a pool starting up does.
  void lease_all() {
    for (std::size_t i = 0; i < kSize; ++i) {
      const Book::Grant grant = book.try_acquire(clock.now());
      ASSERT_EQ(grant.verdict, Verdict::connect);
      book.connect_succeeded();
    }
  }
};

void expect_counts(const Book& book, std::size_t active, std::size_t idle, std::size_t waiting) {
  const PoolCounts counts = book.counts();
  EXPECT_EQ(counts.size, kSize);
  EXPECT_EQ(counts.active, active) << "active";
  EXPECT_EQ(counts.idle, idle) << "idle";
  EXPECT_EQ(counts.waiting, waiting) << "waiting";
}

TEST_F(PoolBookkeepingTest, NewPoolConnectsDistinctSlotsUpToItsSize) {
  expect_counts(book, 0, 0, 0);
  std::vector<bool> seen(kSize, false);
  for (std::size_t i = 0; i < kSize; ++i) {
    const Book::Grant grant = book.try_acquire(clock.now());
    ASSERT_EQ(grant.verdict, Verdict::connect);
    ASSERT_LT(grant.slot, kSize);
    EXPECT_FALSE(seen[grant.slot]) << "slot " << grant.slot << " granted twice";
    seen[grant.slot] = true;
    expect_counts(book, i + 1, 0, 0);
  }
  EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::exhausted);
  expect_counts(book, kSize, 0, 0);  // a refused try leaves no trace
  EXPECT_EQ(book.acquire_or_wait(clock.now(), 1).verdict, Verdict::wait);
  expect_counts(book, kSize, 0, 1);
}

TEST_F(PoolBookkeepingTest, ReleasedConnectionIsLeasedAgainAsIdle) {
  const Book::Grant first = book.try_acquire(clock.now());
  book.connect_succeeded();
  EXPECT_FALSE(book.release(first.slot, true).has_value());
  EXPECT_EQ(book.slot_state(first.slot), SlotState::idle);
  expect_counts(book, 0, 1, 0);

  const Book::Grant second = book.try_acquire(clock.now());
  EXPECT_EQ(second.verdict, Verdict::idle);
  EXPECT_EQ(second.slot, first.slot);
  expect_counts(book, 1, 0, 0);
}

TEST_F(PoolBookkeepingTest, IdleConnectionIsPreferredOverConnectingAnEmptySlot) {
  const Book::Grant a = book.try_acquire(clock.now());
  const Book::Grant b = book.try_acquire(clock.now());
  book.release(b.slot, true);
  EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::idle);
  book.release(a.slot, true);
  const Book::Grant c = book.try_acquire(clock.now());
  EXPECT_EQ(c.verdict, Verdict::idle);
  EXPECT_EQ(c.slot, a.slot);
}

TEST_F(PoolBookkeepingTest, UnhealthyReleaseEmptiesTheSlotForANewConnect) {
  lease_all();
  EXPECT_FALSE(book.release(2, false).has_value());
  EXPECT_EQ(book.slot_state(2), SlotState::empty);
  expect_counts(book, kSize - 1, 0, 0);

  const Book::Grant grant = book.try_acquire(clock.now());
  EXPECT_EQ(grant.verdict, Verdict::connect);
  EXPECT_EQ(grant.slot, 2u);
}

TEST_F(PoolBookkeepingTest, ReleaseHandsTheSlotToWaitersInArrivalOrder) {
  lease_all();
  for (int waiter : {10, 11, 12})
    EXPECT_EQ(book.acquire_or_wait(clock.now(), waiter).verdict, Verdict::wait);
  expect_counts(book, kSize, 0, 3);

  struct Step {
    std::size_t released_slot;
    int expected_waiter;
    std::size_t waiting_after;
  };
  const Step steps[] = {{3, 10, 2}, {1, 11, 1}, {4, 12, 0}};
  for (const Step& step : steps) {
    const auto handoff = book.release(step.released_slot, true);
    ASSERT_TRUE(handoff.has_value());
    EXPECT_EQ(handoff->waiter, step.expected_waiter);
    EXPECT_EQ(handoff->slot, step.released_slot);
    EXPECT_TRUE(handoff->connected);
    EXPECT_EQ(book.slot_state(step.released_slot), SlotState::leased)
        << "stays leased, by the waiter";
    expect_counts(book, kSize, 0, step.waiting_after);
  }
  EXPECT_FALSE(book.release(0, true).has_value());
  expect_counts(book, kSize - 1, 1, 0);
}

TEST_F(PoolBookkeepingTest, UnhealthyReleaseHandsAnEmptySlotToTheWaiter) {
  lease_all();
  book.acquire_or_wait(clock.now(), 7);
  const auto handoff = book.release(2, false);
  ASSERT_TRUE(handoff.has_value());
  EXPECT_EQ(handoff->waiter, 7);
  EXPECT_FALSE(handoff->connected);
  EXPECT_TRUE(book.may_connect(clock.now()));
  expect_counts(book, kSize, 0, 0);
}

TEST_F(PoolBookkeepingTest, WithdrawnWaiterIsSkipped) {
  lease_all();
  for (int waiter : {1, 2, 3}) book.acquire_or_wait(clock.now(), waiter);
  EXPECT_TRUE(book.withdraw(2));
  EXPECT_FALSE(book.withdraw(2));
  expect_counts(book, kSize, 0, 2);
  EXPECT_EQ(book.release(0, true)->waiter, 1);
  EXPECT_FALSE(book.withdraw(1)) << "already handed a slot: it must take it";
  EXPECT_EQ(book.release(1, true)->waiter, 3);
  EXPECT_FALSE(book.release(2, true).has_value());
}

TEST_F(PoolBookkeepingTest, BackoffGrowsExponentiallyToItsCapAndResetsOnSuccess) {
  const std::chrono::milliseconds expected_delays[] = {100ms,  200ms,  400ms,  800ms,
                                                       1600ms, 3200ms, 5000ms, 5000ms};
  for (const auto delay : expected_delays) {
    const Book::Grant grant = book.try_acquire(clock.now());
    ASSERT_EQ(grant.verdict, Verdict::connect);
    EXPECT_FALSE(book.connect_failed(grant.slot, clock.now()).has_value());
    expect_counts(book, 0, 0, 0);

    EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::unavailable);
    clock.advance(delay - 1ms);
    EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::unavailable) << delay.count();
    EXPECT_FALSE(book.may_connect(clock.now()));
    clock.advance(1ms);
    EXPECT_TRUE(book.may_connect(clock.now())) << delay.count();
  }

  const Book::Grant grant = book.try_acquire(clock.now());
  ASSERT_EQ(grant.verdict, Verdict::connect);
  book.connect_succeeded();
  const Book::Grant next = book.try_acquire(clock.now());  // grant's slot stays leased
  ASSERT_EQ(next.verdict, Verdict::connect);
  book.connect_failed(next.slot, clock.now());
  clock.advance(100ms);
  EXPECT_TRUE(book.may_connect(clock.now())) << "the delay starts over after a success";
}

TEST_F(PoolBookkeepingTest, ConnectsFailingTogetherCountAsOneFailure) {
  std::vector<std::size_t> slots;
  for (int i = 0; i < 3; ++i) slots.push_back(book.try_acquire(clock.now()).slot);
  for (std::size_t slot : slots) book.connect_failed(slot, clock.now());
  EXPECT_EQ(book.backoff().not_before(), clock.now() + 100ms);
  EXPECT_EQ(book.backoff().next_delay(), 200ms);
}

TEST_F(PoolBookkeepingTest, DuringBackoffIdleConnectionsAreStillLeased) {
  const Book::Grant healthy = book.try_acquire(clock.now());
  book.connect_succeeded();
  const Book::Grant failing = book.try_acquire(clock.now());
  book.connect_failed(failing.slot, clock.now());
  book.release(healthy.slot, true);

  const Book::Grant grant = book.try_acquire(clock.now());
  EXPECT_EQ(grant.verdict, Verdict::idle);
  EXPECT_EQ(grant.slot, healthy.slot);
  EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::unavailable)
      << "a free slot but no connect allowed: a fast error, not a wait";
  EXPECT_EQ(book.acquire_or_wait(clock.now(), 1).verdict, Verdict::unavailable);
  expect_counts(book, 1, 0, 0);
}

TEST_F(PoolBookkeepingTest, FailedConnectHandsTheSlotOnToTheNextWaiterWhoMayNotConnectYet) {
  lease_all();
  for (int waiter : {4, 5}) book.acquire_or_wait(clock.now(), waiter);

  const auto to_first = book.release(0, false);  // a broken connection comes back
  ASSERT_TRUE(to_first.has_value());
  EXPECT_EQ(to_first->waiter, 4);
  EXPECT_FALSE(to_first->connected);
  ASSERT_TRUE(book.may_connect(clock.now()));

  const auto to_second = book.connect_failed(0, clock.now());  // waiter 4 cannot reconnect
  ASSERT_TRUE(to_second.has_value());
  EXPECT_EQ(to_second->waiter, 5);
  EXPECT_FALSE(to_second->connected);
  EXPECT_FALSE(book.may_connect(clock.now())) << "5 fails fast instead of hammering the server";
  expect_counts(book, kSize, 0, 0);

  EXPECT_FALSE(book.release(0, false).has_value());  // 5 gives the slot back
  expect_counts(book, kSize - 1, 0, 0);
}

TEST_F(PoolBookkeepingTest, CloseRefusesAcquiresReturnsWaitersAndDropsConnections) {
  lease_all();
  for (int waiter : {1, 2}) book.acquire_or_wait(clock.now(), waiter);
  EXPECT_EQ(book.release(0, true)->waiter, 1);  // 1 holds slot 0 now

  const std::deque<int> woken = book.close();
  EXPECT_EQ(woken, std::deque<int>{2});
  EXPECT_TRUE(book.closed());
  EXPECT_EQ(book.try_acquire(clock.now()).verdict, Verdict::closed);
  EXPECT_EQ(book.acquire_or_wait(clock.now(), 3).verdict, Verdict::closed);
  expect_counts(book, kSize, 0, 0);

  EXPECT_FALSE(book.release(1, true).has_value());
  EXPECT_EQ(book.slot_state(1), SlotState::empty) << "a connection returned after close is dropped";
  expect_counts(book, kSize - 1, 0, 0);
}

TEST_F(PoolBookkeepingTest, CloseEmptiesIdleSlots) {
  const Book::Grant a = book.try_acquire(clock.now());
  const Book::Grant b = book.try_acquire(clock.now());
  book.release(a.slot, true);
  book.close();
  EXPECT_EQ(book.slot_state(a.slot), SlotState::empty);
  EXPECT_EQ(book.slot_state(b.slot), SlotState::leased);
  expect_counts(book, 1, 0, 0);
}

// A longer script: after every step the counts must add up, whatever happened before.
TEST_F(PoolBookkeepingTest, CountsStayConsistentThroughAScript) {
  enum class Op { acquire, wait, release_kept, release_dropped, connect_failed, withdraw };
  struct Step {
    Op op;
    int arg;  // slot or waiter
    std::size_t active, idle, waiting;
  };
  const Step script[] = {
      {Op::acquire, 0, 1, 0, 0},         {Op::acquire, 0, 2, 0, 0},
      {Op::release_kept, 0, 1, 1, 0},    {Op::acquire, 0, 2, 0, 0},  // idle reused
      {Op::acquire, 0, 3, 0, 0},         {Op::acquire, 0, 4, 0, 0},
      {Op::acquire, 0, 5, 0, 0},         {Op::wait, 100, 5, 0, 1},
      {Op::wait, 101, 5, 0, 2},          {Op::withdraw, 100, 5, 0, 1},
      {Op::release_dropped, 3, 5, 0, 0},  // handed (empty) to 101
      {Op::connect_failed, 3, 4, 0, 0},  {Op::release_kept, 1, 3, 1, 0},
      {Op::release_dropped, 2, 2, 1, 0}, {Op::acquire, 0, 3, 0, 0},  // idle slot 1
  };
  for (std::size_t i = 0; i < std::size(script); ++i) {
    const Step& step = script[i];
    switch (step.op) {
      case Op::acquire: {
        const Book::Grant grant = book.try_acquire(clock.now());
        EXPECT_TRUE(grant.verdict == Verdict::idle || grant.verdict == Verdict::connect);
        break;
      }
      case Op::wait:
        book.acquire_or_wait(clock.now(), step.arg);
        break;
      case Op::release_kept:
        book.release(static_cast<std::size_t>(step.arg), true);
        break;
      case Op::release_dropped:
        book.release(static_cast<std::size_t>(step.arg), false);
        break;
      case Op::connect_failed:
        book.connect_failed(static_cast<std::size_t>(step.arg), clock.now());
        break;
      case Op::withdraw:
        book.withdraw(step.arg);
        break;
    }
    SCOPED_TRACE("step " + std::to_string(i));
    expect_counts(book, step.active, step.idle, step.waiting);
  }
}

}  // namespace
}  // namespace srelab::postgres
