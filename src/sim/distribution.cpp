#include "sim/distribution.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>
#include <numbers>

#include "experiment/special_functions.hpp"

namespace srelab::sim {

namespace {

constexpr double kZ95 = 1.6448536269514722;  // the standard normal's 0.95 quantile

// Box-Muller, one value per call: a second sine draw would need state, and the simulator's
// cost is in its events, not here.
double standard_normal(Random& random) {
  const double u1 = 1.0 - random.unit();  // (0, 1]: log() stays finite
  const double u2 = random.unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::optional<double> number_field(const boost::json::object& object, std::string_view key,
                                   std::string& error) {
  const auto* value = object.if_contains(key);
  if (!value || !value->is_number()) {
    error = std::string(key) + ": a number is required";
    return std::nullopt;
  }
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < 0) {
    error = std::string(key) + ": a finite number >= 0 is required";
    return std::nullopt;
  }
  return number;
}

}  // namespace

Distribution Distribution::constant(double value) {
  Distribution distribution;
  distribution.kind_ = Kind::constant;
  distribution.a_ = std::max(0.0, value);
  return distribution;
}

Distribution Distribution::exponential(double mean) {
  Distribution distribution;
  distribution.kind_ = Kind::exponential;
  distribution.a_ = std::max(0.0, mean);
  return distribution;
}

Distribution Distribution::lognormal(double median, double p95) {
  if (!(median > 0) || !(p95 > median)) return constant(median);
  Distribution distribution;
  distribution.kind_ = Kind::lognormal;
  distribution.a_ = std::log(median);
  distribution.b_ = (std::log(p95) - distribution.a_) / kZ95;
  return distribution;
}

std::optional<Distribution> Distribution::empirical(std::vector<std::pair<double, double>> points) {
  if (points.size() < 2 || points.front().first != 0 || points.back().first != 1) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [q, value] = points[i];
    if (!std::isfinite(value) || value < 0) return std::nullopt;
    if (i > 0 && (q <= points[i - 1].first || value < points[i - 1].second)) return std::nullopt;
  }
  Distribution distribution;
  distribution.kind_ = Kind::empirical;
  distribution.points_ = std::move(points);
  return distribution;
}

double Distribution::sample(Random& random) const {
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::exponential:
      return -a_ * std::log(1.0 - random.unit());
    case Kind::lognormal:
      return std::exp(a_ + b_ * standard_normal(random));
    case Kind::empirical:
      return quantile(random.unit());
  }
  return a_;
}

double Distribution::quantile(double q) const {
  q = std::clamp(q, 0.0, 1.0);
  switch (kind_) {
    case Kind::constant:
      return a_;
    case Kind::exponential:
      return q >= 1 ? INFINITY : -a_ * std::log(1.0 - q);
    case Kind::lognormal:
      if (q <= 0) return 0;
      if (q >= 1) return INFINITY;
      return std::exp(a_ + b_ * experiment::normal_quantile(q));
    case Kind::empirical: {
      const auto upper =
          std::upper_bound(points_.begin(), points_.end(), q,
                           [](double x, const auto& point) { return x < point.first; });
      if (upper == points_.end()) return points_.back().second;
      const auto& [q1, v1] = *upper;
      const auto& [q0, v0] = *std::prev(upper);
      return v0 + (v1 - v0) * (q - q0) / (q1 - q0);
    }
  }
  return a_;
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::constant:
    case Kind::exponential:
      return a_;
    case Kind::lognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case Kind::empirical: {
      double mean = 0;  // the inverse CDF is piecewise linear: each piece adds its trapezoid
      for (std::size_t i = 1; i < points_.size(); ++i) {
        mean += (points_[i].first - points_[i - 1].first) *
                (points_[i].second + points_[i - 1].second) / 2;
      }
      return mean;
    }
  }
  return a_;
}

boost::json::value Distribution::to_json() const {
  boost::json::object json;
  switch (kind_) {
    case Kind::constant:
      json["kind"] = "constant";
      json["value"] = a_;
      break;
    case Kind::exponential:
      json["kind"] = "exponential";
      json["mean"] = a_;
      break;
    case Kind::lognormal:
      json["kind"] = "lognormal";
      json["median"] = std::exp(a_);
      json["p95"] = std::exp(a_ + b_ * kZ95);
      break;
    case Kind::empirical: {
      boost::json::array points;
      for (const auto& [q, value] : points_) points.push_back(boost::json::array{q, value});
      json["kind"] = "empirical";
      json["quantiles"] = std::move(points);
      break;
    }
  }
  return json;
}

std::optional<Distribution> Distribution::from_json(const boost::json::value& json,
                                                    std::string& error) {
  const auto* object = json.if_object();
  const auto* kind = object ? object->if_contains("kind") : nullptr;
  if (!kind || !kind->is_string()) {
    error = "kind: one of constant, exponential, lognormal, empirical is required";
    return std::nullopt;
  }
  const std::string_view name = kind->get_string();
  if (name == "constant") {
    const auto value = number_field(*object, "value", error);
    return value ? std::optional(constant(*value)) : std::nullopt;
  }
  if (name == "exponential") {
    const auto mean = number_field(*object, "mean", error);
    return mean ? std::optional(exponential(*mean)) : std::nullopt;
  }
  if (name == "lognormal") {
    const auto median = number_field(*object, "median", error);
    const auto p95 = median ? number_field(*object, "p95", error) : std::nullopt;
    if (!p95) return std::nullopt;
    if (*p95 < *median) {
      error = "p95: must be >= median";
      return std::nullopt;
    }
    return lognormal(*median, *p95);
  }
  if (name == "empirical") {
    const auto* quantiles = object->if_contains("quantiles");
    std::vector<std::pair<double, double>> points;
    if (quantiles && quantiles->is_array()) {
      for (const auto& point : quantiles->get_array()) {
        const auto* pair = point.if_array();
        if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_number()) {
          points.clear();
          break;
        }
        points.emplace_back((*pair)[0].to_number<double>(), (*pair)[1].to_number<double>());
      }
    }
    if (auto distribution = empirical(std::move(points))) return distribution;
    error =
        "quantiles: [[0, v0], ..., [1, vn]] with quantiles increasing from 0 to 1 and values "
        "non-decreasing, >= 0";
    return std::nullopt;
  }
  error = "kind: one of constant, exponential, lognormal, empirical is required";
  return std::nullopt;
}

}  // namespace srelab::sim
