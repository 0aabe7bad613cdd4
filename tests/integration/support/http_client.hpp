// A small blocking HTTP/1.1 client for integration tests: one keep-alive connection, one
// request at a time, the body parsed as JSON when it is JSON. Beast and Asio stay in the .cpp:
// compiled once in the support library instead of once per test under the sanitizers.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace srelab::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  boost::json::value json;                                   // null when the body is not JSON
  std::vector<std::pair<std::string, std::string>> headers;  // in the order received
  // The first header of that name (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply request(boost::beast::http::verb method, const std::string& target,
                    const std::string& body = {},
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Writes `bytes` as they are, a request spelled out by the caller (headers a browser would
  // send, a body of any type), and reads one answer.
  HttpReply raw(const std::string& bytes);

  HttpReply get(const std::string& target) {
    return request(boost::beast::http::verb::get, target);
  }

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace srelab::testing
