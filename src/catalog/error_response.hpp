// The one mapping from the project's error codes (errc and the backends' codes) to an HTTP status
// and JSON error body; the catalog's routes answer their failures through it. Rejected inputs
// (FieldError) are answered by http::field_error (http/responses.hpp).
#pragma once

#include <string_view>

#include "core/errc.hpp"
#include "http/message.hpp"

namespace srelab::catalog {

struct ErrorStatus {
  http::Status status;
  std::string_view error;  // the short "error" of the JSON body
};

ErrorStatus error_status(const boost::system::error_code& code);

// json_error with the status and short error of `code`, and `detail`.
http::Response error_response(const boost::system::error_code& code, std::string_view detail);

}  // namespace srelab::catalog
