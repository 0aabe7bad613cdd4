// DogStatsD: message and tag format, constant tags, counter deltas between flushes with no
// zero deltas sent, gauges sent when changed and resent at a bounded rate, histograms as
// weighted distributions packed several values a message (their quantiles within the
// histogram's relative error), datagrams never above 1432 bytes with many metrics, and an
// oversize message dropped and counted rather than split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "telemetry/dogstatsd/dogstatsd.hpp"

namespace srelab::telemetry {
namespace {

std::vector<std::string> messages_of(const std::vector<std::string>& datagrams) {
  std::vector<std::string> messages;
  for (const std::string& datagram : datagrams) {
    std::istringstream in(datagram);
    for (std::string line; std::getline(in, line);) messages.push_back(line);
  }
  return messages;
}

DogStatsdSettings lab_settings() {
  return DogStatsdSettings{"lab", "sre-lab", "0.1.0", {}, kMaxDatagramBytes};
}

TEST(DogStatsdMessage, HasNameValueTypeAndTags) {
  struct Case {
    const char* name;
    double value;
    const char* type;
    std::vector<DogStatsdTag> tags;
    const char* expected;
  };
  const Case cases[] = {
      {"catalog.cache.hit", 1, "c", {}, "catalog.cache.hit:1|c"},
      {"db.pool.active", 2.5, "g", {{"pool", "primary"}}, "db.pool.active:2.5|g|#pool:primary"},
      {"catalog.db.query.duration",
       0.012,
       "d",
       {{"query", "product.by_id"}, {"env", "lab"}},
       "catalog.db.query.duration:0.012|d|#query:product.by_id,env:lab"},
      {"cache hit|x", 1, "c", {}, "cache_hit_x:1|c"},
      {"m", 1, "c", {{"route", "GET /products/{id}"}}, "m:1|c|#route:GET /products/{id}"},
      {"m", 1, "c", {{"url", "http://h:80/a"}}, "m:1|c|#url:http://h:80/a"},
      {"m", 1, "c", {{"bad", "a|b,c#d\ne"}}, "m:1|c|#bad:a_b_c_d_e"},
      {"m", 1, "c", {{"k:ey|#", "v"}}, "m:1|c|#k_ey__:v"},
      {"m", 1, "c", {{"empty", ""}}, "m:1|c|#empty:"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(dogstatsd_message(c.name, c.value, c.type, c.tags), c.expected);
  }
}

TEST(DogStatsdFlush, TagsSeriesLabelsThenConstantTags) {
  Registry registry;
  registry.counter(MetricInfo{"catalog.cache.hit", "h", {}, {"route", "status"}, ""})
      .with({"GET /products/{id}", "200"})
      .inc(3);
  registry.gauge(MetricInfo{"db.pool.active", "h", {}, {}, ""}).get().set(4);
  DogStatsdFormatter formatter(DogStatsdSettings{
      "lab", "sre-lab", "1.2.3", {{"team", "sre"}, {"region", "eu|1"}}, kMaxDatagramBytes});
  EXPECT_EQ(formatter.flush(registry),
            std::vector<std::string>{
                "catalog.cache.hit:3|c|#route:GET /products/{id},status:200,env:lab,"
                "service:sre-lab,version:1.2.3,team:sre,region:eu_1\n"
                "db.pool.active:4|g|#env:lab,service:sre-lab,version:1.2.3,team:sre,region:eu_1"});
}

TEST(DogStatsdFlush, OmitsEmptyConstantTags) {
  Registry registry;
  registry.gauge(MetricInfo{"up", "h", {}, {}, ""}).get().set(1);
  DogStatsdFormatter bare(DogStatsdSettings{});
  EXPECT_EQ(bare.flush(registry), std::vector<std::string>{"up:1|g"});
  DogStatsdFormatter service_only(DogStatsdSettings{"", "sre-lab", "", {}, kMaxDatagramBytes});
  EXPECT_EQ(service_only.flush(registry), std::vector<std::string>{"up:1|g|#service:sre-lab"});
}

TEST(DogStatsdFlush, CountersSendTheIncreaseSinceThePreviousFlush) {
  Registry registry;
  Counter& hits = registry.counter(MetricInfo{"hits", "h", {}, {}, ""}).get();
  Counter& cpu = registry.counter(MetricInfo{"cpu", "h", Unit::seconds, {}, ""}).get();
  DogStatsdFormatter formatter(DogStatsdSettings{});

  hits.inc(3);
  cpu.add(0.25);
  EXPECT_EQ(messages_of(formatter.flush(registry)),
            (std::vector<std::string>{"cpu:0.25|c", "hits:3|c"}));
  hits.inc(2);
  cpu.add(0.5);
  EXPECT_EQ(messages_of(formatter.flush(registry)),
            (std::vector<std::string>{"cpu:0.5|c", "hits:2|c"}));
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{}) << "no zero deltas";
  hits.inc();
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"hits:1|c"});
}

