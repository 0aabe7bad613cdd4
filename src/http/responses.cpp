#include "http/responses.hpp"

#include <string>

#include "core/json_string.hpp"

namespace srelab::http {

Response json_response(Status status, std::string body) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

Response json_error(Status status, std::string_view error, std::string_view detail) {
  std::string body;
  body.reserve(32 + error.size() + detail.size());
  body += "{\"error\":";
  append_json_string(body, error);
  body += ",\"detail\":";
  append_json_string(body, detail);
  body += '}';
  return json_response(status, std::move(body));
}

}  // namespace srelab::http
