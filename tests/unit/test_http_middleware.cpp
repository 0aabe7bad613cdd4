// The middleware seam: run_route's order of before/after hooks, an early answer, a handler that
// throws; and how the Router composes each route's layers (router-wide first, in the order given,
// whether given before or after the route, then the route's own); the layers around the answers
// no route gives; and the request tracing layer's root span.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/middleware.hpp"
#include "http/request_tracing.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"

namespace srelab::http {
namespace {

using boost::asio::awaitable;
using Log = std::vector<std::string>;

// Logs its hooks under its name; answers `early` from before() when set.
class LoggingLayer final : public Middleware {
 public:
  LoggingLayer(std::string name, Log& log, std::optional<Status> early = std::nullopt)
      : name_(std::move(name)), log_(log), early_(early) {}

  std::optional<Response> before(RequestContext&) override {
    log_.push_back("before " + name_);
    if (early_) return json_error(*early_, "Early", "answered by " + name_);
    return std::nullopt;
  }
  void after(RequestContext&, Response& response) override {
    log_.push_back("after " + name_ + " " + std::to_string(response.result_int()));
  }

 private:
  std::string name_;
  Log& log_;
  std::optional<Status> early_;
};

Handler logging_handler(Log& log) {
  return [&log](RequestContext&) -> awaitable<Response> {
    log.push_back("handler");
    co_return json_response(Status::ok, "{}");
  };
}

// A request through run_route on a private io_context.
struct OneRequest {
  Request request{Verb::get, "/things/1", 11};
  RequestContext context{request, "/things/1", "", "/things/{id}", {}};

  Response run(const std::vector<MiddlewarePtr>& layers, const Handler& handler) {
    std::optional<Response> out;
    boost::asio::io_context io;
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          Response response = co_await run_route(layers, handler, context);
          out.emplace(std::move(response));
        },
        boost::asio::detached);
    io.run();
    return std::move(*out);
  }
};

TEST(MiddlewareRun, BeforeHooksInOrderThenTheHandlerThenAfterHooksInReverse) {
  Log log;
  const std::vector<MiddlewarePtr> layers{std::make_shared<LoggingLayer>("a", log),
                                          std::make_shared<LoggingLayer>("b", log),
                                          std::make_shared<LoggingLayer>("c", log)};
  const Response response = OneRequest{}.run(layers, logging_handler(log));
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_EQ(log, (Log{"before a", "before b", "before c", "handler", "after c 200", "after b 200",
                      "after a 200"}));
}

TEST(MiddlewareRun, NoLayersIsTheHandlerAlone) {
  Log log;
  const Response response = OneRequest{}.run({}, logging_handler(log));
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_EQ(log, (Log{"handler"}));
}

TEST(MiddlewareRun, AnEarlyAnswerSkipsTheHandlerAndLaterLayersButNotTheAfterOfThoseThatRan) {
  Log log;
  const std::vector<MiddlewarePtr> layers{
      std::make_shared<LoggingLayer>("a", log),
      std::make_shared<LoggingLayer>("guard", log, Status::unauthorized),
      std::make_shared<LoggingLayer>("c", log)};
  const Response response = OneRequest{}.run(layers, logging_handler(log));
  EXPECT_EQ(response.result(), Status::unauthorized);
  EXPECT_NE(response.body().find("answered by guard"), std::string::npos) << response.body();
  EXPECT_EQ(log, (Log{"before a", "before guard", "after guard 401", "after a 401"}));
}

TEST(MiddlewareRun, AHandlerThatThrowsIsA500ThroughTheAfterHooks) {
  Log log;
  const std::vector<MiddlewarePtr> layers{std::make_shared<LoggingLayer>("a", log),
                                          std::make_shared<LoggingLayer>("b", log)};
  const Handler throws = [](RequestContext&) -> awaitable<Response> {
    throw std::runtime_error("a bug");
    co_return Response{};
  };
  const Response response = OneRequest{}.run(layers, throws);
  EXPECT_EQ(response.result(), Status::internal_server_error);
  EXPECT_NE(response.body().find("the handler of /things/{id} failed"), std::string::npos)
      << response.body();
  EXPECT_EQ(log, (Log{"before a", "before b", "after b 500", "after a 500"}));
}

