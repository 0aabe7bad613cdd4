// The chaos a learner turns at runtime, shared by every worker thread: the faults in force
// (ChaosState), the memory ballast ("the leak") and the saturation model. The repository and the
// cache draw their verdicts from it, the /chaos endpoints change it, and the console is told of
// every change through the observer (its chaos bands).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "chaos/chaos_state.hpp"
#include "chaos/memory_ballast.hpp"
#include "core/clock.hpp"
#include "resilience/saturation.hpp"

namespace srelab::catalog {

struct ChaosControlsSettings {
  std::size_t leak_cap_bytes = std::size_t{1} << 30;
  std::uint64_t chaos_seed = 0;  // seeds the failure draws while no `seed` is configured
};

class ChaosControls {
 public:
  ChaosControls(const ChaosControlsSettings& settings, const Clock& clock);

  chaos::ChaosState& faults() { return faults_; }
  chaos::MemoryBallast& ballast() { return ballast_; }
  resilience::Saturation& saturation() { return saturation_; }

  // Told the chaos settings after every configure/reset. Set at setup, before traffic; called on
  // the request's thread, outside any lock.
  using Observer = std::function<void(const chaos::ChaosSettings& settings)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  // faults().apply / faults().reset, then the observer: what the chaos endpoints call.
  void configure(const chaos::ChaosSettings& settings);
  void reset();

 private:
  chaos::ChaosState faults_;
  chaos::MemoryBallast ballast_;
  resilience::Saturation saturation_;
  Observer observer_;
};

}  // namespace srelab::catalog
