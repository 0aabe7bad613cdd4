// POST /chaos/dependency (kill, stop, start, pause or resume Redis or Postgres, under `sre-lab
// up`) and GET /chaos/dependency (the supervisor's view): the body's validation and the answers,
// through a DependencyController; without one (a standalone `serve`), POST answers 409 and GET
// {"supervised": false}.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string_view>

#include "catalog/dependency_controller.hpp"
#include "core/field_error.hpp"
#include "http/message.hpp"

namespace srelab::catalog {

// {"redis": ACTION, "postgres": ACTION, "duration_s": N}: at least one of redis/postgres, ACTION
// one of kill, stop, start, pause, resume, duration_s in (0, 86400]. nullopt with the field's
// error otherwise.
std::optional<DependencyOrder> parse_dependency_body(std::string_view body, FieldError& error);

// `controller` may be null: the service runs without `up`.
boost::asio::awaitable<http::Response> act_on_dependency(DependencyController* controller,
                                                         std::string_view body);
boost::asio::awaitable<http::Response> dependency_status(DependencyController* controller);

}  // namespace srelab::catalog
