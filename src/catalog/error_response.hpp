// The one mapping from the project's errors to an HTTP status and JSON error body: error codes
// (errc and the backends' codes) and rejected inputs (FieldError). Every route answers its
// failures through it, the console's included.
#pragma once

#include <string_view>

#include "core/errc.hpp"
#include "core/field_error.hpp"
#include "http/message.hpp"

namespace srelab::catalog {

struct ErrorStatus {
  http::Status status;
  std::string_view error;  // the short "error" of the JSON body
};

ErrorStatus error_status(const boost::system::error_code& code);

// json_error with the status and short error of `code`, and `detail`.
http::Response error_response(const boost::system::error_code& code, std::string_view detail);

// A rejected request parameter or body field: 400 {"error":"Bad Request","detail":…} when the body
// is not usable at all, 422 {"error":"Unprocessable Entity","detail":…,"key":…} for a bad key or
// value.
http::Response field_error(const FieldError& error);

}  // namespace srelab::catalog
