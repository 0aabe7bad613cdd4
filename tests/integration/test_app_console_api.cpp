// The console API on the running service (in-process, real Postgres and Redis): traffic shows up
// in /console/api/traces with its tags and filters, a breaker-open fallback is found by tag and
// opens with its spans and log lines, logs filter and poll, the timeline fills from the 1-second
// sampler and shows chaos bands, bad parameters get 422 naming them, the stores keep to their
// bounds, and the console follows --tracing off and --console off.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/service_fixture.hpp"

namespace srelab::app {
namespace {

using namespace srelab::testing;
using namespace std::chrono_literals;

const boost::json::object* find_by(const boost::json::array& items, std::string_view key,
                                   std::string_view value) {
  for (const auto& item : items)
    if (item.as_object().at(key).as_string() == value) return &item.as_object();
  return nullptr;
}

std::string str(const boost::json::value& value) {
  return value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
}

class ConsoleApiTest : public ServiceTest {
 protected:
  boost::json::array traces(const std::string& query = "") {
    const HttpReply reply = get("/console/api/traces" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (!reply.json.is_object()) return {};
    return reply.json.at("traces").as_array();
  }

  // The summary of trace `id` once the console holds it (a trace reaches the store when its last
  // span ends, which may be just after the answer left).
  std::optional<boost::json::object> listed(const std::string& id, const std::string& query = "") {
    std::optional<boost::json::object> found;
    eventually(
        [&] {
          const auto list = traces(query);
          if (const auto* trace = find_by(list, "trace_id", id)) found = *trace;
          return found.has_value();
        },
        5s);
    return found;
  }

  boost::json::array logs(const std::string& query = "") {
    const HttpReply reply = get("/console/api/logs" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (!reply.json.is_object()) return {};
    return reply.json.at("logs").as_array();
  }

  // A fallback answer with the breaker OPEN, as the guide makes one; its trace id.
  std::string breaker_open_fallback() {
    EXPECT_EQ(get("/products/3").status, 200);  // a stale copy exists from now on
    EXPECT_EQ(post("/chaos/clear_cache").status, 200);
    EXPECT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
    for (int id = 10; id < 15; ++id) get("/products/" + std::to_string(id));
    const HttpReply stale = get("/products/3");
    EXPECT_EQ(source_of(stale), "fallback_emergency") << stale.body;
    return stale.header("X-Trace-Id");
  }
};

TEST_F(ConsoleApiTest, TrafficIsListedWithItsTags) {
  const HttpReply miss = get("/products/7");
  ASSERT_EQ(miss.status, 200);
  const std::string id = miss.header("X-Trace-Id");
  ASSERT_EQ(id.size(), 32u);

  const auto trace = listed(id);
  ASSERT_TRUE(trace) << "the miss's trace is listed";
  EXPECT_EQ(str(trace->at("service")), "sre-lab");
  EXPECT_EQ(str(trace->at("name")), "http.request");
  EXPECT_EQ(str(trace->at("resource")), "GET /products/{id}");
  EXPECT_EQ(trace->at("status_code"), 200);
  EXPECT_EQ(trace->at("error"), false);
  EXPECT_GE(trace->at("span_count").to_number<int>(), 3) << "root, redis GET, query, SET…";
  EXPECT_GT(trace->at("duration_ms").to_number<double>(), 0);
  EXPECT_GT(trace->at("start_ms").to_number<double>(), 1.7e12);
  EXPECT_EQ(str(trace->at("tags").at("resilience.circuit_breaker.state")), "CLOSED");
  EXPECT_EQ(str(trace->at("tags").at("db.pool.active")), "1");

  // Newest first, and the console's own requests are not recorded.
  const HttpReply hit = get("/products/7");
  ASSERT_TRUE(listed(hit.header("X-Trace-Id")));
  const auto list = traces();
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(str(list[0].at("trace_id")), hit.header("X-Trace-Id"));
  for (const auto& item : list)
    EXPECT_EQ(str(item.at("resource")).find("/console"), std::string::npos) << item;

  const HttpReply status = get("/console/api/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.json.at("tracing"), true);
  EXPECT_EQ(str(status.json.at("breaker")), "CLOSED");
  EXPECT_EQ(status.json.at("pool").at("size"), 5);
  EXPECT_GE(status.json.at("console").at("traces").at("traces").to_number<int>(), 2);
  EXPECT_GE(status.json.at("console").at("traces").at("ignored").to_number<int>(), 1)
      << "the console's own GETs are counted as ignored";
}

TEST_F(ConsoleApiTest, AFallbackIsFoundByTagAndOpensWithSpansAndLogs) {
  const std::string id = breaker_open_fallback();
  ASSERT_EQ(id.size(), 32u);

  for (const char* tag :
       {"app.fallback_used:true", "resilience.circuit_breaker.state:OPEN", "app.fallback_used"}) {
    const auto found = listed(id, std::string("?tag=") + tag);
    ASSERT_TRUE(found) << "tag=" << tag;
    EXPECT_EQ(str(found->at("tags").at("app.fallback_used")), "1") << "a boolean metric";
    EXPECT_EQ(str(found->at("tags").at("resilience.circuit_breaker.state")), "OPEN");
  }
  // The same filter percent-encoded, as a browser sends it.
  EXPECT_TRUE(listed(id, "?tag=app.fallback_used%3Atrue&resource=products&limit=500"));
  for (const auto& item : traces("?tag=app.fallback_used:true"))
    EXPECT_EQ(str(item.at("tags").at("app.fallback_used")), "1");
  // The failures that opened the breaker are errors; the fallback answered 200, so it is not.
  const auto errors = traces("?status=error");
  EXPECT_GE(errors.size(), 1u);
  for (const auto& item : errors) EXPECT_EQ(item.at("error"), true) << item;
  EXPECT_FALSE(find_by(errors, "trace_id", id));
  EXPECT_TRUE(find_by(traces("?status=ok"), "trace_id", id));
  EXPECT_TRUE(traces("?min_ms=60000").empty());
  EXPECT_TRUE(traces("?resource=bulk").empty());
  EXPECT_FALSE(find_by(traces("?tag=app.fallback_used:false"), "trace_id", id));

  // The trace itself, in either case of its id.
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& asked : {id, upper}) {
    const HttpReply reply = get("/console/api/traces/" + asked);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(str(reply.json.at("trace_id")), id);
    const auto& spans = reply.json.at("spans").as_array();
    const auto* root = find_by(spans, "name", "http.request");
    const auto* fallback = find_by(spans, "name", "logic.fallback");
    ASSERT_NE(root, nullptr);
    ASSERT_NE(fallback, nullptr);
    EXPECT_TRUE(root->at("parent_id").is_null());
    EXPECT_EQ(fallback->at("parent_id"), root->at("span_id"));
    EXPECT_EQ(fallback->at("metrics").at("app.fallback_used").to_number<double>(), 1.0);
    EXPECT_EQ(str(fallback->at("meta").at("resilience.circuit_breaker.state")), "OPEN");
    EXPECT_EQ(str(root->at("meta").at("http.status_code")), "200");
    EXPECT_EQ(str(root->at("meta").at("http.route")), "/products/{id}");
    EXPECT_GE(fallback->at("start_ms").to_number<double>(),
              root->at("start_ms").to_number<double>());
    EXPECT_EQ(str(fallback->at("span_id")).size(), 16u);

    const auto& lines = reply.json.at("logs").as_array();
    const auto* served = find_by(lines, "message", "served a stale copy (fallback)");
    ASSERT_NE(served, nullptr) << reply.body;
    EXPECT_EQ(str(served->at("trace_id")), id);
    EXPECT_EQ(served->at("span_id"), fallback->at("span_id"));
    EXPECT_EQ(str(served->at("level")), "warning");
    EXPECT_EQ(served->at("fields").at("product.id"), 3);
    for (const auto& line : lines) EXPECT_EQ(str(line.at("trace_id")), id);
  }

  const HttpReply unknown = get("/console/api/traces/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(str(unknown.json.at("error")), "Not Found");
  const HttpReply malformed = get("/console/api/traces/abc");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(str(malformed.json.at("key")), "trace_id");
}

TEST_F(ConsoleApiTest, LogsFilterAndPoll) {
  const std::string fallback_trace = breaker_open_fallback();
  // OPEN, nothing stale: an emergency record; the failures that opened it left error lines.
  const HttpReply emergency = get("/products/21");
  EXPECT_EQ(source_of(emergency), "fallback_emergency") << emergency.body;

  const auto all = logs();
  ASSERT_GE(all.size(), 3u);
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_GT(all[i - 1].at("sequence").to_number<std::int64_t>(),
              all[i].at("sequence").to_number<std::int64_t>())
        << "newest first";
  std::set<std::string> levels;
  for (const auto& line : all) levels.insert(str(line.at("level")));
  EXPECT_TRUE(levels.count("error") && levels.count("warning")) << all;

  for (const auto& line : logs("?level=error")) EXPECT_EQ(str(line.at("level")), "error");
  for (const auto& line : logs("?level=warning")) EXPECT_NE(str(line.at("level")), "info");
  const auto stale = logs("?text=STALE+copy");
  ASSERT_FALSE(stale.empty());
  for (const auto& line : stale) {
    std::string message = str(line.at("message")) + boost::json::serialize(line.at("fields"));
    for (char& c : message) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(message.find("stale copy"), std::string::npos) << line;
  }
  const auto of_trace = logs("?trace_id=" + fallback_trace);
  ASSERT_FALSE(of_trace.empty());
  for (const auto& line : of_trace) EXPECT_EQ(str(line.at("trace_id")), fallback_trace);
  EXPECT_EQ(logs("?trace_id=" + fallback_trace.substr(16)).size(), of_trace.size())
      << "the low half finds the same lines";
  EXPECT_EQ(logs("?limit=1").size(), 1u);

  // Polling: nothing new after the last sequence, then only what came since.
  const HttpReply page = get("/console/api/logs");
  const auto last = page.json.at("last_sequence").to_number<std::uint64_t>();
  ASSERT_GE(last, all.size());
  const std::string after = "?after=" + std::to_string(last);
  EXPECT_TRUE(logs(after).empty());
  service_->logger().info("test.console", "a line after the poll");
  const auto fresh = logs(after);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(str(fresh[0].at("message")), "a line after the poll");
  EXPECT_EQ(str(fresh[0].at("logger")), "test.console");
  EXPECT_EQ(fresh[0].at("sequence").to_number<std::uint64_t>(), last + 1);
  EXPECT_EQ(str(fresh[0].at("trace_id")), "");
}

// The log rate limit (5 lines a message per 10 s) protects stdout, not the console: every failed
// lookup of a burst keeps its error line beside its trace, and the console and the metrics count
// the lines stdout did not get.
TEST_F(ConsoleApiTest, EveryFailedTraceKeepsItsLogLinePastTheRateLimit) {
  ASSERT_EQ(
      post("/resilience/configure", R"({"mode": "disabled", "fallback_enabled": false})").status,
      200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  std::vector<std::string> failed;
  for (int id = 200; id < 212; ++id) {
    const HttpReply reply = get("/products/" + std::to_string(id));
    EXPECT_EQ(reply.status, 500) << reply.body;
    failed.push_back(reply.header("X-Trace-Id"));
  }
  for (const std::string& id : failed) {
    const auto lines = logs("?level=error&trace_id=" + id);
    ASSERT_EQ(lines.size(), 1u) << "trace " << id << " lost its log line";
    EXPECT_EQ(str(lines[0].at("message")), "database query failed");
  }
  const HttpReply page = get("/console/api/logs?limit=1");
  EXPECT_GE(page.json.at("suppressed").to_number<int>(), 7) << page.body;
  const HttpReply status = get("/console/api/status");
  EXPECT_GE(status.json.at("console").at("logs").at("suppressed").to_number<int>(), 7);
  const std::string metrics = get("/metrics").body;
  const auto at = metrics.find("\nlogs_suppressed_total ");
  ASSERT_NE(at, std::string::npos) << metrics.substr(0, 3000);
  EXPECT_GE(std::stod(metrics.substr(at + 23)), 7);
}

TEST_F(ConsoleApiTest, TimelineFillsAndShowsChaosBands) {
  // The sampler puts a point a second; rates need two samples, so within a few seconds a point
  // counts this traffic.
  ASSERT_EQ(get("/products/1").status, 200);
  double best = 0;
  boost::json::value last;
  const bool counted = eventually(
      [&] {
        for (int i = 0; i < 5; ++i) get("/products/1");
        last = get("/console/api/timeline").json;
        for (const auto& rps : last.at("values").at("requests_per_second").as_array())
          if (rps.is_number()) best = std::max(best, rps.to_number<double>());
        return best > 0;
      },
      6s);
  ASSERT_TRUE(counted) << last;
  const auto& time = last.at("time").as_array();
  ASSERT_GE(time.size(), 2u);
  for (const auto& series : last.at("series").as_array())
    EXPECT_EQ(last.at("values").at(str(series.at("key"))).as_array().size(), time.size());
  EXPECT_EQ(last.at("values").at("pool_size").as_array().back(), 5);
  EXPECT_EQ(last.at("values").at("breaker_state").as_array().back(), 0);
  EXPECT_GT(last.at("values").at("resident_memory_bytes").as_array().back().to_number<double>(),
            1e6);

  // `since` the newest point: nothing older.
  const auto newest = time.back().to_number<std::int64_t>();
  const HttpReply since = get("/console/api/timeline?since=" + std::to_string(newest));
  ASSERT_EQ(since.status, 200);
  for (const auto& at : since.json.at("time").as_array())
    EXPECT_GT(at.to_number<std::int64_t>(), newest);

  // Chaos opens a band at once, reset closes it.
  ASSERT_EQ(post("/chaos/configure", R"({"db_latency": 0.01, "duration_s": 600})").status, 200);
  auto bands = get("/console/api/timeline").json.at("chaos").as_array();
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_EQ(str(bands[0].at("description")), "db_latency=0.01s, for 600s");
  EXPECT_TRUE(bands[0].at("end").is_null());
  EXPECT_GE(bands[0].at("start").to_number<std::int64_t>(), newest - 1000);
  ASSERT_EQ(post("/chaos/reset").status, 200);
  bands = get("/console/api/timeline").json.at("chaos").as_array();
  ASSERT_EQ(bands.size(), 1u);
  ASSERT_FALSE(bands[0].at("end").is_null());
  EXPECT_GE(bands[0].at("end").to_number<std::int64_t>(),
            bands[0].at("start").to_number<std::int64_t>());
}

TEST_F(ConsoleApiTest, ChaosThatRunsOutEndsItsBand) {
  ASSERT_EQ(post("/chaos/configure", R"({"cache_latency": 0.001, "duration_s": 0.5})").status, 200);
  // The sampler notices within a second of the expiry.
  const bool ended = eventually(
      [&] {
        const auto bands = get("/console/api/timeline").json.at("chaos").as_array();
        return bands.size() == 1 && !bands[0].at("end").is_null();
      },
      4s);
  EXPECT_TRUE(ended);
}

struct BadTarget {
  const char* target;
  const char* key;
};

TEST_F(ConsoleApiTest, BadParametersAre422NamingThem) {
  for (const BadTarget& bad : {
           BadTarget{"/console/api/traces?status=failed", "status"},
           BadTarget{"/console/api/traces?min_ms=-1", "min_ms"},
           BadTarget{"/console/api/traces?limit=0", "limit"},
           BadTarget{"/console/api/traces?limit=501", "limit"},
           BadTarget{"/console/api/traces?tag=%3Atrue", "tag"},
           BadTarget{"/console/api/traces?colour=red", "colour"},
           BadTarget{"/console/api/logs?level=verbose", "level"},
           BadTarget{"/console/api/logs?trace_id=xyz", "trace_id"},
           BadTarget{"/console/api/logs?after=-1", "after"},
           BadTarget{"/console/api/logs?limit=1001", "limit"},
           BadTarget{"/console/api/logs?text=%zz", "text"},
           BadTarget{"/console/api/timeline?since=yesterday", "since"},
           BadTarget{"/console/api/traces/not-a-trace-id", "trace_id"},
       }) {
    const HttpReply reply = get(bad.target);
    EXPECT_EQ(reply.status, 422) << bad.target << ": " << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << bad.target;
    EXPECT_EQ(str(reply.json.at("error")), "Unprocessable Entity") << bad.target;
    EXPECT_EQ(str(reply.json.at("key")), bad.key) << bad.target;
    EXPECT_NE(str(reply.json.at("detail")).find(bad.key), std::string::npos) << reply.body;
  }
}

class SmallConsoleTest : public ConsoleApiTest {
 protected:
  SmallConsoleTest() {
    flags_["console-traces"] = "10";
    flags_["console-logs"] = "10";
  }
};

TEST_F(SmallConsoleTest, TheStoresKeepToTheirBounds) {
  // Failing lookups (no breaker, no fallback): every one is an error trace, always recorded.
  ASSERT_EQ(
      post("/resilience/configure", R"({"mode": "disabled", "fallback_enabled": false})").status,
      200);
  ASSERT_EQ(post("/chaos/configure", R"({"db_failure_rate": 1.0})").status, 200);
  std::string newest;
  for (int id = 100; id < 130; ++id) {
    const HttpReply reply = get("/products/" + std::to_string(id));
    EXPECT_EQ(reply.status, 500) << reply.body;
    newest = reply.header("X-Trace-Id");
  }
  for (int i = 0; i < 25; ++i)
    service_->logger().info("test.console", "distinct line " + std::to_string(i));

  ASSERT_TRUE(listed(newest, "?limit=500"));
  const auto list = traces("?limit=500");
  EXPECT_LE(list.size(), 10u);
  const HttpReply status = get("/console/api/status");
  const auto& stored = status.json.at("console").at("traces");
  EXPECT_LE(stored.at("traces").to_number<int>(), 10);
  EXPECT_EQ(stored.at("max_traces"), 10);
  EXPECT_GE(stored.at("added").to_number<int>(), 30);
  EXPECT_GE(stored.at("evicted").to_number<int>(), 20);
  const auto& lines = status.json.at("console").at("logs");
  EXPECT_EQ(lines.at("records"), 10);
  EXPECT_EQ(lines.at("max_records"), 10);
  EXPECT_GE(lines.at("evicted").to_number<int>(), 15);
  const auto page = logs("?limit=1000");
  ASSERT_EQ(page.size(), 10u);
  EXPECT_EQ(str(page[0].at("message")), "distinct line 24");
}

class TracingOffConsoleTest : public ConsoleApiTest {
 protected:
  TracingOffConsoleTest() { flags_["tracing"] = "off"; }
};

TEST_F(TracingOffConsoleTest, NoTracesButLogsAndTheTimeline) {
  const HttpReply answer = get("/products/1");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.header("X-Trace-Id"), "");
  EXPECT_TRUE(traces().empty());
  const HttpReply status = get("/console/api/status");
  EXPECT_EQ(status.json.at("tracing"), false);
  EXPECT_EQ(status.json.at("console").at("traces").at("traces"), 0);
  const HttpReply missing = get("/console/api/traces/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(str(missing.json.at("detail")).find("tracing is off"), std::string::npos);

  service_->logger().warning("test.console", "logged without tracing");
  const auto lines = logs("?text=without+tracing");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(str(lines[0].at("trace_id")), "");
  EXPECT_TRUE(eventually(
      [&] { return !get("/console/api/timeline").json.at("time").as_array().empty(); }, 3s));
}

class ConsoleOffTest : public ConsoleApiTest {
 protected:
  ConsoleOffTest() { flags_["console"] = "off"; }
};

TEST_F(ConsoleOffTest, NoConsoleApi) {
  EXPECT_EQ(service_->console(), nullptr);
  EXPECT_EQ(get("/console/api/status").status, 404);
  EXPECT_EQ(get("/console/api/traces").status, 404);
  EXPECT_EQ(get("/products/1").status, 200);
  EXPECT_EQ(post("/chaos/configure", R"({"db_latency": 0.001})").status, 200) << "no observer";
  EXPECT_EQ(post("/chaos/reset").status, 200);
}

}  // namespace
}  // namespace srelab::app
