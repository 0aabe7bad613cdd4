// MetricTimeline against a real Registry fed through the catalog's own recorders
// (register_catalog_metrics, http's RouteMetrics) and gauges registered under the service's names:
// rates and ratios from deltas, latency quantiles of the interval only, the route selection,
// counter and histogram resets, series first seen, the breaker's chart encoding, the ring
// wrapping at 900, a clock going backwards, chaos bands, and the JSON the API sends.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "catalog/catalog_metrics.hpp"
#include "console/metric_timeline.hpp"
#include "http/route_metrics.hpp"
#include "resilience/circuit_breaker.hpp"

namespace srelab::console {
namespace {

using namespace std::chrono_literals;
using http::Status;
using telemetry::MetricInfo;
using telemetry::Unit;

const Clock::wall_time kT0 = Clock::wall_time{} + std::chrono::seconds(1'767'225'600);

MetricInfo info(std::string name, Unit unit = Unit::none, std::vector<std::string> labels = {}) {
  MetricInfo metric;
  metric.name = std::move(name);
  metric.help = "test";
  metric.unit = unit;
  metric.labels = std::move(labels);
  return metric;
}

// The service's metrics in a registry of the test's own: the catalog's recorders as the service
// makes them, and the callback gauges (controls, /proc) as plain values the test sets.
struct Service {
  telemetry::Registry registry;
  catalog::CatalogMetrics catalog = catalog::register_catalog_metrics(registry);
  http::RouteMetrics products{registry, "/products/{id}"};
  http::RouteMetrics metrics_route{registry, "/metrics"};
  double pool_active = 2, pool_waiting = 0, pool_size = 10;
  double breaker = static_cast<double>(resilience::BreakerState::closed);
  double leak = 0, rss = 50e6, cpu_seconds = 1.0;

  Service() {
    auto& pool = registry.gauge(info("catalog.db.pool.connections", Unit::none, {"state"}));
    pool.with_callback({"active"}, [this] { return pool_active; });
    pool.with_callback({"waiting"}, [this] { return pool_waiting; });
    pool.with_callback({"size"}, [this] { return pool_size; });
    registry.gauge(info("resilience.circuit_breaker.state")).with_callback({}, [this] {
      return breaker;
    });
    registry.gauge(info("catalog.app.memory_leak_size", Unit::bytes)).with_callback({}, [this] {
      return leak;
    });
    registry.gauge(info("process.resident_memory", Unit::bytes)).with_callback({}, [this] {
      return rss;
    });
    registry.counter(info("process.cpu", Unit::seconds)).with_callback({}, [this] {
      return cpu_seconds;
    });
    registry.gauge(info("process.cpu.available_cores")).with_callback({}, [] { return 2.0; });
  }

  void answer(Status status, std::chrono::microseconds took, int times = 1) {
    for (int i = 0; i < times; ++i) products.record(status, took);
  }
};

bool is_nan(double value) {
  return std::isnan(value);
}

TEST(MetricTimelineSeries, TheFirstSampleCarriesGaugesOnly) {
  Service service;
  service.answer(Status::ok, 10ms, 50);
  service.pool_active = 4;
  service.pool_waiting = 1;
  service.leak = 1024;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  const auto view = timeline.points({});
  ASSERT_EQ(view.points.size(), 1u);
  const TimelinePoint& point = view.points[0];
  EXPECT_EQ(point.time, kT0);
  EXPECT_TRUE(is_nan(point[Series::requests_per_second])) << "no interval yet";
  EXPECT_TRUE(is_nan(point[Series::latency_p95]));
  EXPECT_TRUE(is_nan(point[Series::cpu_cores]));
  EXPECT_EQ(point[Series::pool_active], 4);
  EXPECT_EQ(point[Series::pool_waiting], 1);
  EXPECT_EQ(point[Series::pool_size], 10);
  EXPECT_EQ(point[Series::breaker_state], 0);
  EXPECT_EQ(point[Series::memory_leak_bytes], 1024);
  EXPECT_EQ(point[Series::resident_memory_bytes], 50e6);
}

TEST(MetricTimelineSeries, RatesAndRatiosComeFromTheIntervalBetweenSamples) {
  Service service;
  service.answer(Status::ok, 1ms, 1000);  // before the timeline starts: never counted
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);

  service.answer(Status::ok, 5ms, 8);
  service.answer(Status::service_unavailable, 5ms, 1);
  service.answer(Status::internal_server_error, 5ms, 1);
  service.catalog.cache_hit.inc(3);
  service.catalog.cache_miss.inc(1);
  // Fallbacks/s counts both of the fallback's answers.
  service.catalog.fallback_stale.inc(1);
  service.catalog.fallback_emergency.inc(1);
  service.cpu_seconds += 0.25;
  timeline.sample(service.registry.snapshot(), kT0 + 1s);

  service.answer(Status::ok, 5ms, 6);
  service.catalog.fallback_emergency.inc(1);
  service.cpu_seconds += 1.0;
  timeline.sample(service.registry.snapshot(), kT0 + 3s);  // a late tick: 2 s

  const auto points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 3u);
  EXPECT_DOUBLE_EQ(points[1][Series::requests_per_second], 10);
  EXPECT_DOUBLE_EQ(points[1][Series::error_rate], 0.2);
  EXPECT_DOUBLE_EQ(points[1][Series::cache_hit_rate], 0.75);
  EXPECT_DOUBLE_EQ(points[1][Series::fallbacks_per_second], 2);
  EXPECT_DOUBLE_EQ(points[1][Series::cpu_cores], 0.25);
  EXPECT_DOUBLE_EQ(points[1][Series::cpu_utilization], 0.125) << "a quarter core of two";

