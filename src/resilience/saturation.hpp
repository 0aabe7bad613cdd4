// The saturation model: database latency grows with the number of database queries in flight.
//   extra latency = saturation_ms_per_query × (queries in flight, this one included, − 1)
// so a lone query pays nothing, and 5 concurrent queries each pay 4 × the slope. Shared by all
// worker threads: the count is an atomic, held by an RAII guard for the query's lifetime.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

namespace srelab::resilience {

class Saturation {
 public:
  class InFlight {
   public:
    explicit InFlight(Saturation& model) : model_(&model), position_(++model.in_flight_) {}
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    ~InFlight() { --model_->in_flight_; }
    // Queries in flight when this one started, itself included.
    std::size_t concurrent() const { return position_; }

   private:
    Saturation* model_;
    std::size_t position_;
  };

  std::size_t in_flight() const { return in_flight_.load(); }

  static std::chrono::microseconds extra_latency(double ms_per_query, std::size_t concurrent) {
    if (concurrent <= 1 || !(ms_per_query > 0)) return {};  // NaN too: no UB in the cast
    return std::chrono::microseconds(
        static_cast<long long>(ms_per_query * 1000.0 * static_cast<double>(concurrent - 1)));
  }

 private:
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace srelab::resilience
