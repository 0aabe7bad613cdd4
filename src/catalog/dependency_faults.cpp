#include "catalog/dependency_faults.hpp"

#include "core/json_fields.hpp"
#include "core/json_string.hpp"
#include "http/responses.hpp"

namespace srelab::catalog {
namespace {

constexpr std::string_view kNeedsUp =
    "dependency faults need the lab's supervisor: run the service with `sre-lab up`, which "
    "starts Redis and Postgres and can kill, stop, start, pause or resume them";

http::Response answer(const DependencyAnswer& answer) {
  if (answer.status == http::Status::ok)
    return http::json_response(http::Status::ok, to_json_text(answer.body));
  const std::string_view error = answer.status == http::Status::conflict ? "Conflict"
                                 : answer.status == http::Status::bad_request
                                     ? "Bad Request"
                                     : "Supervisor Unavailable";
  return http::json_error(answer.status, error, answer.detail);
}

}  // namespace

std::optional<DependencyOrder> parse_dependency_body(std::string_view body, FieldError& error) {
  auto object = parse_json_object(body, error);
  if (!object) return std::nullopt;
  JsonFields fields(*object, {"redis", "postgres", "duration_s"});
  DependencyOrder order;
  for (std::string_view name : {"redis", "postgres"}) {
    std::string action;
    if (fields.one_of(name, {"kill", "stop", "start", "pause", "resume"}, action) &&
        !action.empty())
      order.actions.emplace_back(name, action);
  }
  fields.number("duration_s", 0, 86400, order.duration_s, LowerBound::exclusive);
  if (fields.ok() && order.actions.empty())
    fields.fail("redis",
                "name redis or postgres (or both) with an action: kill, stop, start, "
                "pause or resume");
  if (fields.ok()) return order;
  error = *fields.error();
  return std::nullopt;
}

boost::asio::awaitable<http::Response> act_on_dependency(DependencyController* controller,
                                                         std::string_view body) {
  FieldError error;
  const auto order = parse_dependency_body(body, error);
  if (!order) co_return http::field_error(error);
  if (controller == nullptr)
    co_return http::json_error(http::Status::conflict, "Conflict", kNeedsUp);
  co_return answer(co_await controller->act(*order));
}

boost::asio::awaitable<http::Response> dependency_status(DependencyController* controller) {
  if (controller == nullptr) {
    boost::json::object body{{"supervised", false}, {"detail", kNeedsUp}};
    co_return http::json_response(http::Status::ok, to_json_text(body));
  }
  co_return answer(co_await controller->status());
}

}  // namespace srelab::catalog
