#include "http/responses.hpp"

#include <boost/json/object.hpp>
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

Response field_error(const FieldError& error) {
  const bool whole_body = error.kind == FieldError::Kind::body;
  boost::json::object body;
  body["error"] = whole_body ? "Bad Request" : "Unprocessable Entity";
  body["detail"] = error.detail;
  if (!whole_body) body["key"] = error.key;
  return json_response(whole_body ? Status::bad_request : Status::unprocessable_entity,
                       to_json_text(body));
}

}  // namespace srelab::http
