#include "experiment/bulk_samples.hpp"

#include "load/load_report.hpp"

namespace srelab::experiment {

std::optional<Samples> samples_from_bulk(const boost::json::value& body) {
  const auto* results = body.is_object() ? body.as_object().if_contains("results") : nullptr;
  if (results == nullptr || !results->is_array()) return std::nullopt;
  telemetry::Histogram latency(load::latency_layout());
  Samples samples;
  for (const auto& item : results->as_array()) {
    const auto* row = item.if_object();
    if (row == nullptr) return std::nullopt;
    const auto* status = row->if_contains("status");
    const auto* ms = row->if_contains("latency_ms");
    if (status == nullptr || !status->is_number() || ms == nullptr || !ms->is_number())
      return std::nullopt;
    const auto* source = row->if_contains("source");
    samples.tally.add_answer(static_cast<int>(status->to_number<double>()),
                             source != nullptr && source->is_string()
                                 ? std::string_view(source->as_string())
                                 : std::string_view());
    latency.observe(ms->to_number<double>() / 1000);
  }
  samples.tally.sent = samples.tally.answered;
  samples.latency = latency.snapshot();
  return samples;
}

}  // namespace srelab::experiment
