#include "catalog/admin_answers.hpp"

#include <boost/json/array.hpp>

namespace srelab::catalog {
namespace {

constexpr std::size_t mebibyte = std::size_t{1} << 20;

boost::json::array keys_of(const boost::json::object& object) {
  boost::json::array keys;
  for (const auto& field : object) keys.emplace_back(field.key());
  return keys;
}

boost::json::object reset_part(const boost::json::object& before,
                               const boost::json::object& after) {
  return with_reset({}, before, after);
}

}  // namespace

boost::json::object changes(const boost::json::object& before, const boost::json::object& after) {
  boost::json::object changed;
  for (const auto& field : after) {
    const boost::json::value* old = before.if_contains(field.key());
    if (old && *old == field.value()) continue;
    changed[field.key()] =
        boost::json::object{{"old", old ? *old : boost::json::value()}, {"new", field.value()}};
  }
  return changed;
}

boost::json::object with_reset(boost::json::object document, const boost::json::object& before,
                               const boost::json::object& after) {
  document["reset"] = keys_of(after);
  document["changed"] = changes(before, after);
  return document;
}

boost::json::object resilience_facts(const resilience::BreakerSnapshot& breaker,
                                     const resilience::ResilienceSettings& settings) {
  boost::json::object facts = resilience::to_json(settings);
  facts["circuit_breaker.state"] = resilience::to_string(breaker.state);
  facts["circuit_breaker.calls_in_window"] = breaker.window.size();
  facts["circuit_breaker.rejected_calls"] = breaker.rejected_calls;
  facts["circuit_breaker.transitions"] = breaker.transitions.size();
  return facts;
}

boost::json::object resilience_configure_answer(const resilience::ResilienceSettings& before,
                                                const resilience::ResilienceSettings& after,
                                                resilience::BreakerState state) {
  boost::json::object settings = resilience::to_json(after);
  boost::json::object answer;
  answer["changed"] = changes(resilience::to_json(before), settings);
  answer["settings"] = std::move(settings);
  answer["circuit_breaker"] =
      boost::json::object{{"state", resilience::to_string(state)},
                          {"forced", state == resilience::BreakerState::forced_open}};
  // The window, the counters and the transition history (~3 KB) are one GET away.
  answer["more"] = "/resilience";
  return answer;
}

boost::json::object lab_reset_answer(const LabReset& reset) {
  boost::json::object answer;
  answer["reset"] = boost::json::array{"chaos", "resilience", "cache", "stale_copies", "leak"};
  answer["chaos"] = reset_part(reset.chaos_before, reset.chaos_after);
  answer["resilience"] = reset_part(reset.resilience_before, reset.resilience_after);
  answer["cache"] = boost::json::object{
      {"removed", reset.cache_keys_removed},
      {"include_stale", true},
      {"stale_copies_removed_in_process", reset.stale_copies_removed_in_process}};
  answer["leak"] =
      boost::json::object{{"freed_mb", reset.leak_freed_bytes / mebibyte}, {"size_mb", 0}};
  answer["more"] = boost::json::array{"/chaos", "/resilience"};
  return answer;
}

}  // namespace srelab::catalog
