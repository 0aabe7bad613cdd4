// What the catalog needs from whoever runs its dependencies: under `sre-lab up`, the lab's
// supervisor, reached over its control channel (app/dependency_client wires that in; the catalog
// does not link lab/). POST /chaos/dependency and GET /chaos/dependency go through it; a
// standalone `serve` has none and says so.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace srelab::catalog {

// The words of a POST /chaos/dependency body, for those that write one (the experiment runner
// checks an experiment's dependency actions against them before anything runs).
inline constexpr std::array<std::string_view, 2> kDependencies{"redis", "postgres"};
inline constexpr std::array<std::string_view, 5> kDependencyActions{"kill", "stop", "start",
                                                                    "pause", "resume"};
inline constexpr double kMaxDependencyDuration_s = 86400;

// A validated POST /chaos/dependency body.
struct DependencyOrder {
  std::vector<std::pair<std::string, std::string>> actions;  // ("redis", "pause"), in body order
  std::optional<double> duration_s;  // the guardrail: undo a pause or a stop after it
};

// The controller's answer: 200 with the document, or an error status with its detail
// (409: the action does not apply now; 503: the supervisor cannot be reached).
struct DependencyAnswer {
  http::Status status = http::Status::ok;
  boost::json::object body;  // 200: the document
  std::string detail;        // otherwise
};

class DependencyController {
 public:
  virtual ~DependencyController() = default;
  virtual boost::asio::awaitable<DependencyAnswer> act(const DependencyOrder& order) = 0;
  virtual boost::asio::awaitable<DependencyAnswer> status() = 0;
};

}  // namespace srelab::catalog
