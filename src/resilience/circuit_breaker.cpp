#include "resilience/circuit_breaker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace srelab::resilience {
namespace {

// Settings come validated from resilience_settings; these guards only keep a bad value from
// turning into a breaker that can never open or a window that cannot hold a call.
BreakerSettings sanitized(BreakerSettings settings) {
  settings.window_size = std::max<std::size_t>(settings.window_size, 1);
  settings.minimum_calls = std::clamp<std::size_t>(settings.minimum_calls, 1, settings.window_size);
  settings.half_open_calls = std::max<std::size_t>(settings.half_open_calls, 1);
  return settings;
}

struct WindowRates {
  double failure = 0;
  double slow = 0;
};

WindowRates rates_of(const std::deque<CallRecord>& window) {
  if (window.empty()) return {};
  std::size_t failed = 0;
  std::size_t slow = 0;
  for (const CallRecord& call : window) {
    failed += call.failed ? 1 : 0;
    slow += call.slow ? 1 : 0;
  }
  const auto total = static_cast<double>(window.size());
  return {static_cast<double>(failed) / total, static_cast<double>(slow) / total};
}

// "60", "33.3", "100": rates as people read them in a reason.
std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g%%", std::round(rate * 1000.0) / 10.0);
  return text;
}

std::string milliseconds_text(Clock::duration duration) {
  char text[48];
  std::snprintf(text, sizeof text, "%g ms",
                std::chrono::duration<double, std::milli>(duration).count());
  return text;
}

std::string seconds_text(Clock::duration duration) {
  char text[48];
  std::snprintf(text, sizeof text, "%g s", std::chrono::duration<double>(duration).count());
  return text;
}

std::string trial_calls_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " trial call succeeded" : " trial calls succeeded");
}

}  // namespace

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::closed:
      return "CLOSED";
    case BreakerState::open:
      return "OPEN";
    case BreakerState::half_open:
      return "HALF_OPEN";
    case BreakerState::forced_open:
      return "OPEN";
    case BreakerState::disabled:
      return "DISABLED";
  }
  return "UNKNOWN";
}

CircuitBreaker::CircuitBreaker(BreakerSettings settings, const Clock& clock)
    : clock_(clock), settings_(sanitized(settings)) {}

bool CircuitBreaker::try_acquire() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case BreakerState::closed:
    case BreakerState::disabled:
      return true;
    case BreakerState::open:
      if (clock_.now() < open_until_) break;
      transition(BreakerState::half_open,
                 "open wait of " + seconds_text(settings_.open_wait) + " elapsed");
      ++half_open_permits_;
      return true;
    case BreakerState::half_open:
      if (half_open_permits_ >= settings_.half_open_calls) break;
      ++half_open_permits_;
      return true;
    case BreakerState::forced_open:
      break;
  }
  ++rejected_;
  ++rejected_total_;
  return false;
}

void CircuitBreaker::record_success(Clock::duration duration) {
  record(Outcome::success, duration);
}

void CircuitBreaker::record_failure(Clock::duration duration) {
  record(Outcome::failure, duration);
}

void CircuitBreaker::record(Outcome outcome, Clock::duration duration) {
  std::lock_guard lock(mutex_);
  const CallRecord call{outcome == Outcome::failure, duration >= settings_.slow_call_duration,
                        duration};
  if (state_ == BreakerState::closed) {
    record_closed(call);
  } else if (state_ == BreakerState::half_open) {
    record_half_open(call);
  }
}

