// Registry: families and their series, callback series, what registration refuses, snapshot
// order, and exact counts when two threads record through the same handles.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/metrics/registry.hpp"

namespace srelab::telemetry {
namespace {

MetricInfo info(std::string name, std::vector<std::string> labels = {}, Unit unit = Unit::none) {
  return MetricInfo{std::move(name), "help", unit, std::move(labels), ""};
}

const FamilySnapshot& family_named(const RegistrySnapshot& snap, std::string_view name) {
  for (const auto& family : snap) {
    if (family.info.name == name) return family;
  }
  throw std::out_of_range(std::string(name));
}

TEST(RegistryFamilies, GiveOneSeriesPerLabelValues) {
  Registry registry;
  CounterFamily& hits = registry.counter(info("catalog.cache.hit", {"route", "status"}));
  Counter& a = hits.with({"GET /products/{id}", "200"});
  Counter& b = hits.with({"GET /products/{id}", "503"});
  EXPECT_EQ(&a, &hits.with({"GET /products/{id}", "200"}));
  EXPECT_NE(&a, &b);
  a.inc();
  a.inc(4);
  b.inc();
  EXPECT_EQ(a.value(), 5);
  EXPECT_EQ(b.value(), 1);
  EXPECT_EQ(hits.info().prometheus_name, "catalog_cache_hit_total");
  EXPECT_EQ(hits.type(), MetricType::counter);
}

TEST(RegistryFamilies, AFamilyWithoutLabelsHasOneSeries) {
  Registry registry;
  GaugeFamily& in_flight = registry.gauge(info("http.server.in_flight"));
  Gauge& gauge = in_flight.get();
  gauge.add(3);
  gauge.sub(1);
  EXPECT_EQ(&gauge, &in_flight.get());
  EXPECT_EQ(gauge.value(), 2);
  gauge.set(-7.5);
  EXPECT_EQ(in_flight.snapshot().series.at(0).value, -7.5);
}

TEST(RegistryFamilies, CounterIgnoresNegativeAndNaNAmounts) {
  Counter counter;
  counter.add(0.25);
  counter.add(-5);
  counter.add(std::nan(""));
  counter.inc(2);
  EXPECT_EQ(counter.value(), 2.25);
}

TEST(RegistryFamilies, WrongNumberOfLabelValuesThrows) {
  Registry registry;
  CounterFamily& hits = registry.counter(info("catalog.cache.hit", {"route"}));
  EXPECT_THROW(hits.with({}), std::invalid_argument);
  EXPECT_THROW(hits.with({"a", "b"}), std::invalid_argument);
  EXPECT_THROW(hits.with_callback({}, [] { return 1.0; }), std::invalid_argument);
}

TEST(RegistryFamilies, HistogramsUseTheFamilysLayout) {
  Registry registry;
  HistogramFamily& family = registry.histogram(info("q.duration", {"query"}, Unit::seconds),
                                               HistogramLayout{{0.1, 1}, 0.001, 10});
  family.with({"product.by_id"}).observe(0.5);
  const FamilySnapshot snap = family.snapshot();
  ASSERT_EQ(snap.series.size(), 1u);
  EXPECT_EQ(snap.series[0].histogram.bounds, (std::vector<double>{0.1, 1}));
  EXPECT_EQ(snap.series[0].histogram.buckets, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(snap.info.prometheus_name, "q_duration_seconds");
}

TEST(RegistryCallbacks, AreSampledAtEverySnapshot) {
  Registry registry;
  double leak_bytes = 1024;
  std::uint64_t redis_commands = 10;
  registry.gauge(info("catalog.app.memory_leak_size", {}, Unit::bytes)).with_callback({}, [&] {
    return leak_bytes;
  });
  registry.counter(info("redis.commands", {"client"})).with_callback({"cache"}, [&] {
    return static_cast<double>(redis_commands);
  });
  RegistrySnapshot first = registry.snapshot();
  leak_bytes = 4096;
  redis_commands = 25;
  RegistrySnapshot second = registry.snapshot();
  EXPECT_EQ(family_named(first, "catalog.app.memory_leak_size").series.at(0).value, 1024);
  EXPECT_EQ(family_named(second, "catalog.app.memory_leak_size").series.at(0).value, 4096);
  EXPECT_EQ(family_named(first, "redis.commands").series.at(0).value, 10);
  EXPECT_EQ(family_named(second, "redis.commands").series.at(0).value, 25);
}

TEST(RegistryCallbacks, CannotBeRecordedIntoNorRegisteredTwice) {
  Registry registry;
  GaugeFamily& pool = registry.gauge(info("db.pool.connections", {"state"}));
  pool.with_callback({"idle"}, [] { return 3.0; });
  EXPECT_THROW(pool.with({"idle"}), std::invalid_argument);
  EXPECT_THROW(pool.with_callback({"idle"}, [] { return 4.0; }), std::invalid_argument);
  pool.with({"active"}).set(2);
  EXPECT_THROW(pool.with_callback({"active"}, [] { return 4.0; }), std::invalid_argument);
  EXPECT_THROW(pool.with_callback({"busy"}, nullptr), std::invalid_argument);
}

TEST(RegistryRegistration, SameDefinitionReturnsTheSameFamily) {
  Registry registry;
  CounterFamily& first = registry.counter(info("catalog.cache.hit", {"route"}));
  CounterFamily& again = registry.counter(info("catalog.cache.hit", {"route"}));
  EXPECT_EQ(&first, &again);
  HistogramFamily& h1 = registry.histogram(info("d", {}, Unit::seconds));
  EXPECT_EQ(&h1, &registry.histogram(info("d", {}, Unit::seconds)));
  EXPECT_THROW(registry.histogram(info("d", {}, Unit::seconds), HistogramLayout{{1}, 1e-6, 3600}),
               std::invalid_argument);
}

TEST(RegistryRegistration, RefusesConflictsAndBadNames) {
  struct Case {
    const char* what;
    void (*attempt)(Registry&);
  };
  const Case cases[] = {
      {"another definition (labels)",
       [](Registry& r) { r.counter(info("catalog.cache.hit", {"status"})); }},
      {"another definition (help)",
       [](Registry& r) {
         r.counter(MetricInfo{"catalog.cache.hit", "other", {}, {"route"}, ""});
       }},
      {"another type", [](Registry& r) { r.gauge(info("catalog.cache.hit", {"route"})); }},
      {"same Prometheus name", [](Registry& r) { r.gauge(info("db_pool.active")); }},
      {"a histogram's _count", [](Registry& r) { r.gauge(info("latency_seconds_count")); }},
      {"a histogram over a gauge", [](Registry& r) { r.histogram(info("db.pool.active")); }},
      {"empty name", [](Registry& r) { r.gauge(info("")); }},
      {"bad Prometheus override",
       [](Registry& r) {
         r.gauge(MetricInfo{"x.y", "h", Unit::none, {}, "1x"});
       }},
      {"label le", [](Registry& r) { r.histogram(info("h.x", {"le"})); }},
      {"reserved label", [](Registry& r) { r.gauge(info("g.x", {"__name__"})); }},
      {"malformed label", [](Registry& r) { r.gauge(info("g.y", {"status-code"})); }},
      {"repeated label",
       [](Registry& r) {
         r.gauge(info("g.z", {"route", "route"}));
       }},
      {"bad histogram layout",
       [](Registry& r) {
         r.histogram(info("h.y"), HistogramLayout{{2, 1}, 1e-6, 3600});
       }},
  };
  for (const auto& c : cases) {
    Registry registry;
    registry.counter(info("catalog.cache.hit", {"route"}));
    registry.gauge(info("db.pool.active"));
    registry.histogram(info("latency", {}, Unit::seconds));
    EXPECT_THROW(c.attempt(registry), std::invalid_argument) << c.what;
  }
}

TEST(RegistryRegistration, PrometheusNameCanBeOverridden) {
  Registry registry;
  GaugeFamily& family = registry.gauge(MetricInfo{
      "resilience.circuit_breaker.state", "h", Unit::none, {}, "srelab_circuit_breaker_open"});
  EXPECT_EQ(family.info().prometheus_name, "srelab_circuit_breaker_open");
}

TEST(RegistrySnapshots, AreOrderedByPrometheusNameThenLabelValues) {
  Registry registry;
  registry.gauge(info("zeta")).get();
  CounterFamily& requests = registry.counter(info("alpha", {"status"}));
  requests.with({"503"});
  requests.with({"200"});
  requests.with({"404"});
  registry.histogram(info("mid", {}, Unit::seconds)).get();
  const RegistrySnapshot snap = registry.snapshot();
  ASSERT_EQ(snap.size(), 3u);
  EXPECT_EQ(snap[0].info.prometheus_name, "alpha_total");
  EXPECT_EQ(snap[1].info.prometheus_name, "mid_seconds");
  EXPECT_EQ(snap[2].info.prometheus_name, "zeta");
  ASSERT_EQ(snap[0].series.size(), 3u);
  EXPECT_EQ(snap[0].series[0].label_values, std::vector<std::string>{"200"});
  EXPECT_EQ(snap[0].series[1].label_values, std::vector<std::string>{"404"});
  EXPECT_EQ(snap[0].series[2].label_values, std::vector<std::string>{"503"});
  std::set<std::uint64_t> ids;
  for (const auto& family : snap) {
    for (const auto& series : family.series) ids.insert(series.id);
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(registry.snapshot()[0].series[0].id, snap[0].series[0].id);  // stable
}

TEST(RegistryConcurrency, TwoThreadsRecordExactCounts) {
  constexpr int kPerThread = 100000;
  Registry registry;
  Counter& requests = registry.counter(info("http.requests")).get();
  Counter& cpu = registry.counter(info("process.cpu", {}, Unit::seconds)).get();
  Gauge& in_flight = registry.gauge(info("http.in_flight")).get();
  GaugeFamily& level = registry.gauge(info("level", {"thread"}));
  HistogramFamily& latency = registry.histogram(info("latency", {"route"}, Unit::seconds));

  std::atomic<int> ready{0};
  auto work = [&](const char* name) {
    Gauge& mine = level.with({name});  // series creation races too
    Histogram& shared = latency.with({"GET /products/{id}"});
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }
    for (int i = 0; i < kPerThread; ++i) {
      requests.inc();
      if (i % 100 == 0) cpu.add(0.5);
      in_flight.add(1);
      mine.set(i);
      shared.observe(0.001);
    }
  };
  std::thread first(work, "a");
  std::thread second(work, "b");
  double seen = 0;  // scrapes while they record: the count only grows
  for (int i = 0; i < 50; ++i) {
    const double now = family_named(registry.snapshot(), "http.requests").series.at(0).value;
    EXPECT_GE(now, seen);
    seen = now;
  }
  first.join();
  second.join();

  EXPECT_EQ(requests.value(), 2.0 * kPerThread);
  EXPECT_EQ(cpu.value(), 2 * (kPerThread / 100) * 0.5);
  EXPECT_EQ(in_flight.value(), 2.0 * kPerThread);
  EXPECT_EQ(level.with({"a"}).value(), kPerThread - 1);
  const HistogramSnapshot snap = latency.with({"GET /products/{id}"}).snapshot();
  EXPECT_EQ(snap.count, 2u * kPerThread);
  EXPECT_EQ(latency.snapshot().series.size(), 1u);
}

}  // namespace
}  // namespace srelab::telemetry
