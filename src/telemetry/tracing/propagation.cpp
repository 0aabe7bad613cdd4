#include "telemetry/tracing/propagation.hpp"

#include <charconv>

namespace srelab::telemetry {
namespace {

constexpr std::string_view kTagPrefix = "_dd.p.";
constexpr std::string_view kTidTag = "_dd.p.tid";

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits on `sep`, calling f(piece) for each; stops early when f returns false.
template <class F>
bool for_each_piece(std::string_view s, char sep, F&& f) {
  while (true) {
    const auto at = s.find(sep);
    if (!f(s.substr(0, at))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Parses x-datadog-tags into `context`; all or nothing.
void apply_datadog_tags(std::string_view header, TraceContext& context) {
  if (header.empty() || header.size() > kMaxDatadogTagsBytes) return;
  TagList tags;
  std::optional<std::uint64_t> high;
  const bool ok = for_each_piece(header, ',', [&](std::string_view pair) {
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    const auto key = pair.substr(0, eq);
    const auto value = pair.substr(eq + 1);
    if (key.substr(0, kTagPrefix.size()) != kTagPrefix) return true;  // not ours to propagate
    if (key == kTidTag) {
      high = parse_hex16(value);
      return true;  // a bad tid alone is dropped, the other tags survive
    }
    tags.emplace_back(std::string(key), std::string(value));
    return true;
  });
  if (!ok) return;
  if (high) context.trace_id.high = *high;
  context.propagation_tags = std::move(tags);
}

// tracestate values cannot hold ',', ';', '~' or '=' (nor anything outside printable ASCII);
// Datadog writes '=' as '~' and replaces the rest with '_'.
std::string tracestate_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '=') {
      out.push_back('~');
    } else if (c < 0x20 || c > 0x7e || c == ',' || c == ';' || c == '~') {
      out.push_back('_');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string tracestate_key(std::string_view key) {
  std::string out;
  for (char c : key) {
    const bool bad =
        c <= 0x20 || c > 0x7e || c == ',' || c == ';' || c == '~' || c == '=' || c == ':';
    out.push_back(bad ? '_' : c);
  }
  return out;
}

std::string from_tracestate_value(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '~') c = '=';
  }
  return out;
}

void apply_tracestate(std::string_view header, bool sampled, TraceContext& context) {
  std::optional<std::string_view> dd;
  for_each_piece(header, ',', [&](std::string_view member) {
    member = trim(member);
    if (member.substr(0, 3) == "dd=") {
      dd = member.substr(3);
      return false;
    }
    return true;
  });
  std::optional<int> priority;
  if (dd) {
    for_each_piece(*dd, ';', [&](std::string_view field) {
      const auto colon = field.find(':');
      if (colon == std::string_view::npos) return true;
      const auto key = field.substr(0, colon);
      const auto value = field.substr(colon + 1);
      if (key == "s") {
        priority = parse_int(value);
      } else if (key == "p") {
        if (auto p = parse_hex16(value)) context.last_datadog_parent = *p;
      } else if (key == "o") {
        // Trimmed as x-datadog-origin is: the origin injected from here extracts the same.
        context.origin = from_tracestate_value(trim(value));
      } else if (key.substr(0, 2) == "t." && key.size() > 2 && key != "t.tid" &&
                 tracestate_key(key) == key) {  // "t.tid=" would inject as a second _dd.p.tid
        context.propagation_tags.emplace_back(std::string(kTagPrefix) + std::string(key.substr(2)),
                                              from_tracestate_value(value));
      }
      return true;
    });
  }
  // The flag is authoritative about keep/drop; s: only refines it when they agree.
  if (priority && (*priority > 0) == sampled) {
    context.sampling_priority = *priority;
  } else {
    context.sampling_priority = sampled ? 1 : 0;
  }
}

}  // namespace

std::optional<TraceContext> extract_datadog(const HeaderLookup& headers) {
  const auto trace_header = headers("x-datadog-trace-id");
  if (!trace_header) return std::nullopt;
  const auto low = parse_decimal_u64(trim(*trace_header));
  if (!low || *low == 0) return std::nullopt;

  TraceContext context;
  context.trace_id.low = *low;
  if (const auto parent = headers("x-datadog-parent-id")) {
    const auto id = parse_decimal_u64(trim(*parent));
    if (!id) return std::nullopt;
    context.parent_id = *id;
  }
  if (const auto priority = headers("x-datadog-sampling-priority")) {
    context.sampling_priority = parse_int(trim(*priority));
  }
  if (const auto origin = headers("x-datadog-origin")) context.origin = std::string(trim(*origin));
  if (const auto tags = headers("x-datadog-tags")) apply_datadog_tags(trim(*tags), context);
  return context;
}

std::optional<TraceContext> extract_w3c(const HeaderLookup& headers) {
  const auto header = headers("traceparent");
  if (!header) return std::nullopt;
  const std::string_view tp = trim(*header);
  if (tp.size() < 55) return std::nullopt;
  const auto version = tp.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? tp.size() != 55 : (tp.size() > 55 && tp[55] != '-')) return std::nullopt;
  if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  const auto trace_id = parse_trace_id_hex(tp.substr(3, 32));
  const auto parent_id = parse_hex16(tp.substr(36, 16));
  const auto flags = tp.substr(53, 2);
  if (!trace_id || trace_id->is_zero() || !parent_id || *parent_id == 0 || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  const bool sampled = (flags[1] == '1' || flags[1] == '3' || flags[1] == '5' || flags[1] == '7' ||
                        flags[1] == '9' || flags[1] == 'b' || flags[1] == 'd' || flags[1] == 'f');

  TraceContext context;
  context.trace_id = *trace_id;
  context.parent_id = *parent_id;
  apply_tracestate(headers("tracestate").value_or(std::string_view{}), sampled, context);
  return context;
}

std::optional<TraceContext> extract(const HeaderLookup& headers) {
  if (auto context = extract_datadog(headers)) return context;
  return extract_w3c(headers);
}

TagList inject(const TraceContext& context) {
  TagList out;
  out.emplace_back("x-datadog-trace-id", std::to_string(context.trace_id.low));
  out.emplace_back("x-datadog-parent-id", std::to_string(context.parent_id));
  if (context.sampling_priority) {
    out.emplace_back("x-datadog-sampling-priority", std::to_string(*context.sampling_priority));
  }
  if (!context.origin.empty()) out.emplace_back("x-datadog-origin", context.origin);

  std::string tid;
  if (context.trace_id.high != 0)
    tid.append(kTidTag).append("=").append(to_hex16(context.trace_id.high));
  std::string tags = tid;
  for (const auto& [key, value] : context.propagation_tags) {
    if (!tags.empty()) tags.push_back(',');
    tags.append(key).append("=").append(value);
  }
  // Over the limit the other tags are left out, but not the trace id's high half: without it
  // the next hop, which reads the Datadog headers first, would cut the trace id to 64 bits.
  if (tags.size() > kMaxDatadogTagsBytes) tags = std::move(tid);
  if (!tags.empty()) out.emplace_back("x-datadog-tags", std::move(tags));

  const bool sampled = context.sampling_priority.value_or(0) > 0;
  out.emplace_back("traceparent", "00-" + to_hex(context.trace_id) + "-" +
                                      to_hex16(context.parent_id) + (sampled ? "-01" : "-00"));

  std::string state = "dd=";
  bool first = true;
  auto field = [&](std::string_view text) {
    if (!first) state.push_back(';');
    state.append(text);
    first = false;
  };
  if (context.sampling_priority) field("s:" + std::to_string(*context.sampling_priority));
  field("p:" + to_hex16(context.parent_id));
  if (!context.origin.empty()) field("o:" + tracestate_value(context.origin));
  for (const auto& [key, value] : context.propagation_tags) {
    if (key.substr(0, kTagPrefix.size()) != kTagPrefix) continue;
    const std::string item =
        "t." + tracestate_key(key.substr(kTagPrefix.size())) + ":" + tracestate_value(value);
    if (state.size() + 1 + item.size() > kMaxTracestateBytes) continue;
    field(item);
  }
  out.emplace_back("tracestate", std::move(state));
  return out;
}

}  // namespace srelab::telemetry
