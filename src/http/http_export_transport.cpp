#include "http/http_export_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_url.hpp"

namespace srelab::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using local_stream = asio::local::stream_protocol;
using UnixStream = beast::basic_stream<local_stream>;
using SteadyTime = std::chrono::steady_clock::time_point;
using telemetry::ExportRequest;
using telemetry::ExportResponse;

constexpr std::size_t kResponseBodyLimit = 8 * 1024 * 1024;
constexpr std::string_view kUserAgent = "sre-lab";

// Where a request goes: the URL's host and port, or the Agent's unix socket when one is set
// (the URL then still names the Host header and the path).
struct Target : HttpUrl {
  std::string unix_socket;  // non-empty: connect here instead of host:port

  std::string connection_key() const {
    return unix_socket.empty() ? host + " " + std::to_string(port) : "unix " + unix_socket;
  }
};

result<Target> parse_target(std::string_view url, const std::string& unix_socket) {
  auto parsed = parse_http_url(url);
  if (!parsed) return errc::invalid_argument;
  Target target{std::move(*parsed), unix_socket};
  return target;
}

// The body is the caller's: a batch of traces is up to megabytes, sent as it is, not copied.
using ExportMessage = bhttp::request<bhttp::span_body<const char>>;

ExportMessage make_request(const ExportRequest& request, const Target& target) {
  ExportMessage message;
  const bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    message.method_string(request.method);
  } else {
    message.method(verb);
  }
  message.target(target.target);
  message.version(11);
  message.set(bhttp::field::host, target.host_header);
  message.set(bhttp::field::user_agent, kUserAgent);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = {request.body.data(), request.body.size()};
  message.prepare_payload();
  return message;
}

std::optional<std::chrono::seconds> retry_after(const bhttp::fields& headers) {
  const auto it = headers.find(bhttp::field::retry_after);
  if (it == headers.end()) return std::nullopt;
  std::string_view text(it->value().data(), it->value().size());
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);  // an HTTP-date is not read: the exporter backs off
}

// What a kept-alive connection that the peer closed while idle looks like on the next use.
bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::error::not_connected;
}

boost::system::error_code classify(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out ||
      ec == asio::error::operation_aborted) {
    return errc::timeout;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
      ec != bhttp::error::end_of_stream) {
    return errc::protocol_error;
  }
  return ec;
}

}  // namespace

struct HttpExportTransport::Impl {
  asio::io_context context{1};
  tcp::resolver resolver{context};
  std::optional<beast::tcp_stream> stream;  // over TCP...
  std::optional<UnixStream> unix_stream;    // ...or over a unix socket, never both
  std::string connected_to;                 // Target::connection_key() of the open stream
  beast::flat_buffer buffer;
  std::mutex mutex;

  bool connected() const { return stream || unix_stream; }
  result<ExportResponse> exchange(const Target& target, const ExportMessage& message,
                                  SteadyTime deadline);
  asio::awaitable<result<ExportResponse>> run(const Target& target, const ExportMessage& message,
                                              SteadyTime deadline);
  asio::awaitable<boost::system::error_code> connect(const Target& target, SteadyTime deadline);
  template <class Stream>
  asio::awaitable<result<ExportResponse>> exchange_on(Stream& open, const ExportMessage& message,
                                                      SteadyTime deadline);
  void close();
};

HttpExportTransport::HttpExportTransport() : impl_(std::make_unique<Impl>()) {}

HttpExportTransport::~HttpExportTransport() {
  impl_->close();
}

result<ExportResponse> HttpExportTransport::send(const ExportRequest& request,
                                                 std::chrono::milliseconds timeout) {
  const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  const auto target = parse_target(request.url, request.unix_socket);
  if (!target) return target.error();
  const auto message = make_request(request, *target);

  std::lock_guard lock(impl_->mutex);
  const bool reusing = impl_->connected() && impl_->connected_to == target->connection_key();
  if (!reusing) impl_->close();
  auto response = impl_->exchange(*target, message, deadline);
  if (!response && reusing && closed_by_peer(response.error()) &&
      std::chrono::steady_clock::now() < deadline) {
    response = impl_->exchange(*target, message, deadline);  // on a fresh connection
  }
  if (!response) return classify(response.error());
  return response;
}

