// A test fixture running the catalog service in-process, exactly as `sre-lab serve` builds it,
// against TestServers' Postgres and Redis, with helpers to talk to it.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "app/service.hpp"
#include "support/http_client.hpp"
#include "support/test_servers.hpp"

namespace srelab::testing {

using Flags = std::map<std::string, std::string, std::less<>>;

inline app::ServeConfig test_config(Flags flags = {}) {
  auto& servers = TestServers::instance();
  flags.try_emplace("port", "0");
  flags.try_emplace("threads", "2");
  flags["database-url"] = servers.database_url();
  flags["redis-url"] = servers.redis_url();
  flags.try_emplace("redis-timeout", "0.3");
  flags.try_emplace("db-statement-timeout", "5");
  // The service sends to a local Agent by default. A test that names no Agent sends nothing, so
  // that it neither depends on one being there nor feeds a developer's real Agent.
  const auto names_any = [&flags](std::initializer_list<const char*> keys) {
    for (const char* key : keys)
      if (flags.contains(key)) return true;
    return false;
  };
  if (!names_any({"agent-host", "trace-agent-port", "trace-agent-url", "trace-enabled"}))
    flags["trace-enabled"] = "false";
  if (!names_any({"agent-host", "dogstatsd-port", "dogstatsd-url", "dogstatsd"}))
    flags["dogstatsd"] = "off";
  app::OptionValues values(app::serve_options(), flags,
                           [](std::string_view) { return std::nullopt; });
  auto config = app::finalize_serve_config(values);
  EXPECT_TRUE(config) << values.error();
  return *config;
}

// Polls `probe` every 50 ms until it holds or `limit` passes.
template <class Probe>
bool eventually(Probe probe, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

inline std::string field(const HttpReply& reply, const char* name) {
  if (!reply.json.is_object() || !reply.json.as_object().contains(name)) return "?";
  const auto& value = reply.json.at(name);
  return value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
}

inline std::string source_of(const HttpReply& reply) {
  return field(reply, "source");
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServers::instance().flush_redis();
    service_ = std::make_unique<app::Service>(test_config(flags_));
    ASSERT_TRUE(service_->start());
    // As a load balancer would: send traffic once /readyz says both stores answer.
    ASSERT_TRUE(eventually([&] { return get("/readyz").status == 200; }, std::chrono::seconds(10)));
  }
  void TearDown() override { service_->stop(); }

  HttpReply get(const std::string& target) { return HttpClient(service_->port()).get(target); }
  HttpReply post(const std::string& target, const std::string& body = {}) {
    return HttpClient(service_->port()).request(boost::beast::http::verb::post, target, body);
  }
  HttpReply del(const std::string& target) {
    return HttpClient(service_->port()).request(boost::beast::http::verb::delete_, target);
  }

  Flags flags_;
  std::unique_ptr<app::Service> service_;
};

}  // namespace srelab::testing
