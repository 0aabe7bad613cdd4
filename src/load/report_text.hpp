// What a person reads: the status line printed once a second while a run goes on, and the
// summary table at its end. Pure functions of the report, so tests pin their wording.
#pragma once

#include <string>

#include "load/load_report.hpp"

namespace srelab::load {

// "[######    ] 12/60s  199.8/s  p50/p95/p99 1.21/3.40/5.62 ms (all 1.10/3.31/6.00)
//  200:199 503:1  cache 80% database 20%  conn-err 0 timeout 0 dropped 0", one line, no newline.
std::string status_line(const SecondPoint& point, double total_s);

// A multi-line table: requests, rates, latency quantiles, statuses, sources, errors, drops.
std::string summary_table(const LoadReport& report);

// "1.23 ms" style for a latency in seconds; "-" for NaN.
std::string format_ms(double seconds);

}  // namespace srelab::load
