// What a strict Datadog agent (dd-apm-test-agent, the agent's normalizer) checks on a v0.4 trace
// payload, the payload back into chunks, and spans compared field by field: for the payload's unit
// test and the integration tests' fake agent. Header-only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/datadog/datadog_payload.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::testing {

// Every way a v0.4 body falls short of what a strict receiver accepts: a list of lists of maps,
// each span the 12 keys of reference §1 in dd-trace-cpp's order with their types (ids uint64,
// start/duration int64, error int32 0/1, meta str→str, metrics str→float64), or the first 11
// when the span has no type (an empty type is never sent), ids not 0, one trace id per chunk, no
// empty chunk. Empty when it is fine.
// msgpack-cxx's objects keep the type but not the width an integer was written with, so the
// fixed widths (ids 0xcf, times 0xd3, error 0xd2) are checked on the bytes: the byte after each
// span key (a fixstr key never met elsewhere in the payloads the tests send).
inline std::vector<std::string> v04_violations(std::string_view body) {
  static const std::vector<std::string> kKeys{"service", "name",      "resource", "trace_id",
                                              "span_id", "parent_id", "start",    "duration",
                                              "error",   "meta",      "metrics",  "type"};
  std::vector<std::string> problems;
  msgpack::object_handle handle;
  try {
    std::size_t used = 0;
    handle = msgpack::unpack(body.data(), body.size(), used);
    if (used != body.size()) return {"the body has bytes after its value"};
  } catch (const std::exception& e) {
    return {std::string("the body does not decode: ") + e.what()};
  }
  const msgpack::object& root = handle.get();
  if (root.type != msgpack::type::ARRAY) return {"the body is not an array"};
  const auto text = [](const msgpack::object& o) {
    return std::string_view(o.via.str.ptr, o.via.str.size);
  };
  for (std::uint32_t t = 0; t < root.via.array.size; ++t) {
    const msgpack::object& trace = root.via.array.ptr[t];
    const std::string where_trace = "trace " + std::to_string(t);
    if (trace.type != msgpack::type::ARRAY) {
      problems.push_back(where_trace + " is not an array");
      continue;
    }
    if (trace.via.array.size == 0) problems.push_back(where_trace + " is empty");
    std::optional<std::uint64_t> trace_id;
    for (std::uint32_t s = 0; s < trace.via.array.size; ++s) {
      const msgpack::object& span = trace.via.array.ptr[s];
      const std::string where = where_trace + " span " + std::to_string(s);
      if (span.type != msgpack::type::MAP) {
        problems.push_back(where + " is not a map");
        continue;
      }
      const std::size_t key_count = span.via.map.size;
      if (key_count != kKeys.size() && key_count != kKeys.size() - 1) {
        problems.push_back(where + " has " + std::to_string(key_count) + " keys");
        continue;
      }
      std::map<std::string, const msgpack::object*> fields;
      for (std::size_t k = 0; k < key_count; ++k) {
        const msgpack::object_kv& entry = span.via.map.ptr[k];
        if (entry.key.type != msgpack::type::STR || text(entry.key) != kKeys[k]) {
          problems.push_back(where + " key " + std::to_string(k) + " is not " + kKeys[k]);
          continue;
        }
        fields[kKeys[k]] = &entry.val;
      }
      const auto expect_type = [&](const std::string& key, msgpack::type::object_type type) {
        const auto found = fields.find(key);
        if (found == fields.end() || found->second->type != type) {
          problems.push_back(where + " " + key + " has the wrong type");
          return false;
        }
        return true;
      };
      for (const char* key : {"service", "name", "resource"}) expect_type(key, msgpack::type::STR);
      if (key_count == kKeys.size() && expect_type("type", msgpack::type::STR) &&
          fields["type"]->via.str.size == 0)
        problems.push_back(where + " has an empty type");
      if (expect_type("trace_id", msgpack::type::POSITIVE_INTEGER)) {
        const std::uint64_t id = fields["trace_id"]->via.u64;
        if (id == 0) problems.push_back(where + " trace_id is 0");
        if (trace_id && *trace_id != id) problems.push_back(where + " is from another trace");
        trace_id = trace_id.value_or(id);
      }
      if (expect_type("span_id", msgpack::type::POSITIVE_INTEGER) &&
          fields["span_id"]->via.u64 == 0)
        problems.push_back(where + " span_id is 0");
      expect_type("parent_id", msgpack::type::POSITIVE_INTEGER);  // 0 is positive here too
      expect_type("start", msgpack::type::POSITIVE_INTEGER);
      expect_type("duration", msgpack::type::POSITIVE_INTEGER);
      if (expect_type("error", msgpack::type::POSITIVE_INTEGER) && fields["error"]->via.u64 > 1)
        problems.push_back(where + " error is not 0 or 1");
      if (expect_type("meta", msgpack::type::MAP)) {
        const auto& meta = fields["meta"]->via.map;
        for (std::uint32_t i = 0; i < meta.size; ++i) {
          if (meta.ptr[i].key.type != msgpack::type::STR ||
              meta.ptr[i].val.type != msgpack::type::STR)
            problems.push_back(where + " meta entry not str→str");
        }
      }
      if (expect_type("metrics", msgpack::type::MAP)) {
        const auto& metrics = fields["metrics"]->via.map;
        for (std::uint32_t i = 0; i < metrics.size; ++i) {
          if (metrics.ptr[i].key.type != msgpack::type::STR ||
              metrics.ptr[i].val.type != msgpack::type::FLOAT64)
            problems.push_back(where + " metrics entry not str→float64");
        }
      }
    }
  }
  const std::pair<std::string_view, unsigned char> kWidths[] = {
      {"trace_id", 0xcf}, {"span_id", 0xcf},  {"parent_id", 0xcf},
      {"start", 0xd3},    {"duration", 0xd3}, {"error", 0xd2}};
  for (const auto& [key, lead] : kWidths) {
    std::string encoded_key(1, static_cast<char>(0xa0 | key.size()));
    encoded_key.append(key);
    for (auto at = body.find(encoded_key); at != std::string_view::npos;
         at = body.find(encoded_key, at + 1)) {
      const std::size_t value_at = at + encoded_key.size();
      if (value_at >= body.size() || static_cast<unsigned char>(body[value_at]) != lead)
        problems.push_back(std::string(key) + " is not written with its fixed width");
    }
  }
  return problems;
}