  EXPECT_DOUBLE_EQ(points[2][Series::requests_per_second], 3) << "6 requests over 2 s";
  EXPECT_DOUBLE_EQ(points[2][Series::error_rate], 0);
  EXPECT_TRUE(is_nan(points[2][Series::cache_hit_rate])) << "no lookups in the interval";
  EXPECT_DOUBLE_EQ(points[2][Series::fallbacks_per_second], 0.5);
  EXPECT_DOUBLE_EQ(points[2][Series::cpu_cores], 0.5);
  EXPECT_DOUBLE_EQ(points[2][Series::cpu_utilization], 0.25);
}

TEST(MetricTimelineSeries, AQuietIntervalHasZeroRateAndNoLatency) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  const TimelinePoint point = timeline.points({}).points.back();
  EXPECT_EQ(point[Series::requests_per_second], 0);
  EXPECT_TRUE(is_nan(point[Series::error_rate]));
  EXPECT_TRUE(is_nan(point[Series::latency_p50]));
  EXPECT_TRUE(is_nan(point[Series::db_query_p95]));
  EXPECT_EQ(point[Series::cpu_cores], 0);
}

TEST(MetricTimelineLatency, QuantilesOfTheIntervalOnly) {
  Service service;
  service.answer(Status::ok, 3s, 500);  // slow, but before the interval
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  for (int ms = 1; ms <= 100; ++ms) service.answer(Status::ok, std::chrono::milliseconds(ms));
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  const TimelinePoint point = timeline.points({}).points.back();
  const double tolerance = telemetry::Histogram::kRelativeError;
  EXPECT_NEAR(point[Series::latency_p50], 0.050, 0.050 * tolerance);
  EXPECT_NEAR(point[Series::latency_p95], 0.095, 0.095 * tolerance);
  EXPECT_NEAR(point[Series::latency_p99], 0.099, 0.099 * tolerance);
}

TEST(MetricTimelineLatency, DbQueryP95FromTheQueryHistogram) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  for (int i = 1; i <= 20; ++i) service.catalog.db_query_duration.observe(i * 0.010);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  const TimelinePoint point = timeline.points({}).points.back();
  EXPECT_NEAR(point[Series::db_query_p95], 0.190, 0.190 * telemetry::Histogram::kRelativeError);
}

