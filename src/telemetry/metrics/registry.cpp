#include "telemetry/metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace srelab::telemetry {

namespace {

std::vector<std::string> to_strings(std::initializer_list<std::string_view> values) {
  return {values.begin(), values.end()};
}

std::string joined(const std::vector<std::string>& values) {
  std::string text = "{";
  for (const auto& value : values) text += (text.size() > 1 ? ",\"" : "\"") + value + "\"";
  return text + "}";
}

bool same_definition(const MetricInfo& a, const MetricInfo& b) {
  return a.name == b.name && a.help == b.help && a.unit == b.unit && a.labels == b.labels &&
         a.prometheus_name == b.prometheus_name;
}

bool same_layout(const HistogramLayout& a, const HistogramLayout& b) {
  return a.bounds == b.bounds && a.lowest == b.lowest && a.highest == b.highest;
}

// Validated, with the Prometheus name filled in.
MetricInfo checked(MetricType type, MetricInfo info) {
  if (info.name.empty()) throw std::invalid_argument("a metric needs a name");
  if (info.prometheus_name.empty()) {
    info.prometheus_name = derive_prometheus_name(info.name, info.unit, type);
  }
  if (!is_valid_prometheus_name(info.prometheus_name)) {
    throw std::invalid_argument("metric " + info.name + ": invalid Prometheus name \"" +
                                info.prometheus_name + "\"");
  }
  for (std::size_t i = 0; i < info.labels.size(); ++i) {
    if (!is_valid_label_name(info.labels[i])) {
      throw std::invalid_argument("metric " + info.name + ": invalid label name \"" +
                                  info.labels[i] + "\"");
    }
    if (std::find(info.labels.begin(), info.labels.begin() + i, info.labels[i]) !=
        info.labels.begin() + i) {
      throw std::invalid_argument("metric " + info.name + ": label \"" + info.labels[i] +
                                  "\" appears twice");
    }
  }
  return info;
}

}  // namespace

// --- Family ----------------------------------------------------------------------------------

template <class Metric>
Family<Metric>::Family(MetricInfo info, HistogramLayout layout,
                       std::atomic<std::uint64_t>& next_series_id)
    : info_(std::move(info)), layout_(std::move(layout)), next_series_id_(next_series_id) {}

template <class Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> label_values) {
  check_label_count(label_values.size());
  std::vector<std::string> key = to_strings(label_values);
  std::lock_guard lock(mutex_);
  auto found = series_.find(key);
  Series& series = found != series_.end() ? *found->second : add_series(std::move(key));
  if (!series.metric) {
    throw std::invalid_argument(info_.name + joined(series.label_values) +
                                " is a callback series; it has nothing to record into");
  }
  return *series.metric;
}

template <class Metric>
void Family<Metric>::with_callback(
    std::initializer_list<std::string_view> label_values,
    std::function<double()> sample) requires(!std::is_same_v<Metric, Histogram>) {
  check_label_count(label_values.size());
  if (!sample) throw std::invalid_argument(info_.name + ": empty callback");
  std::vector<std::string> key = to_strings(label_values);
  std::lock_guard lock(mutex_);
  if (series_.contains(key)) {
    throw std::invalid_argument(info_.name + joined(key) + " exists already");
  }
  auto series = std::make_unique<Series>();
  series->id = next_series_id_.fetch_add(1);
  series->label_values = key;
  series->callback = std::move(sample);
  series_.emplace(std::move(key), std::move(series));
}

template <class Metric>
typename Family<Metric>::Series& Family<Metric>::add_series(std::vector<std::string> label_values) {
  auto series = std::make_unique<Series>();
  series->id = next_series_id_.fetch_add(1);
  series->label_values = label_values;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    series->metric = std::make_unique<Histogram>(layout_);
  } else {
    series->metric = std::make_unique<Metric>();
  }
  return *series_.emplace(std::move(label_values), std::move(series)).first->second;
}

