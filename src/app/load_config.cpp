#include "app/load_config.hpp"

#include <charconv>
#include <cmath>

#include "core/random.hpp"

namespace srelab::app {
namespace {

constexpr std::string_view kRateForm = "requests per second, a number > 0 and at most 1000000";

std::optional<double> parse_rate(std::string_view text) {
  double rate = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rate);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(rate) || !(rate > 0) || rate > 1'000'000)
    return std::nullopt;
  return rate;
}

template <class T, class Parse>
void parse_into(OptionValues& values, std::string_view flag, std::string_view form, Parse parse,
                T& out) {
  const auto raw = values.raw(flag);
  if (!raw) return;
  if (auto parsed = parse(*raw)) {
    out = std::move(*parsed);
  } else {
    values.fail(flag, *raw, form);
  }
}

void parse_target(OptionValues& values, load::Target& out) {
  const auto raw = values.raw("target");
  if (!raw) return;
  if (raw->starts_with("https://")) {
    values.fail("target", *raw, "http://HOST:PORT (https is not supported)");
  } else if (auto target = load::parse_target(*raw)) {
    out = std::move(*target);
  } else {
    values.fail("target", *raw, load::kTargetForm);
  }
}

}  // namespace

std::optional<LoadConfig> finalize_load_config(OptionValues& values) {
  LoadConfig config;
  load::LoadPlan& plan = config.plan;
  config.target_given = values.is_set("target");
  parse_target(values, plan.target);
  parse_into(values, "rate", kRateForm, parse_rate, plan.rate);
  parse_into(values, "duration", load::kDurationForm, load::parse_duration, plan.duration);
  parse_into(values, "timeout", load::kDurationForm, load::parse_duration, plan.timeout);
  parse_into(values, "ids", load::kIdsForm, load::IdDistribution::parse, plan.ids);
  parse_into(values, "path", load::kPathsForm, load::PathMix::parse, plan.paths);
  plan.connections = static_cast<std::size_t>(values.integer("connections", 64, 1, 100'000));
  plan.max_connections =
      static_cast<std::size_t>(values.integer("max-connections", 256, 1, 100'000));
  plan.threads = static_cast<std::size_t>(values.integer("threads", 2, 1, 64));
  plan.seed =
      static_cast<std::uint64_t>(values.integer("seed", 1, 0, static_cast<std::int64_t>(kMaxSeed)));
  config.json_file = values.text("json", "");
  config.csv_file = values.text("csv", "");
  config.progress = values.switch_on("progress");
  config.quiet = values.switch_on("quiet");
  if (values.error().empty() && plan.rate && values.is_set("connections")) {
    values.fail_with(
        "--connections is for the closed loop (no --rate); with --rate the open loop opens "
        "connections as needed, up to --max-connections");
  }
  if (!values.error().empty()) return std::nullopt;
  return config;
}

}  // namespace srelab::app