// The calibration's inputs: the query's median and the cache lookup's median and p95.
TEST(MetricTimelineLatency, DbQueryMedianAndCacheLookupQuantiles) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  for (int i = 1; i <= 20; ++i) service.catalog.db_query_duration.observe(i * 0.010);
  for (int i = 1; i <= 100; ++i) service.catalog.cache_duration.observe(i * 0.001);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  const TimelinePoint point = timeline.points({}).points.back();
  const double tolerance = telemetry::Histogram::kRelativeError;
  EXPECT_NEAR(point[Series::db_query_p50], 0.100, 0.100 * tolerance);
  EXPECT_NEAR(point[Series::cache_lookup_p50], 0.050, 0.050 * tolerance);
  EXPECT_NEAR(point[Series::cache_lookup_p95], 0.095, 0.095 * tolerance);
}

// The gateway's families as gateway/gateway_metrics registers them, fed by hand.
struct Gateway {
  telemetry::CounterFamily& requests;
  telemetry::CounterFamily& own;
  telemetry::Histogram& duration;
  telemetry::Histogram& queue;

  explicit Gateway(telemetry::Registry& registry)
      : requests(registry.counter(info("gateway.requests", Unit::none, {"status_class"}))),
        own(registry.counter(info("gateway.own_responses", Unit::none, {"status"}))),
        duration(registry.histogram(info("gateway.request.duration", Unit::seconds)).get()),
        queue(registry.histogram(info("gateway.queue.duration", Unit::seconds)).get()) {
    for (const char* c : {"2xx", "5xx"}) requests.with({c});
    own.with({"504"});
    own.with({"408"});
  }
};

TEST(MetricTimelineGateway, TheGatewaysViewBesideTheServices) {
  Service service;
  Gateway gateway(service.registry);
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  gateway.requests.with({"2xx"}).inc(6);
  gateway.requests.with({"5xx"}).inc(2);
  gateway.own.with({"504"}).inc(2);
  gateway.own.with({"408"}).inc(1);  // the gateway's, but not a 5xx
  for (int i = 0; i < 6; ++i) gateway.duration.observe(0.010);
  for (int i = 0; i < 2; ++i) gateway.duration.observe(1.0);
  gateway.queue.observe(0.25);
  timeline.sample(service.registry.snapshot(), kT0 + 2s);
  const auto point = timeline.points({}).points.back();
  EXPECT_DOUBLE_EQ(point[Series::gateway_requests_per_second], 4);
  EXPECT_DOUBLE_EQ(point[Series::gateway_error_rate], 0.25);
  EXPECT_DOUBLE_EQ(point[Series::gateway_own_errors_per_second], 1);
  EXPECT_NEAR(point[Series::gateway_latency_p50], 0.010, 0.010 / 32);
  EXPECT_NEAR(point[Series::gateway_latency_p99], 1.0, 1.0 / 32);
  EXPECT_NEAR(point[Series::gateway_queue_p95], 0.25, 0.25 / 32);
  EXPECT_DOUBLE_EQ(point[Series::requests_per_second], 0) << "the service's own view apart";
}

TEST(MetricTimelineGateway, WithoutAGatewayItsSeriesHaveNoValues) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  const auto point = timeline.points({}).points.back();
  for (Series series : {Series::gateway_requests_per_second, Series::gateway_error_rate,
                        Series::gateway_own_errors_per_second, Series::gateway_latency_p95,
                        Series::gateway_queue_p95})
    EXPECT_TRUE(is_nan(point[series])) << series_info(series).key;
}

