// The open loop's policy for a request that comes due while every connection its thread may
// open is busy: it waits, first come first served, for the next connection to free up, and its
// latency still counts from its due time. It is dropped by the generator (counted, never sent)
// when it has waited longer than the timeout by the time a connection frees up, or when the line
// already holds `capacity` requests (memory stays bounded when the target stops answering).
// Plain logic on due times; the worker drives it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace srelab::load {

class WaitingLine {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  WaitingLine(std::chrono::nanoseconds timeout, std::size_t capacity)
      : timeout_(timeout), capacity_(capacity) {}

  // false when the line is full: the request is dropped.
  bool push(time_point due);
  // The oldest request that has not waited past the timeout at `now`; the older ones are
  // dropped and counted in `dropped`.
  std::optional<time_point> pop(time_point now, std::uint64_t& dropped);
  void clear() { line_.clear(); }
  std::size_t size() const { return line_.size(); }

 private:
  std::chrono::nanoseconds timeout_;
  std::size_t capacity_;
  std::deque<time_point> line_;
};

}  // namespace srelab::load