TEST(DogStatsdFlush, ACounterNeverIncrementedIsNeverSent) {
  Registry registry;
  registry.counter(MetricInfo{"errors", "h", {}, {"route"}, ""}).with({"/a"});
  DogStatsdFormatter formatter(DogStatsdSettings{});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
}

TEST(DogStatsdFlush, ACallbackCounterThatGoesBackwardsRestarted) {
  Registry registry;
  double commands = 100;
  registry.counter(MetricInfo{"redis.commands", "h", {}, {}, ""}).with_callback({}, [&] {
    return commands;
  });
  DogStatsdFormatter formatter(DogStatsdSettings{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"redis.commands:100|c"});
  commands = 130;
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"redis.commands:30|c"});
  commands = 7;  // the client was rebuilt
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"redis.commands:7|c"});
  commands = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  commands = 10;
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"redis.commands:3|c"});
}

TEST(DogStatsdFlush, GaugesSendTheirValueAndSkipNonFinite) {
  Registry registry;
  GaugeFamily& family = registry.gauge(MetricInfo{"g", "h", {}, {"k"}, ""});
  family.with({"a"}).set(-1.5);
  family.with({"b"}).set(std::numeric_limits<double>::infinity());
  family.with({"c"}).set(std::nan(""));
  DogStatsdFormatter formatter(DogStatsdSettings{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"g:-1.5|g|#k:a"});
}

TEST(DogStatsdFlush, GaugesGoOutWhenChangedAndUnchangedOnesEveryNFlushes) {
  Registry registry;
  Gauge& pool = registry.gauge(MetricInfo{"db.pool.active", "h", {}, {}, ""}).get();
  DogStatsdSettings settings;
  settings.gauge_resend_flushes = 3;
  DogStatsdFormatter formatter(settings);

  pool.set(0);
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"db.pool.active:0|g"}) << "first";
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  pool.set(2);
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"db.pool.active:2|g"}) << "moved";
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"db.pool.active:2|g"})
      << "the third flush since it was sent: a flat line, not a gap";
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  pool.set(1);
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"db.pool.active:1|g"})
      << "a change goes out at once, and starts the count again";
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{});
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"db.pool.active:1|g"});
}

TEST(DogStatsdFlush, AResendEveryFlushSendsEveryGauge) {
  Registry registry;
  registry.gauge(MetricInfo{"up", "h", {}, {}, ""}).get().set(1);
  DogStatsdSettings settings;
  settings.gauge_resend_flushes = 1;
  DogStatsdFormatter formatter(settings);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"up:1|g"});
}

// What the Agent inserts into its sketch for a message: each value, 1/rate times (truncated).
struct Weighted {
  double value;
  std::uint64_t weight;
};

std::vector<Weighted> agent_inserts(const std::string& message) {
  const auto bar = message.find('|');
  std::vector<double> values;
  std::istringstream in(message.substr(message.find(':') + 1, bar - message.find(':') - 1));
  for (std::string value; std::getline(in, value, ':');) values.push_back(std::stod(value));
  std::uint64_t weight = 1;
  if (const auto at = message.find("|@"); at != std::string::npos)
    weight = static_cast<std::uint64_t>(1 / std::stod(message.substr(at + 2)));
  std::vector<Weighted> inserts;
  for (double value : values) inserts.push_back({value, weight});
  return inserts;
}

