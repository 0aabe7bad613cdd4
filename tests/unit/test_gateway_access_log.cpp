// Lines of the gateway's JSON access log: the fields read, the trace a line names, and what is
// refused (HAProxy's own messages share the file); then the metrics a line records.
#include <gtest/gtest.h>

#include "gateway/access_log.hpp"
#include "gateway/gateway_metrics.hpp"

namespace srelab::gateway {
namespace {

// As HAProxy 2.6 wrote them with gateway_config's log-format.
constexpr std::string_view kServed =
    R"({"time":1796171092.694,"request_id":"633deab1-c8f0-4ba7-ac48-c32f62f7587b","method":"GET",)"
    R"("path":"\/products\/1","status":200,"Tq":15,"Tw":0,"Tc":5,"Tr":1,"Ta":6,)"
    R"("termination":"----","x_trace_id":"0af7651916cd43dd8448eb211c80319c",)"
    R"("dd_trace_id":"2750379117637344806","traceparent":"-","bytes":265,"retries":0,)"
    R"("server_queue":0,"backend_queue":0})";
constexpr std::string_view kTimedOut =
    R"({"time":1796171093.094,"request_id":"my-req.1","method":"GET","path":"\/slow",)"
    R"("status":504,"Tq":0,"Tw":0,"Tc":1,"Tr":-1,"Ta":1003,"termination":"sH--",)"
    R"("x_trace_id":"-","dd_trace_id":"2750379117637344806","dd_tags":"_dd.p.tid=6a6e3e5b00000000",)"
    R"("traceparent":"-","bytes":246,)"
    R"("retries":0,"server_queue":0,"backend_queue":0})";

TEST(GatewayAccessLog, ReadsAServedRequest) {
  const auto record = parse_access_log_line(kServed);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->request_id, "633deab1-c8f0-4ba7-ac48-c32f62f7587b");
  EXPECT_EQ(record->method, "GET");
  EXPECT_EQ(record->path, "/products/1");
  EXPECT_EQ(record->status, 200);
  EXPECT_EQ(record->tq_ms, 15);
  EXPECT_EQ(record->tw_ms, 0);
  EXPECT_EQ(record->tc_ms, 5);
  EXPECT_EQ(record->tr_ms, 1);
  EXPECT_EQ(record->ta_ms, 6);
  EXPECT_EQ(record->termination, "----");
  EXPECT_EQ(record->trace_id, "0af7651916cd43dd8448eb211c80319c") << "the upstream's answer wins";
  EXPECT_FALSE(record->answered_by_gateway());
}

TEST(GatewayAccessLog, ATimeoutNamesTheTraceOfItsRequest) {
  const auto record = parse_access_log_line(kTimedOut);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->status, 504);
  EXPECT_EQ(record->tr_ms, -1);
  EXPECT_EQ(record->termination, "sH--");
  EXPECT_TRUE(record->answered_by_gateway());
  EXPECT_EQ(record->trace_id, "6a6e3e5b00000000262b4f3c406d1e26");  // 2750379117637344806
}

