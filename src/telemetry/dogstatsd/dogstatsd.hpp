// DogStatsD without the socket: turns registry snapshots (or single samples) into datagrams
// `name:value|type|#tag:value,…`, several messages per datagram separated by '\n', each datagram
// at most 1432 bytes (datadog-go's default for a 1500-byte MTU). A message that alone exceeds the
// limit is dropped and counted, never split. The app's flusher calls flush() every interval on
// one thread and writes each datagram to UDP (DD_DOGSTATSD_URL / DD_AGENT_HOST:8125).
//
// What a flush sends, per series, tagged with the series' labels (label name as tag key) and
// then the constant tags (env, service, version, extras):
//  - counter   → `name:<increase since the previous flush>|c`, zero included (an explicit 0
//                keeps "no errors" apart from "no data"); the first flush sends the whole count;
//                a callback counter that went backwards (its owner restarted) sends its value;
//  - gauge     → `name:<value>|g`, skipped when not finite;
//  - histogram → a summary of what was observed since the previous flush, in the histogram's
//                unit: `name.count|c` always, and when it is not 0 `name.avg`, `name.p50`,
//                `name.p95`, `name.p99`, `name.max` as gauges (within the histogram's relative
//                error). Summaries rather than 'd' samples: the registry keeps buckets, not
//                samples, and interval percentiles show a fault the moment it starts, where
//                whole-life ones would barely move after hours of traffic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "telemetry/metrics/registry.hpp"

namespace srelab::telemetry {

inline constexpr std::size_t kMaxDatagramBytes = 1432;

struct DogStatsdTag {
  std::string key;
  std::string value;
};

struct DogStatsdSettings {
  std::string env;  // each becomes a constant tag (env:…, service:…, version:…) unless empty
  std::string service;
  std::string version;
  std::vector<DogStatsdTag> extra_tags;  // appended after those
  std::size_t max_datagram_bytes = kMaxDatagramBytes;
};

// One message, `name:value|type` plus `|#k:v,…` when there are tags; the name and the tags are
// sanitized (metric_names.hpp). `type` is "c", "g", "h", "d", "ms" or "s".
std::string dogstatsd_message(std::string_view name, double value, std::string_view type,
                              const std::vector<DogStatsdTag>& tags = {});

// Packs messages into datagrams of at most max_bytes, in order.
class DatagramPacker {
 public:
  explicit DatagramPacker(std::size_t max_bytes = kMaxDatagramBytes) : max_bytes_(max_bytes) {}

  // Appends to the current datagram, or starts a new one when it would not fit; drops (and
  // counts) a message longer than max_bytes by itself.
  void add(std::string_view message);

  // The datagrams so far, the last one included; the packer starts empty again.
  std::vector<std::string> take();

  std::uint64_t dropped() const { return dropped_; }  // since construction

 private:
  std::size_t max_bytes_;
  std::vector<std::string> datagrams_;
  std::uint64_t dropped_ = 0;
};

// Keeps what the previous flush saw, to send counter and histogram deltas. One formatter per
// registry; not thread-safe (one flusher thread calls it).
class DogStatsdFormatter {
 public:
  explicit DogStatsdFormatter(DogStatsdSettings settings);

  std::vector<std::string> flush(const Registry& registry);
  std::vector<std::string> flush(const RegistrySnapshot& snapshot);

  // Messages dropped for being longer than a datagram, since construction.
  std::uint64_t dropped_messages() const { return dropped_; }

 private:
  void add_counter(DatagramPacker& packer, const std::string& name, const SeriesSnapshot& series,
                   std::string_view tags);
  void add_histogram(DatagramPacker& packer, const std::string& name, const SeriesSnapshot& series,
                     std::string_view tags);

  DogStatsdSettings settings_;
  std::string constant_tags_;  // "env:lab,service:sre-lab,version:0.1.0", sanitized
  std::unordered_map<std::uint64_t, double> counters_;  // series id → value at previous flush
  std::unordered_map<std::uint64_t, HistogramSnapshot> histograms_;
  std::uint64_t dropped_ = 0;
};

}  // namespace srelab::telemetry
