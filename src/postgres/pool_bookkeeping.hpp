// The pool's bookkeeping without I/O: which slots are empty, idle or leased, who waits for one
// (FIFO), and whether a new connect is allowed yet (core/backoff.hpp). Pool (pool.cpp) calls it
// under its mutex and does the awaiting; the unit tests drive it with plain values and a
// ManualClock's time points.
//
// A template on the waiter handle so the pool can queue its shared waiter objects while tests
// queue plain ints; the handle must be cheap to move and equality-comparable.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "postgres/pool.hpp"

namespace srelab::postgres {

template <class Waiter>
class PoolBookkeeping {
 public:
  using time_point = Clock::time_point;

  enum class SlotState : std::uint8_t {
    empty,   // no connection, free
    idle,    // connected, free
    leased,  // someone holds it: a lease, or an acquirer connecting it
  };

  enum class Verdict {
    idle,         // take the idle connection in `slot`
    connect,      // `slot` is yours, connect it
    wait,         // queued: a release will hand you a slot, or withdraw() when you give up
    exhausted,    // every slot is leased and you did not want to wait
    unavailable,  // a connect is needed but the backoff after a failed one has not passed
    closed,
  };

  struct Grant {
    Verdict verdict;
    std::size_t slot = 0;
  };

  // A released slot goes straight to the first waiter; `connected` says whether the connection
  // came with it or the waiter must connect (then subject to may_connect()).
  struct Handoff {
    Waiter waiter;
    std::size_t slot;
    bool connected;
  };

  PoolBookkeeping(std::size_t size, Backoff backoff)
      : slots_(size, SlotState::empty), backoff_(backoff), empty_(size) {}

  // For a caller that does not wait (acquire timeout 0) or tries before queueing.
  Grant try_acquire(time_point now) {
    return grant_free_slot(now).value_or(Grant{Verdict::exhausted});
  }

  // As try_acquire, but queues `waiter` at the back when every slot is leased.
  Grant acquire_or_wait(time_point now, Waiter waiter) {
    if (auto grant = grant_free_slot(now)) return *grant;
    waiters_.push_back(std::move(waiter));
    return {Verdict::wait};
  }

  // A lease comes back; keep_connection false drops its connection (broken, or pool closed).
  std::optional<Handoff> release(std::size_t slot, bool keep_connection) {
    const bool connected = keep_connection && !closed_;
    if (!waiters_.empty()) {
      Handoff handoff{std::move(waiters_.front()), slot, connected};
      waiters_.pop_front();
      return handoff;  // the slot stays leased, now by the waiter
    }
    set_state(slot, connected ? SlotState::idle : SlotState::empty);
    return std::nullopt;
  }

  // A connect into a leased slot failed: the slot becomes free (and unconnected) again.
  std::optional<Handoff> connect_failed(std::size_t slot, time_point now) {
    backoff_.record_failure(now);
    return release(slot, false);
  }

  void connect_succeeded() { backoff_.record_success(); }

  // For a caller holding a slot without a live connection (a hand-off of an empty slot, or an
  // idle connection found dead): may it connect now?
  bool may_connect(time_point now) const { return backoff_.allows(now); }

  // A waiter gives up (deadline or cancellation). False when it is no longer queued: it was
  // handed a slot meanwhile and must take it (or release it).
  bool withdraw(const Waiter& waiter) {
    const auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
    if (it == waiters_.end()) return false;
    waiters_.erase(it);
    return true;
  }

  // Refuses acquires from now on, empties the idle slots (the caller drops their connections)
  // and returns the waiters, in order, for the caller to wake with a cancellation.
  std::deque<Waiter> close() {
    closed_ = true;
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
      if (slots_[slot] == SlotState::idle) set_state(slot, SlotState::empty);
    }
    return std::exchange(waiters_, {});
  }

  PoolCounts counts() const { return {slots_.size(), leased_, idle_, waiters_.size()}; }
  SlotState slot_state(std::size_t slot) const { return slots_[slot]; }
  bool closed() const { return closed_; }
  const Backoff& backoff() const { return backoff_; }

 private:
  // Invariant: a slot is free (empty or idle) only while nobody waits, because release() and
  // connect_failed() hand a freed slot to the first waiter before anything else.
  std::optional<Grant> grant_free_slot(time_point now) {
    if (closed_) return Grant{Verdict::closed};
    std::optional<std::size_t> empty;
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
      if (slots_[slot] == SlotState::idle) {
        set_state(slot, SlotState::leased);
        return Grant{Verdict::idle, slot};
      }
      if (!empty && slots_[slot] == SlotState::empty) empty = slot;
    }
    if (!empty) return std::nullopt;
    if (!backoff_.allows(now)) return Grant{Verdict::unavailable};
    set_state(*empty, SlotState::leased);
    return Grant{Verdict::connect, *empty};
  }

  void set_state(std::size_t slot, SlotState state) {
    count_of(slots_[slot]) -= 1;
    slots_[slot] = state;
    count_of(state) += 1;
  }

  std::size_t& count_of(SlotState state) {
    return state == SlotState::leased ? leased_ : state == SlotState::idle ? idle_ : empty_;
  }

  std::vector<SlotState> slots_;
  std::deque<Waiter> waiters_;
  Backoff backoff_;
  std::size_t empty_;
  std::size_t leased_ = 0;
  std::size_t idle_ = 0;
  bool closed_ = false;
};

}  // namespace srelab::postgres
