// DogStatsD: message and tag format, constant tags, counter deltas between flushes, interval
// histogram summaries, datagrams never above 1432 bytes with many metrics, and an oversize
// message dropped and counted rather than split.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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
  EXPECT_EQ(messages_of(formatter.flush(registry)),
            (std::vector<std::string>{"cpu:0|c", "hits:0|c"}));
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

TEST(DogStatsdFlush, HistogramsSummarizeTheIntervalSinceThePreviousFlush) {
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
                "http.duration.count:100|c" + tags, "http.duration.avg:0.515|g" + tags,
                // 0.5 starts a fine bucket: its midpoint is 1/64 above
                "http.duration.p50:0.5078125|g" + tags, "http.duration.p95:0.5078125|g" + tags,
                "http.duration.p99:0.5078125|g" + tags,
                "http.duration.max:2|g" + tags}));  // the exact max on the first flush

  for (int i = 0; i < 10; ++i) latency.observe(1.0);
  const std::vector<std::string> second = messages_of(formatter.flush(registry));
  ASSERT_EQ(second.size(), 6u);
  EXPECT_EQ(second[0], "http.duration.count:10|c" + tags);
  EXPECT_EQ(second[1], "http.duration.avg:1|g" + tags);
  EXPECT_EQ(second[2], "http.duration.p50:1.015625|g" + tags);  // the fine bucket's midpoint
  EXPECT_EQ(second[5], "http.duration.max:1.015625|g" + tags);  // not the whole life's 2

  EXPECT_EQ(formatter.flush(registry), std::vector<std::string>{"http.duration.count:0|c" + tags});
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
  ASSERT_EQ(messages.size(), 40u * 4 + 40u * 6);
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
            "http.server.duration.count:1|c|#route:GET /api/v1/resource_number_0/{id},env:lab,"
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
  DogStatsdFormatter formatter(DogStatsdSettings{});
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
