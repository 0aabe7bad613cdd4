// The service's bulk test answer (GET /products/bulk/test: one row per lookup with its status,
// source and latency) read as probe samples, so an experiment can judge the guide's bulk-test
// steps (Part 3's saturation, Part 4's pool exhaustion) with the same probes as a load run.
#pragma once

#include <boost/json/value.hpp>
#include <optional>

#include "experiment/phase_book.hpp"

namespace srelab::experiment {

// nullopt when `body` is not a bulk test answer (no "results" array of rows).
std::optional<Samples> samples_from_bulk(const boost::json::value& body);

}  // namespace srelab::experiment