// ---- composition by the Router ---------------------------------------------------------------

Handler noop() {
  return [](RequestContext&) -> awaitable<Response> { co_return Response{}; };
}

// The layers of the route that serves GET `path`, by what `names` says each one is.
std::vector<std::string> layer_names(
    const Router& router, std::string_view path,
    const std::vector<std::pair<MiddlewarePtr, std::string>>& names) {
  std::vector<std::string> out;
  for (const MiddlewarePtr& layer : router.match(Verb::get, path).layers) {
    std::string name = "?";
    for (const auto& [known, known_name] : names)
      if (known == layer) name = known_name;
    out.push_back(name);
  }
  return out;
}

TEST(RouterMiddleware, RouterWideLayersComeFirstInTheOrderGivenThenTheRoutesOwn) {
  Log log;
  auto tracing = std::make_shared<LoggingLayer>("tracing", log);
  auto metrics = std::make_shared<LoggingLayer>("metrics", log);
  auto guard = std::make_shared<LoggingLayer>("guard", log);
  const std::vector<std::pair<MiddlewarePtr, std::string>> names{
      {tracing, "tracing"}, {metrics, "metrics"}, {guard, "guard"}};

  Router router;
  router.use(tracing);
  router.add(Verb::get, "/open", noop());
  router.add(Verb::get, "/admin", noop(), {guard});
  router.use(metrics);  // after the routes: still every route's, inside the earlier one
  router.add(Verb::get, "/late", noop(), {guard});

  EXPECT_EQ(layer_names(router, "/open", names), (std::vector<std::string>{"tracing", "metrics"}));
  EXPECT_EQ(layer_names(router, "/admin", names),
            (std::vector<std::string>{"tracing", "metrics", "guard"}));
  EXPECT_EQ(layer_names(router, "/late", names),
            (std::vector<std::string>{"tracing", "metrics", "guard"}));
}

TEST(RouterMiddleware, AFactoryMakesOneLayerPerRouteFromItsPattern) {
  Log log;
  std::vector<std::string> made_for;
  Router router;
  router.add(Verb::get, "/items/{id}", noop());
  router.use([&](std::string_view route) -> MiddlewarePtr {
    made_for.emplace_back(route);
    return std::make_shared<LoggingLayer>(std::string(route), log);
  });
  router.add(Verb::post, "/items", noop());

  EXPECT_EQ(made_for, (std::vector<std::string>{"/items/{id}", "/items"}));
  const RouteMatch item = router.match(Verb::get, "/items/7");
  const RouteMatch items = router.match(Verb::post, "/items");
  ASSERT_EQ(item.layers.size(), 1u);
  ASSERT_EQ(items.layers.size(), 1u);
  EXPECT_NE(item.layers[0], items.layers[0]);
}

TEST(RouterMiddleware, ARouteThatCannotBeAddedMakesNoLayer) {
  int made = 0;
  Router router;
  router.use([&](std::string_view) -> MiddlewarePtr {
    ++made;
    return std::make_shared<Middleware>();
  });
  router.add(Verb::get, "/a", noop());
  EXPECT_THROW(router.add(Verb::get, "/a", noop()), std::invalid_argument);
  EXPECT_THROW(router.add(Verb::get, "no-slash", noop()), std::invalid_argument);
  EXPECT_EQ(made, 1);
}