// A v0.4 body back into chunks (trace_id.high from the chunk's meta _dd.p.tid), or nullopt when it
// does not decode; run v04_violations() for the exact wire formats.
inline std::optional<std::vector<telemetry::TraceChunk>> decode_v04(std::string_view body) {
  auto traces = telemetry::decode_v04(body);
  if (!traces) return std::nullopt;
  for (auto& chunk : *traces) {
    // The high half travels once, on the local root; every span of the chunk shares it.
    std::uint64_t high = 0;
    for (const auto& span : chunk) {
      const auto it = span.meta.find(telemetry::kTraceIdHighTag);
      if (it == span.meta.end()) continue;
      if (const auto parsed = telemetry::parse_hex16(it->second)) high = *parsed;
    }
    for (auto& span : chunk) span.trace_id.high = high;
  }
  return std::move(*traces);
}

// Every field a span carries through the payload, but the trace id (the payload has its low half
// only; callers compare what they can).
inline void expect_same_span(const telemetry::SpanData& got, const telemetry::SpanData& sent) {
  EXPECT_EQ(got.service, sent.service);
  EXPECT_EQ(got.name, sent.name);
  EXPECT_EQ(got.resource, sent.resource);
  EXPECT_EQ(got.type, sent.type);
  EXPECT_EQ(got.span_id, sent.span_id);
  EXPECT_EQ(got.parent_id, sent.parent_id);
  EXPECT_EQ(got.start, sent.start);
  EXPECT_EQ(got.duration, sent.duration);
  EXPECT_EQ(got.error, sent.error);
  EXPECT_EQ(got.meta, sent.meta);
  EXPECT_EQ(got.metrics, sent.metrics);
}

}  // namespace srelab::testing