TEST(DogStatsdFlush, HistogramsAreDistributionsOfTheIntervalWeightedBySampleRate) {
  Registry registry;
  Histogram& latency =
      registry.histogram(MetricInfo{"http.duration", "h", Unit::seconds, {"route"}, ""})
          .with({"GET /products/{id}"});
  DogStatsdFormatter formatter(DogStatsdSettings{});
  const std::string tags = "|#route:GET /products/{id}";

  for (int i = 0; i < 99; ++i) latency.observe(0.5);
  latency.observe(2.0);
  EXPECT_EQ(messages_of(formatter.flush(registry)),
            (std::vector<std::string>{
                "http.duration:2|d" + tags,  // its bucket's midpoint, clamped to the max seen
                // 0.5 starts a fine bucket: its midpoint is 1/64 above; 99 of them
                "http.duration:0.5078125|d|@" + dogstatsd_weight_rate(99) + tags}));

  for (int i = 0; i < 10; ++i) latency.observe(1.0);
  EXPECT_EQ(
      messages_of(formatter.flush(registry)),
      (std::vector<std::string>{"http.duration:1.015625|d|@" + dogstatsd_weight_rate(10) + tags}));

  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{}) << "nothing observed";
}

// In a container, every message ends with the container field after the tags (and the rate),
// so the Agent can tag the metric with the container's tags; outside one there is no field.
TEST(DogStatsdFlush, TheContainerFieldEndsEveryMessageInAContainer) {
  Registry registry;
  registry.counter(MetricInfo{"catalog.cache.hit", "h", {}, {}, ""}).get().inc(2);
  registry.gauge(MetricInfo{"db.pool.active", "h", {}, {}, ""}).get().set(4);
  Histogram& h = registry.histogram(MetricInfo{"q", "h", Unit::seconds, {}, ""}).get();
  h.observe(0.5);
  h.observe(0.5);
  DogStatsdSettings settings = lab_settings();
  settings.container = "ci-0123abcd";
  DogStatsdFormatter formatter(settings);
  const std::string fields = "|#env:lab,service:sre-lab,version:0.1.0|c:ci-0123abcd";
  EXPECT_EQ(
      messages_of(formatter.flush(registry)),
      (std::vector<std::string>{"catalog.cache.hit:2|c" + fields, "db.pool.active:4|g" + fields,
                                "q:0.5|d|@" + dogstatsd_weight_rate(2) + fields}));
  DogStatsdSettings bare;
  bare.container = "in-4026531835";
  EXPECT_EQ(messages_of(DogStatsdFormatter(bare).flush(registry)),
            (std::vector<std::string>{
                "catalog.cache.hit:2|c|c:in-4026531835", "db.pool.active:4|g|c:in-4026531835",
                "q:0.5|d|@" + dogstatsd_weight_rate(2) + "|c:in-4026531835"}));
}

TEST(DogStatsdFlush, ValuesOfEqualWeightShareAMessage) {
  Registry registry;
  Histogram& h = registry.histogram(MetricInfo{"q", "h", Unit::seconds, {}, ""}).get();
  for (double v : {0.001, 0.002, 0.004}) h.observe(v);
  for (double v : {0.5, 0.25}) h.observe(v), h.observe(v);
  DogStatsdFormatter formatter(DogStatsdSettings{});
  const auto messages = messages_of(formatter.flush(registry));
  ASSERT_EQ(messages.size(), 2u);
  // ascending buckets: midpoints, the first clamped up to the smallest value seen
  EXPECT_EQ(messages[0], "q:0.001:0.001983642578125:0.00396728515625|d");
  EXPECT_EQ(messages[1], "q:0.25390625:0.5|d|@" + dogstatsd_weight_rate(2));  // 0.5: the max
}