TEST(UnmatchedLayers, WrapTheAnswerAndAnEarlyAnswerReplacesIt) {
  Log log;
  Request request{Verb::get, "/nope", 11};
  RequestContext context{request, "/nope", "", "", {}};
  const std::vector<MiddlewarePtr> layers{std::make_shared<LoggingLayer>("a", log),
                                          std::make_shared<LoggingLayer>("b", log)};
  Response answer = run_unmatched(layers, context, json_error(Status::not_found, "Not Found", ""));
  EXPECT_EQ(answer.result(), Status::not_found);
  EXPECT_EQ(log, (Log{"before a", "before b", "after b 404", "after a 404"}));

  log.clear();
  const std::vector<MiddlewarePtr> guarded{
      std::make_shared<LoggingLayer>("guard", log, Status::unauthorized)};
  answer = run_unmatched(guarded, context, json_error(Status::not_found, "Not Found", ""));
  EXPECT_EQ(answer.result(), Status::unauthorized);
  EXPECT_EQ(log, (Log{"before guard", "after guard 401"}));
}

class RequestTracingTest : public ::testing::Test {
 protected:
  // The root span of one request through the tracing layer, answered with `answer`.
  telemetry::SpanData traced(std::string target, std::string_view route, Response answer) {
    Request request{Verb::get, target, 11};
    request.set(beast_http::field::host, "lab.local:8080");
    const auto question = std::string_view(target).find('?');
    RequestContext context{request, std::string_view(target).substr(0, question), "", route, {}};
    const std::vector<MiddlewarePtr> layers{tracing_};
    run_unmatched(layers, context, std::move(answer));
    EXPECT_EQ(chunks_.size(), 1u);
    return chunks_.empty() ? telemetry::SpanData{} : chunks_.back().front();
  }

  Random random_{5};
  ManualClock clock_;
  telemetry::Tracer tracer_{telemetry::TracerSettings{"sre-lab", "", "", {}}, random_, clock_};
  std::vector<telemetry::TraceChunk> chunks_;
  MiddlewarePtr tracing_ = std::make_shared<RequestTracing>(
      tracer_, [this](telemetry::TraceChunk&& chunk) { chunks_.push_back(std::move(chunk)); });
};

TEST_F(RequestTracingTest, AnUnmatchedRequestIsTheMethodAloneWithItsStatus) {
  const auto root =
      traced("/wp-admin/setup.php?x=1", "", json_error(Status::not_found, "Not Found", "no route"));
  EXPECT_EQ(root.name, "http.request");
  EXPECT_EQ(root.resource, "GET");
  EXPECT_EQ(root.type, "web");
  EXPECT_FALSE(root.meta.contains("http.route"));
  EXPECT_EQ(root.meta.at("http.status_code"), "404");
  EXPECT_EQ(root.meta.at("http.url"), "http://lab.local:8080/wp-admin/setup.php?x=1");
  EXPECT_EQ(root.error, 0) << "a 404 is the client's, not the service's";
}

TEST_F(RequestTracingTest, TheUrlCarriesNoSecretFromTheQuery) {
  const auto root = traced("/products/1?token=abc&fields=name", "/products/{id}",
                           json_response(Status::ok, "{}"));
  EXPECT_EQ(root.resource, "GET /products/{id}");
  EXPECT_EQ(root.meta.at("http.route"), "/products/{id}");
  EXPECT_EQ(root.meta.at("http.url"), "http://lab.local:8080/products/1?<redacted>&fields=name");
}

TEST_F(RequestTracingTest, AServerErrorIsNamedAfterTheAnswersError) {
  const auto root = traced(
      "/products/1", "/products/{id}",
      json_error(Status::service_unavailable, "Pool Exhausted", "no database connection freed up"));
  EXPECT_EQ(root.error, 1);
  EXPECT_EQ(root.meta.at("error.type"), "http.PoolExhausted");
  EXPECT_EQ(root.meta.at("error.message"), "no database connection freed up");
  EXPECT_TRUE(root.meta.at("error.stack").starts_with("http.PoolExhausted: no database"));
  EXPECT_NE(root.meta.at("error.stack").find("\n    at "), std::string::npos);

  Response bare(Status::internal_server_error, 11);
  bare.body() = "not json";
  chunks_.clear();
  const auto plain = traced("/x", "/x", std::move(bare));
  EXPECT_EQ(plain.meta.at("error.type"), "http.InternalServerError");
}

}  // namespace
}  // namespace srelab::http
