// The service's metrics: named families (a name, help, unit, type and a fixed set of label
// names) and, in each, one series per combination of label values. Components register their
// families and look up their series once, at setup, and keep the returned references; recording
// through them is lock-free (see counter.hpp, gauge.hpp, histogram.hpp). Values owned elsewhere
// are callback series, sampled when a snapshot is taken. The Prometheus renderer and the
// DogStatsD formatter read snapshots; the composition root (app/) owns the one Registry.
//
// Locks are taken only to register a family, create a series and take a snapshot; a snapshot
// holds a family's lock just long enough to list its series, then reads atomics and calls
// callbacks unlocked. Families and series live as long as the registry (nothing is removed), so
// references stay valid; a callback must stay callable for as long as the registry may be
// snapshotted, must not throw, and may run on any thread that takes a snapshot.
//
// Registration mistakes are bugs, so they throw std::invalid_argument: an invalid name or label
// name, a Prometheus name already used by another family (a histogram also uses its _bucket,
// _sum and _count names), the same dotted name registered again with a different definition
// (the same definition returns the existing family), a wrong number of label values.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "telemetry/metrics/counter.hpp"
#include "telemetry/metrics/gauge.hpp"
#include "telemetry/metrics/histogram.hpp"
#include "telemetry/metrics/metric_names.hpp"

namespace srelab::telemetry {

struct SeriesSnapshot {
  std::uint64_t id = 0;  // unique in its registry, stable: DogStatsD keeps deltas by it
  std::vector<std::string> label_values;  // in the order of the family's label names
  double value = 0;                       // counter or gauge (a callback's, sampled now)
  HistogramSnapshot histogram;            // histogram only
};

struct FamilySnapshot {
  MetricType type = MetricType::gauge;
  MetricInfo info;                     // prometheus_name filled in
  std::vector<SeriesSnapshot> series;  // ordered by label values
};

using RegistrySnapshot = std::vector<FamilySnapshot>;  // ordered by Prometheus name

template <class Metric>
class Family {
 public:
  static constexpr MetricType kType = std::is_same_v<Metric, Counter> ? MetricType::counter
                                      : std::is_same_v<Metric, Gauge> ? MetricType::gauge
                                                                      : MetricType::histogram;

  // Registry::counter/gauge/histogram make families; info is checked and complete by then.
  Family(MetricInfo info, HistogramLayout layout, std::atomic<std::uint64_t>& next_series_id);

  MetricType type() const { return kType; }
  const MetricInfo& info() const { return info_; }           // prometheus_name filled in
  const HistogramLayout& layout() const { return layout_; }  // histograms only

  // The series with these label values (in the order of info().labels), created at zero on
  // first use. Locks and allocates: call it at setup and keep the reference.
  Metric& with(std::initializer_list<std::string_view> label_values);
  Metric& get() { return with({}); }  // for a family without labels

  // A series whose value is `sample()`, called at every snapshot: for counters, a count kept
  // elsewhere (going backwards reads as a restart); for gauges, any current value. Histogram
  // families have no callbacks. Throws if the series exists already.
  void with_callback(std::initializer_list<std::string_view> label_values,
                     std::function<double()> sample) requires(!std::is_same_v<Metric, Histogram>);

  FamilySnapshot snapshot() const;

 private:
  struct Series {
    std::uint64_t id;
    std::vector<std::string> label_values;
    std::unique_ptr<Metric> metric;    // null for a callback series
    std::function<double()> callback;  // empty for a recorded series
  };

  Series& add_series(std::vector<std::string> label_values);
  void check_label_count(std::size_t count) const;

  MetricInfo info_;
  HistogramLayout layout_;
  std::atomic<std::uint64_t>& next_series_id_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  CounterFamily& counter(MetricInfo info);
  GaugeFamily& gauge(MetricInfo info);
  HistogramFamily& histogram(MetricInfo info, HistogramLayout layout = {});

  RegistrySnapshot snapshot() const;

 private:
  template <class Metric>
  Family<Metric>& add(std::vector<std::unique_ptr<Family<Metric>>>& families, MetricInfo info,
                      HistogramLayout layout);
  void claim_exposed_names(MetricType type, const std::string& prometheus_name);

  mutable std::mutex mutex_;
  std::atomic<std::uint64_t> next_series_id_{1};
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::set<std::string> dotted_names_;
  std::set<std::string> exposed_names_;  // Prometheus names in use, with histogram suffixes
};

}  // namespace srelab::telemetry
