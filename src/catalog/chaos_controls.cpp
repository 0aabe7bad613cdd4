#include "catalog/chaos_controls.hpp"

namespace srelab::catalog {

ChaosControls::ChaosControls(const ChaosControlsSettings& settings, const Clock& clock)
    : faults_(clock, settings.chaos_seed), ballast_(settings.leak_cap_bytes) {}

void ChaosControls::configure(const chaos::ChaosSettings& settings) {
  faults_.apply(settings);
  if (observer_) observer_(settings);
}

void ChaosControls::reset() {
  faults_.reset();
  if (observer_) observer_(chaos::ChaosSettings{});
}

}  // namespace srelab::catalog
