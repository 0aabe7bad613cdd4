// Reads one HTTP/1.1 answer off a connection with Beast's parser, keeping only what the load
// generator counts: the status, whether the connection may be reused, and the `source` of a
// product answer ("cache", "database", "fallback_..."). Headers are not stored and the body is
// copied into a caller-owned buffer only up to a small cap, so a steady run allocates nothing
// per answer.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <string>
#include <string_view>

namespace srelab::load {

// The value of the first "source" key of a JSON body (`"source":"cache"` → "cache"), or empty.
// A plain scan, not a JSON parse: the answers are the service's own.
std::string_view find_source(std::string_view body);

class AnswerReader final : public boost::beast::http::basic_parser<false> {
 public:
  static constexpr std::size_t kBodyKept = 4096;  // where a product's `source` always is

  explicit AnswerReader(std::string& body) : body_(body) {
    body_.clear();
    body_limit(boost::none);  // a long body is read through, not kept
  }

  int status() const { return status_; }
  std::string_view source() const { return find_source(body_); }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override { status_ = code; }
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
    return on_body_impl(body, ec);
  }
  void on_finish_impl(error_code&) override {}

  std::string& body_;
  int status_ = 0;
};

}  // namespace srelab::load
