// The console API's JSON bodies, read back with Boost.JSON: the contract's field names and types.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

#include "console/console_json.hpp"
#include "telemetry/logging/logger.hpp"

namespace srelab::console {
namespace {

boost::json::object parse(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return value.is_object() ? value.as_object() : boost::json::object{};
}

TEST(ConsoleJson, TraceListHasSummariesAndStats) {
  TraceSummary summary;
  summary.trace_id = "0123456789abcdef0123456789abcdef";
  summary.service = "sre-lab";
  summary.name = "http.request";
  summary.resource = "GET /products/{id}";
  summary.start = 1'767'225'600'123'456'789;
  summary.duration = 1'500'000;
  summary.error = true;
  summary.status_code = 503;
  summary.span_count = 4;
  summary.tags = {{"app.fallback_used", "true"}, {"resilience.circuit_breaker.state", "OPEN"}};
  TraceStats stats;
  stats.store.traces = 1;
  stats.store.added = 3;
  stats.store.evicted = 2;
  stats.bounds.max_traces = 10;
  stats.admission.sampled_out = 9;
  stats.admission.flagged_sampled_out = 4;

  const auto body = parse(render_trace_list({summary}, stats));
  const auto& trace = body.at("traces").as_array().at(0).as_object();
  EXPECT_EQ(trace.at("trace_id"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(trace.at("resource"), "GET /products/{id}");
  EXPECT_NEAR(trace.at("start_ms").to_number<double>(), 1767225600123.4568, 0.001);
  EXPECT_EQ(trace.at("duration_ms").to_number<double>(), 1.5);
  EXPECT_EQ(trace.at("error"), true);
  EXPECT_EQ(trace.at("status_code"), 503);
  EXPECT_EQ(trace.at("span_count"), 4);
  EXPECT_EQ(trace.at("tags").at("app.fallback_used"), "true");
  EXPECT_EQ(trace.at("tags").at("resilience.circuit_breaker.state"), "OPEN");
  const auto& counts = body.at("stats").as_object();
  EXPECT_EQ(counts.at("traces"), 1);
  EXPECT_EQ(counts.at("added"), 3);
  EXPECT_EQ(counts.at("evicted"), 2);
  EXPECT_EQ(counts.at("max_traces"), 10);
  EXPECT_EQ(counts.at("sampled_out"), 9);
  EXPECT_EQ(counts.at("flagged_sampled_out"), 4);
}

TEST(ConsoleJson, TraceHasSpansWithTagsAndItsLogs) {
  telemetry::SpanData root;
  root.name = "http.request";
  root.span_id = 0xabc;
  root.start = 2'000'000;
  root.duration = 250'000;
  root.set_tag("http.status_code", "200");
  root.set_metric("product.id", 3);
  root.set_metric("weird", std::numeric_limits<double>::quiet_NaN());
  telemetry::SpanData fallback;
  fallback.name = "logic.fallback";
  fallback.span_id = 0xdef;
  fallback.parent_id = 0xabc;
  fallback.set_tag("app.fallback_used", "true");
  fallback.error = 1;
  StoredLog log;
  log.sequence = 7;
  log.record.level = telemetry::LogLevel::warning;
  log.record.logger = "catalog.product_service";
  log.record.message = "served a stale copy (fallback)";
  log.record.trace_id = {1, 2};
  log.record.span_id = 0xdef;
  log.record.fields = {telemetry::integer_field("product.id", 3), {"broken", "not json"}};

  const auto body =
      parse(render_trace("00000000000000010000000000000002", {fallback, root}, {log}));
  EXPECT_EQ(body.at("trace_id"), "00000000000000010000000000000002");
  const auto& spans = body.at("spans").as_array();
  ASSERT_EQ(spans.size(), 2u);
  const auto& first = spans[0].as_object();
  EXPECT_EQ(first.at("name"), "logic.fallback");
  EXPECT_EQ(first.at("span_id"), "0000000000000def");
  EXPECT_EQ(first.at("parent_id"), "0000000000000abc");
  EXPECT_EQ(first.at("error"), true);
  EXPECT_EQ(first.at("meta").at("app.fallback_used"), "true");
  const auto& second = spans[1].as_object();
  EXPECT_TRUE(second.at("parent_id").is_null());
  EXPECT_EQ(second.at("start_ms").to_number<double>(), 2.0);
  EXPECT_EQ(second.at("duration_ms").to_number<double>(), 0.25);
  EXPECT_EQ(second.at("meta").at("http.status_code"), "200");
  EXPECT_EQ(second.at("metrics").at("product.id").to_number<double>(), 3.0);
  EXPECT_FALSE(second.at("metrics").as_object().contains("weird")) << "JSON has no NaN";

  const auto& line = body.at("logs").as_array().at(0).as_object();
  EXPECT_EQ(line.at("sequence"), 7);
  EXPECT_EQ(line.at("level"), "warning");
  EXPECT_EQ(line.at("logger"), "catalog.product_service");
  EXPECT_EQ(line.at("trace_id"), "00000000000000010000000000000002");
  EXPECT_EQ(line.at("span_id"), "0000000000000def");
  EXPECT_EQ(line.at("fields").at("product.id"), 3);
  EXPECT_EQ(line.at("fields").at("broken"), "not json") << "shown as a string";
  EXPECT_EQ(line.at("time").as_string().size(), 24u) << "RFC 3339 with ms: " << line.at("time");
}

TEST(ConsoleJson, LogPageHasEmptyIdsWithoutASpan) {
  LogPage page;
  page.last_sequence = 12;
  StoredLog log;
  log.sequence = 12;
  log.record.message = "no span";
  page.records.push_back(log);
  const auto body = parse(render_log_page(page));
  EXPECT_EQ(body.at("last_sequence"), 12);
  const auto& line = body.at("logs").as_array().at(0).as_object();
  EXPECT_EQ(line.at("trace_id"), "");
  EXPECT_EQ(line.at("span_id"), "");
  EXPECT_TRUE(line.at("fields").as_object().empty());
}

TEST(ConsoleJson, StatusHasPoolBreakerTracingAndStores) {
  ConsoleStatus status;
  status.pool = {5, 2, 3, 1};
  status.breaker = "OPEN";
  status.tracing = true;
  status.traces.store.traces = 4;
  status.logs.store.records = 6;
  status.logs.bounds.max_records = 100;
  const auto body = parse(render_status(status));
  EXPECT_EQ(body.at("pool").at("size"), 5);
  EXPECT_EQ(body.at("pool").at("active"), 2);
  EXPECT_EQ(body.at("pool").at("idle"), 3);
  EXPECT_EQ(body.at("pool").at("waiting"), 1);
  EXPECT_EQ(body.at("breaker"), "OPEN");
  EXPECT_EQ(body.at("tracing"), true);
  EXPECT_EQ(body.at("console").at("traces").at("traces"), 4);
  EXPECT_EQ(body.at("console").at("logs").at("records"), 6);
  EXPECT_EQ(body.at("console").at("logs").at("max_records"), 100);
}

}  // namespace
}  // namespace srelab::console