// Runs one request on the private context until it completes or the deadline passes; any
// failure leaves no connection behind.
result<ExportResponse> HttpExportTransport::Impl::exchange(const Target& target,
                                                           const ExportMessage& message,
                                                           SteadyTime deadline) {
  std::optional<result<ExportResponse>> outcome;
  asio::co_spawn(context, run(target, message, deadline),
                 [&outcome](std::exception_ptr error, result<ExportResponse> response) {
                   if (error) {
                     outcome = make_error_code(errc::protocol_error);
                   } else {
                     outcome = std::move(response);
                   }
                 });
  context.restart();
  context.run_until(deadline);
  if (!outcome) {
    // Only resolving has no deadline of its own (the stream's operations expire at `deadline`).
    resolver.cancel();
    if (stream) stream->cancel();
    if (unix_stream) unix_stream->cancel();
    context.run();
    outcome = make_error_code(errc::timeout);
  }
  if (!*outcome) close();
  return std::move(*outcome);
}

asio::awaitable<result<ExportResponse>> HttpExportTransport::Impl::run(const Target& target,
                                                                       const ExportMessage& message,
                                                                       SteadyTime deadline) {
  if (!connected()) {
    buffer.clear();
    if (const auto ec = co_await connect(target, deadline)) co_return ec;
    connected_to = target.connection_key();
  }
  if (unix_stream) co_return co_await exchange_on(*unix_stream, message, deadline);
  co_return co_await exchange_on(*stream, message, deadline);
}

asio::awaitable<boost::system::error_code> HttpExportTransport::Impl::connect(const Target& target,
                                                                              SteadyTime deadline) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  if (!target.unix_socket.empty()) {
    unix_stream.emplace(context);
    unix_stream->expires_at(deadline);
    co_await unix_stream->async_connect(local_stream::endpoint(target.unix_socket), token);
    co_return ec;
  }
  stream.emplace(context);
  std::vector<tcp::endpoint> endpoints;
  if (const auto address = asio::ip::make_address(target.host, ec); !ec) {
    endpoints.emplace_back(address, target.port);
  } else {
    ec = {};
    const auto resolved =
        co_await resolver.async_resolve(target.host, std::to_string(target.port), token);
    if (ec) co_return ec;
    for (const auto& entry : resolved) endpoints.push_back(entry.endpoint());
  }
  stream->expires_at(deadline);
  co_await stream->async_connect(endpoints, token);
  co_return ec;
}

template <class Stream>
asio::awaitable<result<ExportResponse>> HttpExportTransport::Impl::exchange_on(
    Stream& open, const ExportMessage& message, SteadyTime deadline) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  open.expires_at(deadline);
  co_await bhttp::async_write(open, message, token);
  if (ec) co_return ec;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kResponseBodyLimit);
  co_await bhttp::async_read(open, buffer, parser, token);
  if (ec) co_return ec;
  open.expires_never();

  auto& reply = parser.get();
  ExportResponse response;
  response.status = static_cast<int>(reply.result_int());
  response.retry_after = retry_after(reply.base());
  response.body = std::move(reply.body());
  if (!reply.keep_alive()) close();
  co_return response;
}

void HttpExportTransport::Impl::close() {
  boost::system::error_code ignored;
  if (stream) {
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->close();
    stream.reset();
  }
  if (unix_stream) {
    unix_stream->socket().shutdown(local_stream::socket::shutdown_both, ignored);
    unix_stream->close();
    unix_stream.reset();
  }
  connected_to.clear();
  buffer.clear();
}

}  // namespace srelab::http
