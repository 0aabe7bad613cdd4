// Where Boost's assertions go in a Debug build (BOOST_ENABLE_ASSERT_DEBUG_HANDLER, top-level
// CMakeLists.txt): what assert() would do, print and abort, except for one assertion that is
// false in Boost 1.81 and can be reached by any client.
//
// Beast's basic_parser::parse_chunk_header asserts `n >= 5` when it re-reads a chunked body after
// its final chunk, assuming a CRLF before the "0\r\n". A body whose first chunk is the final one
// has none, so an empty chunked body that arrives in pieces ("0\r\n", then "\r\n") trips it and a
// Debug server (the sanitizer builds, the fuzz targets) aborts on a valid request. The code after
// the assertion does not depend on it: with NDEBUG, under ASan and UBSan, the same bytes in every
// split parse to the same request as in one piece (fuzz_http_request covers it).
#include <boost/assert.hpp>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

bool known_false(std::string_view expression, std::string_view file) {
  return expression == "n >= 5" && file.ends_with("boost/beast/http/impl/basic_parser.ipp");
}

}  // namespace

namespace boost {

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
  if (known_false(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed%s%s\n", file, line, function, expr,
               msg != nullptr ? ": " : "", msg != nullptr ? msg : "");
  std::abort();
}

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  assertion_failed_msg(expr, nullptr, function, file, line);
}

}  // namespace boost
