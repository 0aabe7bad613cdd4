#include "http/request_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

namespace srelab::http {
namespace {

RequestError make(Status status, std::string detail) {
  return {status, beast_http::obsolete_reason(status), std::move(detail)};
}

}  // namespace

std::optional<RequestError> read_error(const boost::system::error_code& ec,
                                       const ServerSettings& settings) {
  using beast_http::error;
  if (ec == boost::asio::error::timed_out)
    return make(Status::request_timeout, "the request did not arrive completely within " +
                                             std::to_string(settings.request_timeout.count()) +
                                             " ms");
  if (ec == error::header_limit)
    return make(Status::request_header_fields_too_large,
                "the request line and headers exceed the limit of " +
                    std::to_string(settings.header_limit) + " bytes");
  if (ec == error::body_limit)
    return make(Status::payload_too_large, "the request body exceeds the limit of " +
                                               std::to_string(settings.body_limit) + " bytes");
  // The peer closed (end_of_stream between requests, partial_message within one) or the read
  // was cancelled by stop() or the idle timer: nobody is waiting for an answer.
  if (ec == error::end_of_stream || ec == error::partial_message) return std::nullopt;
  if (ec.category() == beast_http::make_error_code(error::bad_method).category())
    return make(Status::bad_request, ec.message());
  return std::nullopt;
}

std::optional<RequestError> request_error(const Request& request) {
  if (request.version() / 10 != 1)
    return make(Status::http_version_not_supported,
                "HTTP/" + std::to_string(request.version() / 10) + "." +
                    std::to_string(request.version() % 10) + " is not supported, only HTTP/1.x");
  if (!split_target(request.target()))
    return make(Status::bad_request, "the request target must start with '/'");
  return std::nullopt;
}

bool has_obsolete_line_folding(std::string_view header) {
  for (std::size_t i = header.find('\n'); i != std::string_view::npos && i + 1 < header.size();
       i = header.find('\n', i + 1)) {
    if (header[i + 1] == ' ' || header[i + 1] == '\t') return true;
  }
  return false;
}

std::optional<Target> split_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return Target{target, {}};
  return Target{target.substr(0, question), target.substr(question + 1)};
}

}  // namespace srelab::http
