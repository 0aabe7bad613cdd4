#include "telemetry/dogstatsd/dogstatsd.hpp"

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

// `name` and `tags` are already sanitized.
std::string message(std::string_view name, std::string_view suffix, double value,
                    std::string_view type, std::string_view tags) {
  std::string out;
  out.reserve(name.size() + suffix.size() + tags.size() + 32);
  out += name;
  out += suffix;
  out += ':';
  append_number(out, value);
  out += '|';
  out += type;
  if (!tags.empty()) {
    out += "|#";
    out += tags;
  }
  return out;
}

}  // namespace

std::string dogstatsd_message(std::string_view name, double value, std::string_view type,
                              const std::vector<DogStatsdTag>& tags) {
  std::string tag_text;
  for (const DogStatsdTag& tag : tags) append_tag(tag_text, tag.key, tag.value);
  return message(sanitize_dogstatsd_name(name), "", value, type, tag_text);
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
      const std::string tags = series_tags(family.info, series, constant_tags_);
      switch (family.type) {
        case MetricType::counter:
          add_counter(packer, name, series, tags);
          break;
        case MetricType::gauge:
          if (std::isfinite(series.value)) packer.add(message(name, "", series.value, "g", tags));
          break;
        case MetricType::histogram:
          add_histogram(packer, name, series, tags);
          break;
      }
    }
  }
  dropped_ += packer.dropped();
  return packer.take();
}

void DogStatsdFormatter::add_counter(DatagramPacker& packer, const std::string& name,
                                     const SeriesSnapshot& series, std::string_view tags) {
  if (!std::isfinite(series.value)) return;  // a callback with nothing to say this time
  double& previous = counters_[series.id];   // 0 on the first flush
  const double delta = series.value >= previous ? series.value - previous : series.value;
  previous = series.value;
  packer.add(message(name, "", delta, "c", tags));
}

void DogStatsdFormatter::add_histogram(DatagramPacker& packer, const std::string& name,
                                       const SeriesSnapshot& series, std::string_view tags) {
  auto previous = histograms_.find(series.id);
  const HistogramSnapshot interval =
      previous == histograms_.end() ? series.histogram : series.histogram.since(previous->second);
  histograms_.insert_or_assign(series.id, series.histogram);
  packer.add(message(name, ".count", static_cast<double>(interval.count), "c", tags));
  if (interval.count == 0) return;
  const auto gauge = [&](std::string_view suffix, double value) {
    if (std::isfinite(value)) packer.add(message(name, suffix, value, "g", tags));
  };
  gauge(".avg", interval.sum / static_cast<double>(interval.count));
  gauge(".p50", interval.quantile(0.50));
  gauge(".p95", interval.quantile(0.95));
  gauge(".p99", interval.quantile(0.99));
  gauge(".max", interval.max);
}

}  // namespace srelab::telemetry
