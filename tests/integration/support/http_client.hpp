// A small blocking HTTP/1.1 client for integration tests: one keep-alive connection, one
// request at a time, the body parsed as JSON when it is JSON.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace srelab::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  boost::json::value json;  // null when the body is not JSON
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
  boost::beast::http::fields headers;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : port_(port), socket_(context_) {}

  HttpReply request(boost::beast::http::verb method, const std::string& target,
                    const std::string& body = {},
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    namespace http = boost::beast::http;
    connect();
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    http::write(socket_, request);
    return read_reply();
  }

  // Writes `bytes` as they are, a request spelled out by the caller (headers a browser would
  // send, a body of any type), and reads one answer.
  HttpReply raw(const std::string& bytes) {
    connect();
    boost::asio::write(socket_, boost::asio::buffer(bytes));
    return read_reply();
  }

  HttpReply get(const std::string& target) {
    return request(boost::beast::http::verb::get, target);
  }

 private:
  void connect() {
    if (!socket_.is_open()) socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  }

  HttpReply read_reply() {
    namespace http = boost::beast::http;
    http::response<http::string_body> response;
    http::read(socket_, buffer_, response);
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    reply.body = response.body();
    reply.headers = response.base();
    boost::system::error_code ec;
    reply.json = boost::json::parse(reply.body, ec);
    if (ec) reply.json = nullptr;
    if (!response.keep_alive()) socket_.close();
    return reply;
  }

  std::uint16_t port_;
  boost::asio::io_context context_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace srelab::testing