TEST(MetricTimelineRoutes, OnlyTheChosenRoutesCountAsRequests) {
  Service service;
  MetricTimeline products_only;  // the default: /products/{id}
  MetricTimeline every_route({.routes = {}});
  const auto sample = [&](Clock::wall_time at) {
    const auto snapshot = service.registry.snapshot();
    products_only.sample(snapshot, at);
    every_route.sample(snapshot, at);
  };
  sample(kT0);
  service.answer(Status::ok, 10ms, 4);
  service.metrics_route.record(Status::ok, 2s);
  service.metrics_route.record(Status::internal_server_error, 2s);
  sample(kT0 + 1s);

  const TimelinePoint products = products_only.points({}).points.back();
  EXPECT_EQ(products[Series::requests_per_second], 4);
  EXPECT_EQ(products[Series::error_rate], 0);
  EXPECT_NEAR(products[Series::latency_p99], 0.010, 0.010 * telemetry::Histogram::kRelativeError);

  const TimelinePoint all = every_route.points({}).points.back();
  EXPECT_EQ(all[Series::requests_per_second], 6);
  EXPECT_DOUBLE_EQ(all[Series::error_rate], 1.0 / 6);
  EXPECT_NEAR(all[Series::latency_p99], 2.0, 2.0 * telemetry::Histogram::kRelativeError);
}

TEST(MetricTimelineResets, ACounterGoingBackwardsIsARestart) {
  Service service;
  service.cpu_seconds = 10;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  service.cpu_seconds = 12;
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  service.cpu_seconds = 0.5;  // the counter restarted from 0
  timeline.sample(service.registry.snapshot(), kT0 + 2s);
  const auto points = timeline.points({}).points;
  EXPECT_DOUBLE_EQ(points[1][Series::cpu_cores], 2);
  EXPECT_DOUBLE_EQ(points[2][Series::cpu_cores], 0.5) << "not -11.5";
}

TEST(MetricTimelineResets, ARestartedServiceCountsFromZero) {
  // Two registries built the same way give their series the same ids: the second stands for
  // the service after a restart, its counters and histograms lower than before.
  Service before;
  before.answer(Status::ok, 1s, 100);
  before.catalog.cache_hit.inc(100);
  Service after;
  after.answer(Status::ok, 20ms, 4);
  after.answer(Status::internal_server_error, 20ms, 1);
  after.catalog.cache_hit.inc(1);
  after.catalog.cache_miss.inc(1);
  MetricTimeline timeline;
  timeline.sample(before.registry.snapshot(), kT0);
  timeline.sample(after.registry.snapshot(), kT0 + 1s);
  const TimelinePoint point = timeline.points({}).points.back();
  EXPECT_EQ(point[Series::requests_per_second], 5);
  EXPECT_DOUBLE_EQ(point[Series::error_rate], 0.2);
  EXPECT_DOUBLE_EQ(point[Series::cache_hit_rate], 0.5);
  EXPECT_NEAR(point[Series::latency_p95], 0.020, 0.020 * telemetry::Histogram::kRelativeError);
}

TEST(MetricTimelineResets, ASeriesFirstSeenOnlySetsItsBaseline) {
  telemetry::Registry registry;
  MetricTimeline timeline;
  timeline.sample(registry.snapshot(), kT0);
  auto catalog = catalog::register_catalog_metrics(registry);
  catalog.cache_hit.inc(100);  // counted before the timeline knew the series
  timeline.sample(registry.snapshot(), kT0 + 1s);
  catalog.cache_hit.inc(3);
  catalog.cache_miss.inc(1);
  timeline.sample(registry.snapshot(), kT0 + 2s);
  const auto points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 3u);
  EXPECT_TRUE(is_nan(points[0][Series::cache_hit_rate])) << "not registered: no value";
  EXPECT_TRUE(is_nan(points[0][Series::pool_active]));
  EXPECT_TRUE(is_nan(points[1][Series::cache_hit_rate]));
  EXPECT_DOUBLE_EQ(points[2][Series::cache_hit_rate], 0.75);
}

TEST(MetricTimelineBreaker, TheChartSaysClosedHalfOpenOpen) {
  using resilience::BreakerState;
  const std::vector<std::pair<BreakerState, double>> cases = {
      {BreakerState::closed, 0},      {BreakerState::half_open, 1}, {BreakerState::open, 2},
      {BreakerState::forced_open, 2}, {BreakerState::disabled, 0},
  };
  for (const auto& [state, chart] : cases) {
    Service service;
    service.breaker = static_cast<double>(state);
    MetricTimeline timeline;
    timeline.sample(service.registry.snapshot(), kT0);
    EXPECT_EQ(timeline.points({}).points.at(0)[Series::breaker_state], chart)
        << resilience::to_string(state);
  }
}

