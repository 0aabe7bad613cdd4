// The twin's service times, each a Distribution (seconds): what one Redis command, one product
// query inside Postgres, the service's own work around a request and the gateway's hop take
// when nothing is broken and nothing waits. Faults and queueing are the models' business, not
// the calibration's: chaos latency, saturation and pool waits are added on top by the
// simulation, so a calibration fitted on a quiet run serves every scenario.
// `sre-lab simulate calibrate <journal.json>` fits one from a real run and writes it as JSON;
// scenarios name the file (or use the defaults, measured on the lab's own 2-core machine).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/distribution.hpp"

namespace srelab::sim {

struct Calibration {
  Distribution service_overhead = Distribution::constant(0);  // per request, outside I/O
  Distribution cache_latency = Distribution::constant(0);     // one Redis round trip
  Distribution db_query = Distribution::constant(0);          // one query, alone, no chaos
  Distribution gateway_overhead = Distribution::constant(0);  // the gateway's added time
  std::string source;  // "defaults", or the journal it was fitted from
};

// The lab's own figures on this machine (see docs/simulation.md for how they were measured).
Calibration default_calibration();

// The JSON of a calibration file; `error` names the field that is wrong.
std::optional<Calibration> parse_calibration(std::string_view json_text, std::string& error);
std::string calibration_json(const Calibration& calibration);

}  // namespace srelab::sim
