#include "telemetry/prometheus/prometheus_text.hpp"

namespace srelab::telemetry {

namespace {

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="1",b="2"} or {a="1",b="2",le="0.5"}; nothing when there are no labels at all.
void append_labels(std::string& out, const MetricInfo& info, const SeriesSnapshot& series,
                   std::string_view le = {}) {
  if (info.labels.empty() && le.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < info.labels.size(); ++i) {
    if (i > 0) out += ',';
    out += info.labels[i];
    out += "=\"";
    append_escaped(out, series.label_values[i], true);
    out += '"';
  }
  if (!le.empty()) {
    if (!info.labels.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const MetricInfo& info, std::string_view suffix,
                   const SeriesSnapshot& series, double value, std::string_view le = {}) {
  out += info.prometheus_name;
  out += suffix;
  append_labels(out, info, series, le);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void append_histogram(std::string& out, const MetricInfo& info, const SeriesSnapshot& series) {
  const HistogramSnapshot& histogram = series.histogram;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < histogram.bounds.size(); ++i) {
    cumulative += histogram.buckets[i];
    append_sample(out, info, "_bucket", series, static_cast<double>(cumulative),
                  format_number(histogram.bounds[i]));
  }
  append_sample(out, info, "_bucket", series, static_cast<double>(histogram.count), "+Inf");
  append_sample(out, info, "_sum", series, histogram.sum);
  append_sample(out, info, "_count", series, static_cast<double>(histogram.count));
}

}  // namespace

std::string render_prometheus(const Registry& registry) {
  return render_prometheus(registry.snapshot());
}

std::string render_prometheus(const RegistrySnapshot& snapshot) {
  std::string out;
  for (const FamilySnapshot& family : snapshot) {
    const MetricInfo& info = family.info;
    out += "# HELP ";
    out += info.prometheus_name;
    out += ' ';
    append_escaped(out, info.help, false);
    out += "\n# TYPE ";
    out += info.prometheus_name;
    out += ' ';
    out += to_string(family.type);
    out += '\n';
    for (const SeriesSnapshot& series : family.series) {
      if (family.type == MetricType::histogram) {
        append_histogram(out, info, series);
      } else {
        append_sample(out, info, "", series, series.value);
      }
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  append_escaped(out, text, false);
  return out;
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  append_escaped(out, text, true);
  return out;
}

}  // namespace srelab::telemetry
