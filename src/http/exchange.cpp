#include "http/exchange.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "http/http_url.hpp"

namespace srelab::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;

}  // namespace

HttpAnswer http_exchange(std::string_view method, std::string_view url_text,
                         const std::map<std::string, std::string>& headers, std::string body,
                         std::chrono::milliseconds timeout) {
  HttpAnswer answer;
  const auto started = std::chrono::steady_clock::now();
  const auto url = parse_http_url(url_text);
  if (!url) {
    answer.error = "not an http:// URL: " + std::string(url_text);
    return answer;
  }
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast_http::request<beast_http::string_body> request;
  request.method_string(method);
  request.target(url->target);
  request.version(11);
  request.set(beast_http::field::host, url->host_header);
  request.set(beast_http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() && request.find(beast_http::field::content_type) == request.end())
    request.set(beast_http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();

  beast::flat_buffer buffer;
  beast_http::response<beast_http::string_body> response;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code failure;
  const auto fail = [&](boost::system::error_code ec, std::string_view what) {
    failure = ec;
    answer.error = std::string(what) + ": " + ec.message();
  };
  // Asio's deadline works on asynchronous operations: the chain runs on a private io_context
  // that stops at the deadline, which closes the socket and fails the pending operation.
  asio::ip::tcp::resolver resolver(io);
  stream.expires_after(timeout);
  resolver.async_resolve(url->host, std::to_string(url->port), [&](auto ec, auto endpoints) {
    if (ec) return fail(ec, "resolve");
    stream.async_connect(endpoints, [&](auto ec, auto) {
      if (ec) return fail(ec, "connect");
      beast_http::async_write(stream, request, [&](auto ec, std::size_t) {
        if (ec) return fail(ec, "send");
        beast_http::async_read(stream, buffer, parser, [&](auto ec, std::size_t) {
          if (ec) return fail(ec, "read");
          answer.status = static_cast<int>(parser.get().result_int());
          answer.content_type = std::string(parser.get()[beast_http::field::content_type]);
          answer.body = std::move(parser.get().body());
        });
      });
    });
  });
  io.run_for(timeout + std::chrono::milliseconds(100));
  if (answer.status == 0 && answer.error.empty()) answer.error = "timed out";
  if (failure == beast::error::timeout) answer.error = "timed out";
  answer.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return answer;
}

}  // namespace srelab::http