TEST(DogStatsdFlush, PackedValuesAreSplitToFitTheDatagram) {
  Registry registry;
  Histogram& h = registry.histogram(MetricInfo{"q", "h", Unit::seconds, {}, ""}).get();
  // 6 % apart, sub-buckets at most 3.1 % wide: 200 distinct buckets
  for (int i = 1; i <= 200; ++i) h.observe(0.001 * std::pow(1.06, i));
  DogStatsdSettings settings;
  settings.max_datagram_bytes = 120;
  DogStatsdFormatter formatter(settings);
  const auto datagrams = formatter.flush(registry);
  std::size_t values = 0;
  double previous = 0;
  for (const std::string& datagram : datagrams) EXPECT_LE(datagram.size(), 120u) << datagram;
  for (const std::string& message : messages_of(datagrams)) {
    ASSERT_TRUE(message.starts_with("q:") && message.ends_with("|d")) << message;
    for (const Weighted& insert : agent_inserts(message)) {
      EXPECT_GT(insert.value, previous) << "each value once, in order";
      previous = insert.value;
      ++values;
    }
  }
  EXPECT_GT(messages_of(datagrams).size(), 10u);
  EXPECT_EQ(values, 200u);
  EXPECT_EQ(formatter.dropped_messages(), 0u);
}

TEST(DogStatsdWeightRate, TheAgentCountsEachValueExactlyWeightTimes) {
  for (std::uint64_t weight :
       {2ull, 3ull, 7ull, 10ull, 49ull, 99ull, 1000ull, 123457ull, 9'999'999ull}) {
    const double rate = std::stod(dogstatsd_weight_rate(weight));
    EXPECT_GT(rate, 0);
    EXPECT_LT(rate, 1);
    const double inverse = 1 / rate;  // as the Agent computes it, then truncates
    EXPECT_EQ(static_cast<std::uint64_t>(inverse), weight) << weight;
    EXPECT_LT(inverse / static_cast<double>(weight) - 1, 1e-8) << "the sum stays right";
  }
}

// What Datadog computes from the distribution (here: the nearest-rank p50/p95/p99 and the count of
// the Agent's weighted inserts) is the true interval's within the histogram's relative error.
TEST(DogStatsdFlush, TheDistributionsQuantilesAreWithinTheHistogramsError) {
  Registry registry;
  Histogram& h = registry.histogram(MetricInfo{"lat", "h", Unit::seconds, {}, ""}).get();
  std::vector<double> truth;
  std::uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) / 9007199254740992.0;
    const double v = 0.002 * std::exp(3 * u * u);  // 2 ms .. 40 ms, a long tail
    truth.push_back(v);
    h.observe(v);
  }
  DogStatsdFormatter formatter(DogStatsdSettings{});
  std::vector<Weighted> inserts;
  std::size_t messages = 0;
  for (const std::string& message : messages_of(formatter.flush(registry))) {
    ++messages;
    for (const Weighted& insert : agent_inserts(message)) inserts.push_back(insert);
  }
  std::sort(inserts.begin(), inserts.end(),
            [](const Weighted& a, const Weighted& b) { return a.value < b.value; });
  std::sort(truth.begin(), truth.end());
  std::uint64_t total = 0;
  for (const Weighted& insert : inserts) total += insert.weight;
  EXPECT_EQ(total, truth.size());
  EXPECT_LT(messages, 200u) << "one message per distinct weight, not per observation";
  for (double q : {0.5, 0.95, 0.99}) {
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
    std::uint64_t seen = 0;
    double estimate = 0;
    for (const Weighted& insert : inserts) {
      seen += insert.weight;
      if (seen >= rank) {
        estimate = insert.value;
        break;
      }
    }
    const double exact = truth[rank - 1];
    EXPECT_LE(std::abs(estimate - exact) / exact, Histogram::kRelativeError) << q;
  }
}

