// DogStatsD without the socket: turns registry snapshots (or single samples) into datagrams
// `name:value|type|#tag:value,…`, several messages per datagram separated by '\n', each datagram
// at most 1432 bytes (the usual client default for a 1500-byte MTU). A message that alone exceeds
// the limit is dropped and counted, never split. The app's sender calls flush() every interval
// (2 s) on one thread, and once more when the service stops, and writes each datagram to the
// Agent (UDP or a unix datagram socket).
//
// A flush sends only what changed since the previous one, each series tagged with its labels
// (label name as tag key) and then the constant tags (env, service, version, extras):
//  - counter   → `name:<increase>|c` when the increase is not 0; the first flush sends the whole
//                count; a callback counter that went backwards (its owner restarted) sends its
//                value. A count of 0 is not sent: a Datadog count with no points reads as 0 in
//                sums and rates, and 80% of the contexts were always-zero counters;
//  - gauge     → `name:<value>|g` when the value differs from the one last sent, and an
//                unchanged one again after gauge_resend_flushes flushes (30: once a minute at
//                2 s), so that a flat line is not a gap; skipped when not finite;
//  - histogram → a distribution (`|d`) of what was observed since the previous flush, nothing
//                when nothing was. The registry keeps log-bucketed counts, not samples: each fine
//                bucket that grew by n is sent as its representative value (the bucket's
//                midpoint, clamped to the observed min/max) with weight n through the sample
//                rate (`@<1/n>`: the Agent inserts a value sent at rate r 1/r times, truncating
//                1/r, so the rate is printed a hair below 1/n). Values of equal weight share one
//                message in DogStatsD 1.1's packed form, `name:v1:v2:v3|d|@r|#tags` (Agent ≥
//                7.25), split across messages only to fit a datagram. So Datadog's p50/p95/p99,
//                count and avg of `name` are within the histogram's relative error (1/64 with
//                the default 32 sub-buckets per octave) plus the Agent sketch's own, at a cost of
//                one short message per distinct weight rather than one per observation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
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
  // An unchanged gauge goes out again once this many flushes passed without it (1: every flush).
  std::size_t gauge_resend_flushes = 30;
  // The container's entity id (container_id.hpp: "ci-<id>" or "in-<inode>") sent as every
  // message's `|c:` field so the Agent tags the metrics with the container's tags; empty outside
  // a container.
  std::string container{};
};

// One message, `name:value|type` plus `|#k:v,…` when there are tags; the name and the tags are
// sanitized (metric_names.hpp). `type` is "c", "g", "h", "d", "ms" or "s".
std::string dogstatsd_message(std::string_view name, double value, std::string_view type,
                              const std::vector<DogStatsdTag>& tags = {});

// The sample rate that makes the Agent count a value `weight` times (weight ≥ 2), as text:
// a hair below 1/weight, since the Agent truncates 1/rate to an integer count.
std::string dogstatsd_weight_rate(std::uint64_t weight);

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

// Keeps what the previous flush saw, to send counter and histogram deltas and to know which
// gauges changed. One formatter per registry; not thread-safe (one flusher thread calls it).
class DogStatsdFormatter {
 public:
  explicit DogStatsdFormatter(DogStatsdSettings settings);

  std::vector<std::string> flush(const Registry& registry);
  std::vector<std::string> flush(const RegistrySnapshot& snapshot);

  // Messages dropped for being longer than a datagram, since construction.
  std::uint64_t dropped_messages() const { return dropped_; }

 private:
  void add_counter(DatagramPacker& packer, const std::string& name, const SeriesSnapshot& series,
                   std::string_view fields);
  void add_gauge(DatagramPacker& packer, const std::string& name, const SeriesSnapshot& series,
                 std::string_view fields);
  void add_histogram(DatagramPacker& packer, const std::string& name, const SeriesSnapshot& series,
                     std::string_view fields);

  struct SentGauge {
    double value = 0;
    std::size_t flushes_since = 0;  // flushes that did not send it since it was last sent
  };

  DogStatsdSettings settings_;
  std::string constant_tags_;  // "env:lab,service:sre-lab,version:0.1.0", sanitized
  std::unordered_map<std::uint64_t, double> counters_;  // series id → value at previous flush
  std::unordered_map<std::uint64_t, SentGauge> gauges_;
  std::unordered_map<std::uint64_t, HistogramSnapshot> histograms_;
  std::uint64_t dropped_ = 0;
};

}  // namespace srelab::telemetry
