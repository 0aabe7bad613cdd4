#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/router.hpp"

// Counts heap allocations, to hold match() to "allocates nothing but the params".
// The replacement pair is matched (malloc/free), but once gtest's `new TestClass` is inlined at
// -O3 GCC 12 sees malloc'd memory reach free through operator delete and warns wrongly.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace srelab::http {
namespace {

Handler noop() {
  return [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

Router make_router() {
  Router router;
  router.add(Verb::get, "/", noop());
  router.add(Verb::get, "/hello", noop());
  router.add(Verb::get, "/items/{id}", noop());
  router.add(Verb::post, "/items/{id}", noop());
  router.add(Verb::get, "/items/special", noop());  // added after the capture: still wins
  router.add(Verb::delete_, "/items/{id}", noop());
  router.add(Verb::get, "/items/{id}/parts/{part}", noop());
  router.add(Verb::get, "/a/{x}/c", noop());
  router.add(Verb::get, "/a/b/{y}", noop());
  router.add(Verb::head, "/only-head", noop());
  return router;
}

struct MatchCase {
  Verb method;
  const char* path;
  RouteMatch::Kind kind;
  const char* route;  // when found
  std::vector<std::pair<std::string, std::string>> params;
  const char* allow;  // when method_not_allowed
};

void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << beast_http::to_string(c.method) << " " << c.path;
}

constexpr auto found = RouteMatch::Kind::found;
constexpr auto not_found = RouteMatch::Kind::not_found;
constexpr auto not_allowed = RouteMatch::Kind::method_not_allowed;

class RouterMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(RouterMatchTest, Matches) {
  const MatchCase& c = GetParam();
  const Router router = make_router();
  const RouteMatch match = router.match(c.method, c.path);
  ASSERT_EQ(match.kind, c.kind);
  if (c.kind == found) {
    ASSERT_NE(match.handler, nullptr);
    EXPECT_EQ(match.route, c.route);
    for (const auto& [name, value] : c.params) EXPECT_EQ(match.params.get(name), value) << name;
    EXPECT_EQ(match.params.get("absent"), "");
  } else {
    EXPECT_EQ(match.handler, nullptr);
  }
  EXPECT_EQ(match.allow, c.kind == not_allowed ? c.allow : "");
}

INSTANTIATE_TEST_SUITE_P(
    Table, RouterMatchTest,
    ::testing::Values(
        MatchCase{Verb::get, "/", found, "/", {}, ""},
        MatchCase{Verb::get, "/hello", found, "/hello", {}, ""},
        MatchCase{Verb::get, "/items/42", found, "/items/{id}", {{"id", "42"}}, ""},
        MatchCase{Verb::post, "/items/abc-7", found, "/items/{id}", {{"id", "abc-7"}}, ""},
        // Literal beats capture, whatever the order the routes were added in.
        MatchCase{Verb::get, "/items/special", found, "/items/special", {}, ""},
        // ...but only among routes of the method asked for.
        MatchCase{Verb::post, "/items/special", found, "/items/{id}", {{"id", "special"}}, ""},
        MatchCase{Verb::get,
                  "/items/7/parts/wheel",
                  found,
                  "/items/{id}/parts/{part}",
                  {{"id", "7"}, {"part", "wheel"}},
                  ""},
        // The first position where the patterns differ decides.
        MatchCase{Verb::get, "/a/b/c", found, "/a/b/{y}", {{"y", "c"}}, ""},
        MatchCase{Verb::get, "/a/z/c", found, "/a/{x}/c", {{"x", "z"}}, ""},
        MatchCase{Verb::head, "/hello", found, "/hello", {}, ""},  // HEAD through GET
        MatchCase{Verb::head, "/only-head", found, "/only-head", {}, ""},
        // Strict: no trailing-slash folding, no empty captures, no prefix matches.
        MatchCase{Verb::get, "/hello/", not_found, "", {}, ""},
        MatchCase{Verb::get, "//hello", not_found, "", {}, ""},
        MatchCase{Verb::get, "/items/", not_found, "", {}, ""},
        MatchCase{Verb::get, "/items", not_found, "", {}, ""},
        MatchCase{Verb::get, "/items/1/parts", not_found, "", {}, ""},
        MatchCase{Verb::get, "/items/1/parts/x/y", not_found, "", {}, ""},
        MatchCase{Verb::get, "/HELLO", not_found, "", {}, ""},
        MatchCase{Verb::get, "/nope", not_found, "", {}, ""},
        MatchCase{Verb::get, "hello", not_found, "", {}, ""},
        MatchCase{Verb::get, "", not_found, "", {}, ""},
        // 405: the Allow list covers every route whose pattern fits, HEAD implied by GET.
        MatchCase{Verb::put, "/hello", not_allowed, "", {}, "GET, HEAD"},
        MatchCase{Verb::patch, "/items/5", not_allowed, "", {}, "GET, POST, DELETE, HEAD"},
        MatchCase{Verb::patch, "/items/special", not_allowed, "", {}, "GET, POST, DELETE, HEAD"},
        MatchCase{Verb::post, "/hello", not_allowed, "", {}, "GET, HEAD"},
        MatchCase{Verb::get, "/only-head", not_allowed, "", {}, "HEAD"},
        MatchCase{Verb::unknown, "/", not_allowed, "", {}, "GET, HEAD"}));

TEST(RouterTest, RejectsMalformedPatterns) {
  Router router;
  for (const char* pattern :
       {"", "hello", "/items/{id", "/items/id}", "/items/{}", "/x{y}", "/{a}{b}", "/a/{b}c"})
    EXPECT_THROW(router.add(Verb::get, pattern, noop()), std::invalid_argument) << pattern;
}

TEST(RouterTest, RejectsRoutesThatCouldNeverBeReached) {
  Router router;
  router.add(Verb::get, "/items/{id}", noop());
  EXPECT_THROW(router.add(Verb::get, "/items/{other}", noop()), std::invalid_argument);
  EXPECT_NO_THROW(router.add(Verb::post, "/items/{other}", noop()));
  EXPECT_NO_THROW(router.add(Verb::get, "/items/{id}/more", noop()));
}

TEST(RouterTest, MatchingAllocatesOnlyTheParams) {
  const Router router = make_router();
  long before = g_allocations;
  RouteMatch literal = router.match(Verb::get, "/items/special");
  EXPECT_EQ(g_allocations - before, 0);

  before = g_allocations;
  RouteMatch missing = router.match(Verb::get, "/no/such/path");
  EXPECT_EQ(g_allocations - before, 0);

  before = g_allocations;
  RouteMatch captured = router.match(Verb::get, "/items/7/parts/wheel");
  EXPECT_EQ(g_allocations - before, 1);  // the params vector, reserved once for both captures
  EXPECT_EQ(captured.params.get("part"), "wheel");
}

TEST(RouterTest, ARouteMayHaveABodyLimitOfItsOwn) {
  Router router = make_router();
  EXPECT_EQ(router.largest_body_limit(), 0u);
  EXPECT_FALSE(router.body_limit(Verb::post, "/items/7"));
  router.add(Verb::post, "/uploads/{name}", noop(), {}, 8 << 20);
  router.add(Verb::put, "/uploads/{name}", noop(), {}, 1024);
  EXPECT_EQ(router.largest_body_limit(), std::size_t{8 << 20});

  long before = g_allocations;
  EXPECT_EQ(router.body_limit(Verb::post, "/uploads/report"), std::size_t{8 << 20});
  EXPECT_EQ(router.body_limit(Verb::put, "/uploads/report"), 1024u);
  EXPECT_EQ(g_allocations - before, 0);
  EXPECT_FALSE(router.body_limit(Verb::delete_, "/uploads/report")) << "no such route";
  EXPECT_FALSE(router.body_limit(Verb::post, "/uploads")) << "no such path";
  EXPECT_FALSE(router.body_limit(Verb::post, "/items/7")) << "a route without one";
}

}  // namespace
}  // namespace srelab::http
