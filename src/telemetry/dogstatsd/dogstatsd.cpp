#include "telemetry/dogstatsd/dogstatsd.hpp"

#include <algorithm>
#include <cmath>

namespace srelab::telemetry {

namespace {

// Keys keep to the name alphabet (a ':' would move the key/value split); values may hold ':'.
void append_tag(std::string& tags, std::string_view key, std::string_view value) {
  if (!tags.empty()) tags += ',';
  tags += sanitize_dogstatsd_name(key);
  tags += ':';
  tags += sanitize_dogstatsd_tag(value);
}

std::string series_tags(const MetricInfo& info, const SeriesSnapshot& series,
                        std::string_view constant_tags) {
  std::string tags;
  for (std::size_t i = 0; i < info.labels.size(); ++i) {
    append_tag(tags, info.labels[i], series.label_values[i]);
  }
  if (!constant_tags.empty()) {
    if (!tags.empty()) tags += ',';
    tags += constant_tags;
  }
  return tags;
}

// What follows a message's type (and sample rate): `|#<tags>` when there are tags, then
// `|c:<container>` when the process runs in a container (origin detection). Built once a series.
std::string trailing_fields(std::string_view tags, std::string_view container) {
  std::string fields;
  if (!tags.empty()) {
    fields += "|#";
    fields += tags;
  }
  if (!container.empty()) {
    fields += "|c:";
    fields += container;
  }
  return fields;
}

// `name` and `fields` (trailing_fields) are already sanitized.
std::string message(std::string_view name, std::string_view suffix, double value,
                    std::string_view type, std::string_view fields) {
  std::string out;
  out.reserve(name.size() + suffix.size() + fields.size() + 32);
  out += name;
  out += suffix;
  out += ':';
  append_number(out, value);
  out += '|';
  out += type;
  out += fields;
  return out;
}

// `name:v1:v2…|d[|@rate][|#tags][|c:container]`, as many messages as it takes to keep each within
// max_bytes (a single value that does not fit is left to the packer to drop and count).
void add_packed_distribution(DatagramPacker& packer, std::size_t max_bytes, std::string_view name,
                             const std::vector<double>& values, std::uint64_t weight,
                             std::string_view fields) {
  std::string suffix = "|d";
  if (weight > 1) {
    suffix += "|@";
    suffix += dogstatsd_weight_rate(weight);
  }
  suffix += fields;
  std::string out(name);
  std::size_t packed = 0;
  std::string value;
  for (double v : values) {
    value.assign(1, ':');
    append_number(value, v);
    if (packed > 0 && out.size() + value.size() + suffix.size() > max_bytes) {
      packer.add(out + suffix);
      out.assign(name);
      packed = 0;
    }
    out += value;
    ++packed;
  }
  if (packed > 0) packer.add(out + suffix);
}

}  // namespace

std::string dogstatsd_weight_rate(std::uint64_t weight) {
  // 1/rate = weight·(1 + 1e-9): above `weight` whatever the last bit of the division, below
  // weight + 1 for any weight a flush can see; and the Agent's sum (value × 1/rate) is off by
  // a billionth, not by the half a rate of 1/(weight + 0.5) would cost.
  std::string text;
  append_number(text, (1.0 - 1e-9) / static_cast<double>(weight));
  return text;
}

std::string dogstatsd_message(std::string_view name, double value, std::string_view type,
                              const std::vector<DogStatsdTag>& tags) {
  std::string tag_text;
  for (const DogStatsdTag& tag : tags) append_tag(tag_text, tag.key, tag.value);
  return message(sanitize_dogstatsd_name(name), "", value, type, trailing_fields(tag_text, {}));
}

// --- DatagramPacker --------------------------------------------------------------------------

void DatagramPacker::add(std::string_view message) {
  if (message.size() > max_bytes_) {
    ++dropped_;
    return;
  }
  if (!datagrams_.empty() && datagrams_.back().size() + 1 + message.size() <= max_bytes_) {
    datagrams_.back() += '\n';
    datagrams_.back() += message;
  } else {
    datagrams_.emplace_back(message);
  }
}

std::vector<std::string> DatagramPacker::take() {
  return std::exchange(datagrams_, {});
}

// --- DogStatsdFormatter ----------------------------------------------------------------------

DogStatsdFormatter::DogStatsdFormatter(DogStatsdSettings settings)
    : settings_(std::move(settings)) {
  if (!settings_.env.empty()) append_tag(constant_tags_, "env", settings_.env);
  if (!settings_.service.empty()) append_tag(constant_tags_, "service", settings_.service);
  if (!settings_.version.empty()) append_tag(constant_tags_, "version", settings_.version);
  for (const DogStatsdTag& tag : settings_.extra_tags) {
    append_tag(constant_tags_, tag.key, tag.value);
  }
}

std::vector<std::string> DogStatsdFormatter::flush(const Registry& registry) {
  return flush(registry.snapshot());
}

std::vector<std::string> DogStatsdFormatter::flush(const RegistrySnapshot& snapshot) {
  DatagramPacker packer(settings_.max_datagram_bytes);
  for (const FamilySnapshot& family : snapshot) {
    const std::string name = sanitize_dogstatsd_name(family.info.name);
    for (const SeriesSnapshot& series : family.series) {
      const std::string fields =
          trailing_fields(series_tags(family.info, series, constant_tags_), settings_.container);
      switch (family.type) {
        case MetricType::counter:
          add_counter(packer, name, series, fields);
          break;
        case MetricType::gauge:
          add_gauge(packer, name, series, fields);
          break;
        case MetricType::histogram:
          add_histogram(packer, name, series, fields);
          break;
      }
    }
  }
  dropped_ += packer.dropped();
  return packer.take();
}

void DogStatsdFormatter::add_counter(DatagramPacker& packer, const std::string& name,
                                     const SeriesSnapshot& series, std::string_view fields) {
  if (!std::isfinite(series.value)) return;  // a callback with nothing to say this time
  double& previous = counters_[series.id];   // 0 on the first flush
  const double delta = series.value >= previous ? series.value - previous : series.value;
  previous = series.value;
  if (delta != 0) packer.add(message(name, "", delta, "c", fields));
}

void DogStatsdFormatter::add_gauge(DatagramPacker& packer, const std::string& name,
                                   const SeriesSnapshot& series, std::string_view fields) {
  if (!std::isfinite(series.value)) return;
  const auto [it, first] = gauges_.try_emplace(series.id);
  SentGauge& sent = it->second;
  ++sent.flushes_since;
  if (!first && series.value == sent.value &&
      sent.flushes_since < std::max<std::size_t>(settings_.gauge_resend_flushes, 1))
    return;
  packer.add(message(name, "", series.value, "g", fields));
  sent.value = series.value;
  sent.flushes_since = 0;
}

void DogStatsdFormatter::add_histogram(DatagramPacker& packer, const std::string& name,
                                       const SeriesSnapshot& series, std::string_view fields) {
  auto previous = histograms_.find(series.id);
  const HistogramSnapshot interval =
      previous == histograms_.end() ? series.histogram : series.histogram.since(previous->second);
  histograms_.insert_or_assign(series.id, series.histogram);
  if (interval.count == 0) return;
  std::map<std::uint64_t, std::vector<double>> values_by_weight;  // in order: deterministic
  for (std::size_t i = 0; i < interval.fine.size(); ++i) {
    if (interval.fine[i] == 0) continue;
    const double value = interval.bucket_value(i);
    if (std::isfinite(value)) values_by_weight[interval.fine[i]].push_back(value);
  }
  for (const auto& [weight, values] : values_by_weight)
    add_packed_distribution(packer, settings_.max_datagram_bytes, name, values, weight, fields);
}

}  // namespace srelab::telemetry