TEST(GatewayAccessLog, TraceIdOfEachContext) {
  struct Case {
    std::string_view x_trace_id, dd, tags, traceparent, expected;
  };
  const Case cases[] = {
      {"0af7651916cd43dd8448eb211c80319c", "5", "", "", "0af7651916cd43dd8448eb211c80319c"},
      {"", "255", "", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
       "000000000000000000000000000000ff"},  // the service extracts Datadog first
      {"", "255", "_dd.p.dm=-0,_dd.p.tid=6a6e3e5b00000000", "", "6a6e3e5b0000000000000000000000ff"},
      {"", "255", "_dd.p.tid=6A6E3E5B00000000", "", "000000000000000000000000000000ff"},
      {"", "", "", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
       "0af7651916cd43dd8448eb211c80319c"},
      {"", "18446744073709551615", "", "", "0000000000000000ffffffffffffffff"},
      {"", "0", "", "", ""},
      {"", "18446744073709551616", "", "", ""},
      {"", "", "", "00-00000000000000000000000000000000-b7ad6b7169203331-01", ""},
      {"", "", "", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", ""},
      {"NOT-HEX", "", "", "short", ""},
  };
  for (const Case& c : cases)
    EXPECT_EQ(trace_id_of(c.x_trace_id, c.dd, c.tags, c.traceparent), c.expected)
        << c.x_trace_id << " " << c.dd << " " << c.tags << " " << c.traceparent;
}

TEST(GatewayAccessLog, RefusesWhatIsNotARequestLine) {
  for (std::string_view line : {
           std::string_view(""),
           std::string_view("[WARNING]  (19711) : Server service/service is DOWN"),
           std::string_view("backend service has no server available!"),
           std::string_view(R"({"time":1,"status":200)"),   // cut short
           std::string_view(R"({"status":"200","Ta":1})"),  // a string status
           std::string_view(R"({"status":200})"),           // no Ta
           std::string_view(R"({"status":200,"Ta":1.5})"),  // not an integer
           std::string_view(R"({"status":200,"Ta":-2})"),   // out of range
           std::string_view(R"([1,2])"),
       })
    EXPECT_FALSE(parse_access_log_line(line)) << line;
  EXPECT_TRUE(parse_access_log_line(R"({"status":200,"Ta":1})")) << "other fields are optional";
}

TEST(GatewayAccessLog, EscapedStringsAreReadBack) {
  const auto record = parse_access_log_line(
      R"({"status":404,"Ta":0,"path":"\/p\"q%22\\x","method":"GET","request_id":"-"})");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->path, "/p\"q%22\\x");
  EXPECT_EQ(record->request_id, "") << "HAProxy's - is an empty string";
}

double value(const telemetry::RegistrySnapshot& snapshot, std::string_view name,
             std::vector<std::string> labels = {}) {
  for (const auto& family : snapshot)
    if (family.info.name == name)
      for (const auto& series : family.series)
        if (series.label_values == labels)
          return family.type == telemetry::MetricType::histogram
                     ? static_cast<double>(series.histogram.count)
                     : series.value;
  return -1;
}

TEST(GatewayMetrics, RecordsClassesOwnAnswersAndTimings) {
  telemetry::Registry registry;
  GatewayMetrics metrics(registry);
  metrics.record(*parse_access_log_line(kServed));
  metrics.record(*parse_access_log_line(kTimedOut));
  metrics.record(*parse_access_log_line(kTimedOut));
  metrics.skipped_line();
  const auto snapshot = registry.snapshot();
  EXPECT_EQ(value(snapshot, "gateway.requests", {"2xx"}), 1);
  EXPECT_EQ(value(snapshot, "gateway.requests", {"5xx"}), 2);
  EXPECT_EQ(value(snapshot, "gateway.requests", {"4xx"}), 0) << "every class is exported";
  EXPECT_EQ(value(snapshot, "gateway.own_responses", {"504"}), 2);
  EXPECT_EQ(value(snapshot, "gateway.own_responses", {"502"}), 0) << "exported before the first";
  EXPECT_EQ(value(snapshot, "gateway.own_responses", {"200"}), -1) << "the service's answer";
  EXPECT_EQ(value(snapshot, "gateway.request.duration"), 3);
  EXPECT_EQ(value(snapshot, "gateway.response.duration"), 1) << "no Tr for the timeouts";
  EXPECT_EQ(value(snapshot, "gateway.log.lines", {"parsed"}), 3);
  EXPECT_EQ(value(snapshot, "gateway.log.lines", {"skipped"}), 1);
  for (const auto& family : snapshot) {
    if (family.info.name == "gateway.request.duration") {
      EXPECT_NEAR(family.series.at(0).histogram.max, 1.003, 0.001);
    }
  }
}

}  // namespace
}  // namespace srelab::gateway
