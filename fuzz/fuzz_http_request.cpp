// The HTTP request path as http/session.cpp reads it, without a socket: bytes arrive in reads
// (the first input byte sets their size), go to a Beast request_parser configured as the session
// configures it (header limit, body limit raised to the largest route's until the route is known,
// obsolete line folding refused, the route's own body limit once the header is in), then through
// the server's request checks, the router and a handler that runs the project's parser for that
// route (product id, bulk test query, chaos and resilience bodies). A keep-alive connection reads
// the next request from the bytes left over, as the session does.
// Invariants: every refusal is a 4xx the server can answer (or silence when the peer went away),
// no handler answers 5xx, and the parser never consumes more bytes than it was given.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/bulk_params.hpp"
#include "catalog/product_id.hpp"
#include "chaos/chaos_settings.hpp"
#include "fuzz/check.hpp"
#include "http/request_error.hpp"
#include "http/request_framing.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "resilience/resilience_settings.hpp"

namespace {

namespace asio = boost::asio;
namespace http = srelab::http;
using boost::system::error_code;
using http::beast_http::error;
using Parser = http::beast_http::request_parser<http::beast_http::string_body>;

// The server's limits scaled down, so that inputs of a few kilobytes reach them.
http::ServerSettings fuzz_settings() {
  http::ServerSettings settings;
  settings.header_limit = 1024;
  settings.body_limit = 256;
  return settings;
}
constexpr std::size_t kUploadLimit = 2048;  // a route's own limit, like the console's uploads
constexpr int kMaxRequestsPerConnection = 4;

asio::awaitable<http::Response> reply(http::Response response) {
  co_return response;
}

asio::awaitable<http::Response> ok(std::string body) {
  return reply(http::json_response(http::Status::ok, std::move(body)));
}

// The catalog's routes and an upload route with a body limit of its own; each handler runs the
// parser its real counterpart runs, so the fuzzer reaches them through the request path.
http::Router make_router() {
  using http::Verb;
  http::Router router;
  router.add(Verb::get, "/products/{id}", [](http::RequestContext& request) {
    const auto parsed = srelab::catalog::parse_product_id(request.params.get("id"));
    if (!parsed.problem.empty())
      return reply(
          http::json_error(http::Status::bad_request, "Invalid Product Id", parsed.problem));
    return ok(std::to_string(parsed.id));
  });
  router.add(Verb::get, "/products/bulk/test", [](http::RequestContext& request) {
    srelab::FieldError error;
    if (!srelab::catalog::parse_bulk_params(request.query, error))
      return reply(http::field_error(error));
    return ok("{}");
  });
  router.add(Verb::post, "/chaos/configure", [](http::RequestContext& request) {
    srelab::FieldError error;
    const auto merged = srelab::chaos::merge_chaos_settings({}, request.request.body(), error);
    if (!merged) return reply(http::field_error(error));
    return ok(boost::json::serialize(to_json(*merged)));
  });
  router.add(Verb::post, "/resilience/configure", [](http::RequestContext& request) {
    srelab::FieldError error;
    const auto merged =
        srelab::resilience::merge_resilience_settings({}, request.request.body(), error);
    if (!merged) return reply(http::field_error(error));
    return ok(boost::json::serialize(to_json(*merged)));
  });
  router.add(Verb::get, "/healthz", [](http::RequestContext&) { return ok("{}"); });
  router.add(
      Verb::post, "/console/api/experiments",
      [](http::RequestContext& request) {
        return ok(std::to_string(request.request.body().size()));
      },
      {}, kUploadLimit);
  return router;
}

// The body limit the session gives a request's route (Session::route_body_limit).
std::size_t route_body_limit(const http::Router& router, const http::Request& request) {
  const std::size_t server_limit = fuzz_settings().body_limit;
  const auto target = http::split_target(request.target());
  if (!target) return server_limit;
  return router.body_limit(request.method(), target->path).value_or(server_limit);
}

// Bytes as a socket hands them over: `read_size` at a time (all at once when 0).
class Reads {
 public:
  Reads(std::string_view input, std::size_t read_size) : input_(input), read_size_(read_size) {}
  bool read_into(std::string& pending) {
    if (input_.empty()) return false;
    const std::size_t n = read_size_ == 0 ? input_.size() : std::min(read_size_, input_.size());
    pending.append(input_.substr(0, n));
    input_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view input_;
  std::size_t read_size_;
};

// Session::read_request without the socket.
error_code read_request(Parser& parser, const http::Router& router, std::string& pending,
                        Reads& reads, std::optional<http::RequestError>& refused) {
  const http::ServerSettings settings = fuzz_settings();
  parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
  parser.body_limit(std::max(settings.body_limit, router.largest_body_limit()));
  error_code ec;
  for (;;) {
    if (!pending.empty()) {
      const bool header_was_done = parser.is_header_done();
      const std::size_t used = parser.put(asio::buffer(pending), ec);
      FUZZ_CHECK(used <= pending.size(), "the parser consumes only what it was given");
      if (!header_was_done && parser.is_header_done()) {
        if (http::has_obsolete_line_folding(std::string_view(pending).substr(0, used)))
          return error::bad_obs_fold;
        // As the session: a refused framing ends the read before any body byte is parsed.
        if ((refused = http::framing_error(parser.get())))
          return make_error_code(boost::system::errc::protocol_error);
        if (!parser.is_done()) {
          const std::size_t limit = route_body_limit(router, parser.get());
          if (parser.content_length() && *parser.content_length() > limit) return error::body_limit;
          parser.body_limit(limit);
        }
        parser.eager(true);
      }
      pending.erase(0, used);
      if (ec != error::need_more) {
        if (ec || parser.is_done()) return ec;
        if (used != 0 && !pending.empty()) continue;
      }
    }
    if (!reads.read_into(pending)) return error::partial_message;
  }
}

http::Response dispatch(const http::Router& router, http::Request& request) {
  const http::Target target = *http::split_target(request.target());
  http::RouteMatch match = router.match(request.method(), target.path);
  if (match.kind != http::RouteMatch::Kind::found)
    return http::json_error(http::Status::not_found, "Not Found", "no route");
  http::RequestContext context{request, target.path, target.query, match.route,
                               std::move(match.params)};
  static asio::io_context io;
  std::optional<http::Response> answer;
  asio::co_spawn(io, http::run_route(match.layers, *match.handler, context),
                 [&](std::exception_ptr failure, http::Response response) {
                   FUZZ_CHECK(!failure, "run_route turns a handler's exception into a 500");
                   answer = std::move(response);
                 });
  io.restart();
  io.run();
  FUZZ_CHECK(answer.has_value(), "a handler answers");
  return std::move(*answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const http::Router router = make_router();
  Reads reads(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), data[0] % 17);
  std::string pending;
  for (int served = 0; served < kMaxRequestsPerConnection; ++served) {
    if (pending.empty() && !reads.read_into(pending)) return 0;
    Parser parser;
    std::optional<http::RequestError> refused;
    const error_code ec = read_request(parser, router, pending, reads, refused);
    if (refused) {
      FUZZ_CHECK(refused->status == http::Status::bad_request ||
                     refused->status == http::Status::not_implemented,
                 "a framing the server refuses gets 400 or 501");
      return 0;  // the session answers and closes: what follows is never parsed
    }
    if (ec) {
      const auto refusal = http::read_error(ec, fuzz_settings());
      if (refusal)
        FUZZ_CHECK(http::beast_http::to_status_class(refusal->status) ==
                       http::beast_http::status_class::client_error,
                   "a request that cannot be read is refused with a 4xx");
      return 0;
    }
    http::Request& request = parser.get();
    if (const auto refusal = http::request_error(request)) {
      FUZZ_CHECK(refusal->status == http::Status::bad_request ||
                     refusal->status == http::Status::http_version_not_supported,
                 "a request the server refuses gets 400 or 505");
      return 0;
    }
    const http::Response response = dispatch(router, request);
    FUZZ_CHECK(http::beast_http::to_status_class(response.result()) !=
                   http::beast_http::status_class::server_error,
               "a handler never answers a request with a 5xx");
    if (!request.keep_alive()) return 0;
  }
  return 0;
}