void CircuitBreaker::record_closed(const CallRecord& call) {
  window_.push_back(call);
  trim_window();
  if (window_.size() < settings_.minimum_calls) return;
  const WindowRates rates = rates_of(window_);
  const std::string calls = window_.size() == 1
                                ? std::string(" over the last call")
                                : " over the last " + std::to_string(window_.size()) + " calls";
  if (rates.failure >= settings_.failure_rate_threshold) {
    transition(BreakerState::open, "failure rate " + percent(rates.failure) +
                                       " >= " + percent(settings_.failure_rate_threshold) + calls);
  } else if (rates.slow >= settings_.slow_call_rate_threshold) {
    transition(BreakerState::open,
               "slow-call rate " + percent(rates.slow) +
                   " >= " + percent(settings_.slow_call_rate_threshold) + calls +
                   " (calls >= " + milliseconds_text(settings_.slow_call_duration) + ")");
  }
}

void CircuitBreaker::record_half_open(const CallRecord& call) {
  // Without an outstanding trial this is a straggler let through before the breaker opened.
  if (half_open_permits_ <= half_open_successes_) return;
  window_.push_back(call);
  trim_window();
  if (call.failed) {
    transition(BreakerState::open, "trial call failed in HALF_OPEN");
  } else if (call.slow) {
    transition(BreakerState::open,
               "trial call slow in HALF_OPEN (" + milliseconds_text(call.duration) +
                   " >= " + milliseconds_text(settings_.slow_call_duration) + ")");
  } else if (++half_open_successes_ >= settings_.half_open_calls) {
    transition(BreakerState::closed, trial_calls_text(half_open_successes_));
  }
}

void CircuitBreaker::release() {
  std::lock_guard lock(mutex_);
  if (state_ == BreakerState::half_open && half_open_permits_ > half_open_successes_) {
    --half_open_permits_;
  }
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

BreakerSnapshot CircuitBreaker::snapshot() const {
  std::lock_guard lock(mutex_);
  const WindowRates rates = rates_of(window_);
  BreakerSnapshot snap;
  snap.state = state_;
  snap.settings = settings_;
  snap.window.assign(window_.begin(), window_.end());
  snap.failure_rate = rates.failure;
  snap.slow_call_rate = rates.slow;
  if (state_ == BreakerState::half_open) {
    snap.half_open_in_flight = half_open_permits_ - half_open_successes_;
  }
  snap.open_until = open_until_;
  snap.transitions.assign(transitions_.begin(), transitions_.end());
  snap.rejected_calls = rejected_;
  snap.rejected_calls_total = rejected_total_;
  return snap;
}

void CircuitBreaker::configure(const BreakerSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = sanitized(settings);
  trim_window();
}

void CircuitBreaker::force_open() {
  std::lock_guard lock(mutex_);
  if (state_ != BreakerState::forced_open) {
    transition(BreakerState::forced_open, "forced open by configuration");
  }
}

void CircuitBreaker::disable() {
  std::lock_guard lock(mutex_);
  if (state_ != BreakerState::disabled) {
    transition(BreakerState::disabled, "disabled by configuration");
  }
}

void CircuitBreaker::reset() {
  std::lock_guard lock(mutex_);
  if (state_ != BreakerState::closed) {
    transition(BreakerState::closed, "reset by configuration");
  } else {
    window_.clear();
  }
}

void CircuitBreaker::clear() {
  std::lock_guard lock(mutex_);
  state_ = BreakerState::closed;
  window_.clear();
  transitions_.clear();
  open_until_ = {};
  half_open_permits_ = 0;
  half_open_successes_ = 0;
  rejected_ = 0;
}

void CircuitBreaker::transition(BreakerState to, std::string reason) {
  const Clock::time_point now = clock_.now();
  transitions_.push_back(Transition{now, state_, to, std::move(reason),
                                    std::vector<CallRecord>(window_.begin(), window_.end())});
  while (transitions_.size() > kMaxTransitions) transitions_.pop_front();
  state_ = to;
  window_.clear();
  half_open_permits_ = 0;
  half_open_successes_ = 0;
  if (to == BreakerState::open) open_until_ = now + settings_.open_wait;
}

void CircuitBreaker::trim_window() {
  while (window_.size() > settings_.window_size) window_.pop_front();
}

}  // namespace srelab::resilience
