#include "support/http_client.hpp"

#include <strings.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace srelab::testing {

namespace http = boost::beast::http;

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return {};
}

struct HttpClient::Connection {
  explicit Connection(std::uint16_t port) : port(port), socket(context) {}

  void connect() {
    if (!socket.is_open()) socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  HttpReply read_reply() {
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    reply.body = response.body();
    for (const auto& field : response.base()) {
      reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    boost::system::error_code ec;
    reply.json = boost::json::parse(reply.body, ec);
    if (ec) reply.json = nullptr;
    if (!response.keep_alive()) socket.close();
    return reply;
  }

  std::uint16_t port;
  boost::asio::io_context context;
  boost::asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::uint16_t port) : connection_(std::make_unique<Connection>(port)) {}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::request(http::verb method, const std::string& target, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  connection_->connect();
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  http::write(connection_->socket, request);
  return connection_->read_reply();
}

HttpReply HttpClient::raw(const std::string& bytes) {
  connection_->connect();
  boost::asio::write(connection_->socket, boost::asio::buffer(bytes));
  return connection_->read_reply();
}

}  // namespace srelab::testing
