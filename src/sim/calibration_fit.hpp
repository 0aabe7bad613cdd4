// `sre-lab simulate calibrate`: a Calibration fitted from a real run's journal.json, from the
// lab's own per-second measurements in its quiet phase (the baseline; the warm-up when a series
// has no baseline second). Each distribution is a lognormal through a median and a p95, each
// the median over the quiet seconds of that second's quantile:
//   db_query          db_query_p50, db_query_p95 (catalog.db.query.duration)
//   cache_latency     cache_lookup_p50, cache_lookup_p95 (catalog.cache.duration)
//   gateway_overhead  everything between the client and the service, the machine's tail
//                     included: an empirical distribution that puts the model's client times on
//                     the phase's own p50, p95 and p99 (the run's histogram over all its
//                     answers, or its seconds pooled when seconds in which the service itself
//                     was slow are left out); from a journal without them, the client's minus
//                     the service's per-second quantiles, else gateway_latency_pNN - latency_pNN
//   service_overhead  the service's own time, chosen so that the model's request times (a hit:
//                     overhead + one lookup; a miss: overhead + lookup + query + fill) reproduce
//                     the service's latency_p50 and latency_p95 at the run's measured hit share
// docs/simulation.md says what each one leaves out.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/calibration.hpp"

namespace srelab::sim {

struct CalibrationFit {
  Calibration calibration;
  std::string phase;               // the phase the figures come from
  double hit_share = 0;            // of the service's answers in that phase
  std::vector<std::string> notes;  // what the fit could not measure and assumed instead
};

// `source` becomes the calibration's source (the journal's path). nullopt with `error` naming
// what the journal lacks (not an sre-lab journal, no quiet phase, a series it needs).
std::optional<CalibrationFit> fit_calibration(const boost::json::value& journal,
                                              const std::string& source, std::string& error);

}  // namespace srelab::sim
