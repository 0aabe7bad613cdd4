// Response builders. Handlers set status and body only; the session fills in version,
// keep-alive and Content-Length from the request it answers.
#pragma once

#include <string>
#include <string_view>

#include "core/field_error.hpp"
#include "http/message.hpp"

namespace srelab::http {

// A response with Content-Type: application/json and the given body.
Response json_response(Status status, std::string body);

// {"error": "<error>", "detail": "<detail>"}: the shape of every error this service answers.
// Both strings are escaped for JSON, and bytes that are not UTF-8 (a detail often quotes what a
// client sent) become U+FFFD, so the body is always valid JSON.
Response json_error(Status status, std::string_view error, std::string_view detail);

// A rejected request parameter or body field: 400 {"error":"Bad Request","detail":…} when the body
// is not usable at all, 422 {"error":"Unprocessable Entity","detail":…,"key":…} for a bad key or
// value.
Response field_error(const FieldError& error);

}  // namespace srelab::http
