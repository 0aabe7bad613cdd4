#include "app/dependency_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include "lab/control_protocol.hpp"

namespace srelab::app {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using Socket = asio::local::stream_protocol::socket;
using namespace std::chrono_literals;

// Starting Postgres again (after a stop) waits until it accepts connections, and a start right
// after a kill retries while its old backends let go of their shared memory: seconds, rarely
// more than 15.
constexpr auto kAnswerTimeout = 40s;
constexpr auto kWatchRetry = 1s;

catalog::DependencyAnswer unreachable(const std::string& path, const std::string& why) {
  return {http::Status::service_unavailable,
          {},
          "the lab's supervisor does not answer on " + path + " (" + why +
              "): has `sre-lab up` stopped?"};
}

// up's answer line as the controller's answer.
catalog::DependencyAnswer read_answer(const std::string& path, std::string_view line) {
  boost::system::error_code ec;
  auto value = boost::json::parse(line, ec);
  if (ec || !value.is_object()) return unreachable(path, "an answer that is not JSON");
  const boost::json::object& object = value.as_object();
  if (const auto* ok = object.if_contains("ok"); ok && ok->is_bool() && ok->as_bool()) {
    boost::json::object document;  // in up's order, without "ok"
    for (const auto& [key, item] : object)
      if (key != "ok") document[key] = item;
    return {http::Status::ok, std::move(document), {}};
  }
  const auto* status = object.if_contains("status");
  const auto* detail = object.if_contains("detail");
  catalog::DependencyAnswer answer;
  answer.status = status && status->is_int64() ? static_cast<http::Status>(status->as_int64())
                                               : http::Status::service_unavailable;
  answer.detail = detail && detail->is_string() ? std::string(detail->as_string()) : "refused";
  return answer;
}

lab::ControlRequest control_request(const catalog::DependencyOrder& order) {
  lab::ControlRequest request;
  request.op = lab::ControlRequest::Op::act;
  for (const auto& [name, action] : order.actions)
    request.orders.push_back({name, *lab::parse_dependency_action(action)});
  request.duration_s = order.duration_s;
  return request;
}

awaitable<void> watch(std::string path, telemetry::Logger& logger) {
  auto executor = co_await asio::this_coro::executor;
  const std::string request = lab::request_line({lab::ControlRequest::Op::watch, {}, {}});
  for (;;) {
    Socket socket(executor);
    boost::system::error_code ec;
    co_await socket.async_connect({path}, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec)
      co_await asio::async_write(socket, asio::buffer(request),
                                 asio::redirect_error(asio::use_awaitable, ec));
    std::string buffer;
    bool answered = false;
    while (!ec) {
      const std::size_t n =
          co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      const std::string line = buffer.substr(0, n - 1);
      buffer.erase(0, n);
      if (!std::exchange(answered, true)) continue;  // {"ok":true,"watching":true}
      auto event = boost::json::parse(line, ec);
      if (ec || !event.is_object()) break;
      const auto text = [&](const char* key) -> std::string {
        const auto* v = event.as_object().if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      logger.warning("lab.supervisor", text("message"), nullptr,
                     {telemetry::string_field("dependency", text("child")),
                      telemetry::string_field("event", text("event"))});
    }
    asio::steady_timer pause(executor, kWatchRetry);
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

awaitable<catalog::DependencyAnswer> DependencyClient::act(const catalog::DependencyOrder& order) {
  return exchange(lab::request_line(control_request(order)));
}

awaitable<catalog::DependencyAnswer> DependencyClient::status() {
  return exchange(lab::request_line({lab::ControlRequest::Op::status, {}, {}}));
}

awaitable<catalog::DependencyAnswer> DependencyClient::exchange(std::string line) {
  auto executor = co_await asio::this_coro::executor;
  // Shared with the deadline's handler, which may already be queued when the read completes.
  auto socket = std::make_shared<Socket>(executor);
  boost::system::error_code ec;
  co_await socket->async_connect({path_}, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return unreachable(path_, ec.message());
  // The timer closes the socket, which ends the read: up may be stuck starting a server.
  asio::steady_timer deadline(executor, kAnswerTimeout);
  deadline.async_wait([socket](boost::system::error_code expired) {
    if (!expired) socket->close();
  });
  co_await asio::async_write(*socket, asio::buffer(line),
                             asio::redirect_error(asio::use_awaitable, ec));
  std::string answer;
  if (!ec)
    co_await asio::async_read_until(*socket, asio::dynamic_buffer(answer), '\n',
                                    asio::redirect_error(asio::use_awaitable, ec));
  deadline.cancel();
  if (ec) co_return unreachable(path_, ec.message());
  co_return read_answer(path_, std::string_view(answer).substr(0, answer.find('\n')));
}

void DependencyClient::start_watching(asio::io_context& context, telemetry::Logger& logger) {
  asio::co_spawn(context, watch(path_, logger), asio::detached);
}

}  // namespace srelab::app
