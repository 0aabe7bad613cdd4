// The machine-readable outputs of a run: --json (the plan, every per-second point and the
// totals; schema in docs/load.md) and --csv (the per-second points, one row each).
#pragma once

#include <string>

#include "load/load_report.hpp"

namespace srelab::load {

std::string report_json(const LoadReport& report);
std::string report_csv(const LoadReport& report);

}  // namespace srelab::load