TEST(DogStatsdDatagrams, StayWithinTheLimitWithManyMetrics) {
  Registry registry;
  CounterFamily& requests =
      registry.counter(MetricInfo{"http.server.requests", "h", {}, {"route", "status"}, ""});
  HistogramFamily& durations =
      registry.histogram(MetricInfo{"http.server.duration", "h", Unit::seconds, {"route"}, ""});
  for (int r = 0; r < 40; ++r) {
    const std::string route = "GET /api/v1/resource_number_" + std::to_string(r) + "/{id}";
    for (const char* status : {"200", "404", "500", "503"}) requests.with({route, status}).inc(r);
    durations.with({route}).observe(0.001 * (r + 1));
  }
  DogStatsdFormatter formatter(lab_settings());
  const std::vector<std::string> datagrams = formatter.flush(registry);

  const std::vector<std::string> messages = messages_of(datagrams);
  ASSERT_EQ(messages.size(), 39u * 4 + 40u) << "route 0's counters are 0: not sent";
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    EXPECT_LE(datagrams[i].size(), kMaxDatagramBytes) << i;
    EXPECT_FALSE(datagrams[i].ends_with('\n'));
    // greedy: the next datagram's first message would not have fitted in this one
    if (i + 1 < datagrams.size()) {
      const std::string next_first = datagrams[i + 1].substr(0, datagrams[i + 1].find('\n'));
      EXPECT_GT(datagrams[i].size() + 1 + next_first.size(), kMaxDatagramBytes) << i;
    }
  }
  EXPECT_GT(datagrams.size(), 10u);
  EXPECT_EQ(formatter.dropped_messages(), 0u);
  EXPECT_EQ(messages.front(),
            "http.server.duration:0.001|d|#route:GET /api/v1/resource_number_0/{id},env:lab,"
            "service:sre-lab,version:0.1.0");
  for (const std::string& message : messages) {
    EXPECT_TRUE(message.ends_with(",env:lab,service:sre-lab,version:0.1.0")) << message;
  }
}

TEST(DogStatsdDatagrams, AnOversizeMessageIsDroppedAndCountedNotSplit) {
  Registry registry;
  GaugeFamily& family = registry.gauge(MetricInfo{"g", "h", {}, {"k"}, ""});
  family.with({"a"}).set(1);
  family.with({std::string(1500, 'x')}).set(2);
  family.with({"z"}).set(3);
  DogStatsdSettings every_flush;
  every_flush.gauge_resend_flushes = 1;
  DogStatsdFormatter formatter(every_flush);
  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"g:1|g|#k:a\ng:3|g|#k:z"});
  EXPECT_EQ(formatter.dropped_messages(), 1u);
  formatter.flush(registry);
  EXPECT_EQ(formatter.dropped_messages(), 2u);
}

TEST(DatagramPacker, FillsUpToExactlyTheLimit) {
  DatagramPacker packer(10);
  packer.add("aaaa");         // 4
  packer.add("bbbbb");        // 4 + '\n' + 5 = 10: fits exactly
  packer.add("cccc");         // a new datagram
  packer.add("dddddd");       // 4 + '\n' + 6 = 11: the separator counts, so a new one
  packer.add("eeeeeeeeee");   // exactly 10 alone: kept, in its own datagram
  packer.add("fffffffffff");  // 11: dropped
  packer.add("gg");
  EXPECT_EQ(packer.take(),
            (std::vector<std::string>{"aaaa\nbbbbb", "cccc", "dddddd", "eeeeeeeeee", "gg"}));
  EXPECT_EQ(packer.dropped(), 1u);
  EXPECT_TRUE(packer.take().empty());
}

TEST(DatagramPacker, HonoursASmallerConfiguredLimit) {
  Registry registry;
  CounterFamily& family = registry.counter(MetricInfo{"c", "h", {}, {"n"}, ""});
  for (int i = 0; i < 20; ++i) family.with({std::to_string(100 + i)}).inc();
  DogStatsdFormatter formatter(DogStatsdSettings{"", "", "", {}, 32});
  const std::vector<std::string> datagrams = formatter.flush(registry);
  for (const auto& datagram : datagrams) EXPECT_LE(datagram.size(), 32u);
  EXPECT_EQ(datagrams.front(), "c:1|c|#n:100\nc:1|c|#n:101");  // 12 + 1 + 12 = 25
  EXPECT_EQ(messages_of(datagrams).size(), 20u);
}

}  // namespace
}  // namespace srelab::telemetry