template <class Metric>
void Family<Metric>::check_label_count(std::size_t count) const {
  if (count != info_.labels.size()) {
    throw std::invalid_argument(info_.name + " takes " + std::to_string(info_.labels.size()) +
                                " label values, not " + std::to_string(count));
  }
}

template <class Metric>
FamilySnapshot Family<Metric>::snapshot() const {
  std::vector<const Series*> listed;
  {
    std::lock_guard lock(mutex_);
    listed.reserve(series_.size());
    for (const auto& entry : series_) listed.push_back(entry.second.get());
  }
  FamilySnapshot snap{kType, info_, {}};
  snap.series.reserve(listed.size());
  for (const Series* series : listed) {  // unlocked: series never move nor die
    SeriesSnapshot& out = snap.series.emplace_back();
    out.id = series->id;
    out.label_values = series->label_values;
    if (series->callback) {
      out.value = series->callback();
    } else if constexpr (std::is_same_v<Metric, Histogram>) {
      out.histogram = series->metric->snapshot();
    } else {
      out.value = series->metric->value();
    }
  }
  return snap;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --- Registry --------------------------------------------------------------------------------

Registry::Registry() = default;
Registry::~Registry() = default;

CounterFamily& Registry::counter(MetricInfo info) {
  return add(counters_, std::move(info), {});
}

GaugeFamily& Registry::gauge(MetricInfo info) {
  return add(gauges_, std::move(info), {});
}

HistogramFamily& Registry::histogram(MetricInfo info, HistogramLayout layout) {
  validate(layout);
  return add(histograms_, std::move(info), std::move(layout));
}

template <class Metric>
Family<Metric>& Registry::add(std::vector<std::unique_ptr<Family<Metric>>>& families,
                              MetricInfo info, HistogramLayout layout) {
  constexpr MetricType type = Family<Metric>::kType;
  info = checked(type, std::move(info));
  std::lock_guard lock(mutex_);
  for (const auto& family : families) {
    if (family->info().name != info.name) continue;
    if (same_definition(family->info(), info) && same_layout(family->layout(), layout)) {
      return *family;
    }
    throw std::invalid_argument("metric " + info.name + " is registered with another definition");
  }
  if (dotted_names_.contains(info.name)) {
    throw std::invalid_argument("metric " + info.name + " is registered as another type");
  }
  claim_exposed_names(type, info.prometheus_name);
  dotted_names_.insert(info.name);
  families.push_back(
      std::make_unique<Family<Metric>>(std::move(info), std::move(layout), next_series_id_));
  return *families.back();
}

// Called under mutex_.
void Registry::claim_exposed_names(MetricType type, const std::string& prometheus_name) {
  std::vector<std::string> names{prometheus_name};
  if (type == MetricType::histogram) {
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      names.push_back(prometheus_name + suffix);
  }
  for (const auto& name : names) {
    if (exposed_names_.contains(name)) {
      throw std::invalid_argument("Prometheus name " + name + " is used by another metric");
    }
  }
  exposed_names_.insert(names.begin(), names.end());
}

RegistrySnapshot Registry::snapshot() const {
  std::vector<const CounterFamily*> counters;
  std::vector<const GaugeFamily*> gauges;
  std::vector<const HistogramFamily*> histograms;
  {
    std::lock_guard lock(mutex_);
    for (const auto& family : counters_) counters.push_back(family.get());
    for (const auto& family : gauges_) gauges.push_back(family.get());
    for (const auto& family : histograms_) histograms.push_back(family.get());
  }
  RegistrySnapshot snap;
  snap.reserve(counters.size() + gauges.size() + histograms.size());
  for (const auto* family : counters) snap.push_back(family->snapshot());
  for (const auto* family : gauges) snap.push_back(family->snapshot());
  for (const auto* family : histograms) snap.push_back(family->snapshot());
  std::sort(snap.begin(), snap.end(), [](const FamilySnapshot& a, const FamilySnapshot& b) {
    return a.info.prometheus_name < b.info.prometheus_name;
  });
  return snap;
}

}  // namespace srelab::telemetry
