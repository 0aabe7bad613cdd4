// A latency distribution the simulator draws service times from (seconds): a constant, an
// exponential, a lognormal fitted through its median and p95, or an empirical one given as
// quantiles (piecewise-linear inverse CDF between them). The calibration file stores each one
// as JSON; `simulate calibrate` fits them from a real run, the models sample them.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/random.hpp"

namespace srelab::sim {

class Distribution {
 public:
  enum class Kind { constant, exponential, lognormal, empirical };

  static Distribution constant(double value);
  static Distribution exponential(double mean);
  // Through median and p95 (p95 >= median > 0); p95 == median is a constant.
  static Distribution lognormal(double median, double p95);
  // (quantile, value) pairs: quantiles increasing in [0, 1] starting at 0 and ending at 1,
  // values non-decreasing and >= 0.
  static std::optional<Distribution> empirical(std::vector<std::pair<double, double>> points);

  double sample(Random& random) const;
  double quantile(double q) const;  // the exact one for every kind (q in [0, 1))
  double mean() const;
  Kind kind() const { return kind_; }

  // {"kind": "lognormal", "median": 0.0002, "p95": 0.0006} and the like; from_json names the
  // field that is wrong in `error`.
  boost::json::value to_json() const;
  static std::optional<Distribution> from_json(const boost::json::value& json, std::string& error);

 private:
  Distribution() = default;

  Kind kind_ = Kind::constant;
  double a_ = 0;  // constant: value; exponential: mean; lognormal: mu (of the log)
  double b_ = 0;  // lognormal: sigma (of the log)
  std::vector<std::pair<double, double>> points_;  // empirical
};

}  // namespace srelab::sim