TEST(MetricTimelineRing, WrapsAt900AndKeepsTheNewest) {
  Service service;
  MetricTimeline timeline;
  for (int s = 0; s < 1000; ++s) {
    service.answer(Status::ok, 1ms, s);
    timeline.sample(service.registry.snapshot(), kT0 + std::chrono::seconds(s));
    ASSERT_LE(timeline.size(), 900u);
  }
  EXPECT_EQ(timeline.size(), 900u);
  const auto points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 900u);
  EXPECT_EQ(points.front().time, kT0 + 100s);
  EXPECT_EQ(points.back().time, kT0 + 999s);
  for (std::size_t i = 1; i < points.size(); ++i) {
    ASSERT_EQ(points[i].time - points[i - 1].time, 1s);
    ASSERT_EQ(points[i][Series::requests_per_second], 100.0 + static_cast<double>(i));
  }
  const auto recent = timeline.points(kT0 + 989s).points;
  ASSERT_EQ(recent.size(), 10u);
  EXPECT_EQ(recent.front().time, kT0 + 990s);
}

TEST(MetricTimelineRing, CapacityIsConfigurable) {
  Service service;
  MetricTimeline timeline({.capacity = 5});
  for (int s = 0; s < 12; ++s) timeline.sample(service.registry.snapshot(), kT0 + s * 1s);
  const auto points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points.front().time, kT0 + 7s);
  EXPECT_THROW(MetricTimeline({.capacity = 0}), std::invalid_argument);
}

TEST(MetricTimelineClock, ARepeatedTickAddsNoPointAndABackwardStepRestarts) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);
  service.answer(Status::ok, 1ms, 7);
  timeline.sample(service.registry.snapshot(), kT0 + 1s);  // repeated: a new baseline only
  EXPECT_EQ(timeline.size(), 2u);
  service.answer(Status::ok, 1ms, 2);
  timeline.sample(service.registry.snapshot(), kT0 + 2s);
  EXPECT_EQ(timeline.points({}).points.back()[Series::requests_per_second], 2)
      << "the 7 went into the repeated tick's baseline";

  timeline.sample(service.registry.snapshot(), kT0 - 60s);  // the wall clock stepped back
  auto points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].time, kT0 - 60s);
  EXPECT_TRUE(is_nan(points[0][Series::requests_per_second]));
  service.answer(Status::ok, 1ms, 3);
  timeline.sample(service.registry.snapshot(), kT0 - 59s);
  points = timeline.points({}).points;
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1][Series::requests_per_second], 3);
}

TEST(MetricTimelineChaos, BandsOpenCloseAndFollowOneAnother) {
  MetricTimeline timeline;
  timeline.mark_chaos(kT0 + 5s, "db_latency_ms=500");
  auto chaos = timeline.points({}).chaos;
  ASSERT_EQ(chaos.size(), 1u);
  EXPECT_EQ(chaos[0].start, kT0 + 5s);
  EXPECT_FALSE(chaos[0].end) << "open while the chaos is on";
  EXPECT_EQ(chaos[0].description, "db_latency_ms=500");

  timeline.mark_chaos(kT0 + 10s, "db_failure_rate=0.5");
  timeline.end_chaos(kT0 + 20s);
  timeline.end_chaos(kT0 + 30s);  // nothing open: no effect
  chaos = timeline.points({}).chaos;
  ASSERT_EQ(chaos.size(), 2u);
  EXPECT_EQ(chaos[0].end, kT0 + 10s) << "the next mark closes the open band";
  EXPECT_EQ(chaos[1].start, kT0 + 10s);
  EXPECT_EQ(chaos[1].end, kT0 + 20s);

  chaos = timeline.points(kT0 + 12s).chaos;
  ASSERT_EQ(chaos.size(), 1u) << "only bands ending after `since`";
  EXPECT_EQ(chaos[0].description, "db_failure_rate=0.5");
  EXPECT_TRUE(timeline.points(kT0 + 20s).chaos.empty());
}

TEST(MetricTimelineChaos, AnOpenBandIsAlwaysListed) {
  MetricTimeline timeline;
  timeline.mark_chaos(kT0, "leak");
  EXPECT_EQ(timeline.points(kT0 + 10h).chaos.size(), 1u);
}

TEST(MetricTimelineChaos, BandsAreBounded) {
  Service service;
  MetricTimeline timeline({.capacity = 60, .max_chaos_bands = 3});
  for (int i = 0; i < 10; ++i) timeline.mark_chaos(kT0 + i * 1s, "fault " + std::to_string(i));
  auto chaos = timeline.points({}).chaos;
  ASSERT_EQ(chaos.size(), 3u);
  EXPECT_EQ(chaos.front().description, "fault 7");
  EXPECT_EQ(chaos.back().description, "fault 9");

  timeline.end_chaos(kT0 + 10s);
  // Far later, the bands that ended before the window (60 points) are gone.
  timeline.sample(service.registry.snapshot(), kT0 + 69s);
  EXPECT_EQ(timeline.points({}).chaos.size(), 2u) << "fault 7 ended at 8 s, before 9 s";
  timeline.sample(service.registry.snapshot(), kT0 + 200s);
  EXPECT_TRUE(timeline.points({}).chaos.empty());
}

TEST(MetricTimelineJson, ColumnsOfTimesValuesAndBands) {
  Service service;
  MetricTimeline timeline;
  timeline.sample(service.registry.snapshot(), kT0);
  service.answer(Status::ok, 10ms, 4);
  timeline.sample(service.registry.snapshot(), kT0 + 1500ms);
  timeline.mark_chaos(kT0 + 1s, "db \"slow\"");
  const std::string text = render_json(timeline.points({}));
  const boost::json::object json = boost::json::parse(text).as_object();

  const auto& series = json.at("series").as_array();
  ASSERT_EQ(series.size(), kSeriesCount);
  EXPECT_EQ(series[0].at("key").as_string(), "requests_per_second");
  EXPECT_EQ(series[0].at("label").as_string(), "Requests/s");
  EXPECT_EQ(series[0].at("unit").as_string(), "req/s");

  const auto& time = json.at("time").as_array();
  ASSERT_EQ(time.size(), 2u);
  EXPECT_EQ(time[0].to_number<std::int64_t>(), 1'767'225'600'000);
  EXPECT_EQ(time[1].to_number<std::int64_t>(), 1'767'225'601'500);

  const auto& values = json.at("values").as_object();
  ASSERT_EQ(values.size(), kSeriesCount);
  for (const auto& column : values) EXPECT_EQ(column.value().as_array().size(), 2u);
  const auto& rps = values.at("requests_per_second").as_array();
  EXPECT_TRUE(rps[0].is_null()) << "NaN is null";
  EXPECT_NEAR(rps[1].to_number<double>(), 4 / 1.5, 1e-9);
  EXPECT_EQ(values.at("pool_size").as_array()[0].to_number<double>(), 10);

  const auto& chaos = json.at("chaos").as_array();
  ASSERT_EQ(chaos.size(), 1u);
  EXPECT_EQ(chaos[0].at("start").to_number<std::int64_t>(), 1'767'225'601'000);
  EXPECT_TRUE(chaos[0].at("end").is_null());
  EXPECT_EQ(chaos[0].at("description").as_string(), "db \"slow\"");
}

TEST(MetricTimelineJson, EveryDashboardSeriesHasAUniqueKeyALabelAndAUnit) {
  std::set<std::string_view> keys;
  for (const SeriesInfo& series : kSeries) {
    EXPECT_FALSE(series.label.empty());
    EXPECT_FALSE(series.unit.empty());
    EXPECT_TRUE(keys.insert(series.key).second) << series.key;
  }
  EXPECT_EQ(series_info(Series::cpu_cores).key, "cpu_cores");
  EXPECT_EQ(series_info(Series::breaker_state).key, "breaker_state");
}

}  // namespace
}  // namespace srelab::console
