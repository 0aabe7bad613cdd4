// The admin guard as a middleware layer: open on loopback, 403 with no token configured, 401 with
// a missing or wrong bearer token, through with the right one.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "http/admin_access.hpp"

namespace srelab::http {
namespace {

struct Case {
  const char* name;
  AdminAccess access;
  const char* authorization;  // null: no header
  std::optional<Status> refused;
};

class AdminGuardTest : public ::testing::TestWithParam<Case> {};

TEST_P(AdminGuardTest, AnswersOnlyWhatItRefuses) {
  const Case& c = GetParam();
  Request request{Verb::post, "/chaos/configure", 11};
  if (c.authorization != nullptr) request.set(beast_http::field::authorization, c.authorization);
  RequestContext context{request, "/chaos/configure", "", "/chaos/configure", {}};
  AdminGuard guard(c.access);
  const std::optional<Response> answer = guard.before(context);
  ASSERT_EQ(answer.has_value(), c.refused.has_value());
  if (!answer) return;
  EXPECT_EQ(answer->result(), *c.refused);
  EXPECT_EQ(std::string((*answer)[beast_http::field::www_authenticate]),
            *c.refused == Status::unauthorized ? "Bearer" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AdminGuardTest,
    ::testing::Values(
        Case{"loopback", {"127.0.0.1", ""}, nullptr, std::nullopt},
        Case{"localhost", {"localhost", "t"}, nullptr, std::nullopt},
        Case{"ipv6_loopback", {"::1", ""}, nullptr, std::nullopt},
        Case{"no_token_configured", {"0.0.0.0", ""}, "Bearer x", Status::forbidden},
        Case{"no_header", {"0.0.0.0", "s3cret"}, nullptr, Status::unauthorized},
        Case{"wrong_token", {"0.0.0.0", "s3cret"}, "Bearer s3cres", Status::unauthorized},
        Case{"longer_token", {"0.0.0.0", "s3cret"}, "Bearer s3cret!", Status::unauthorized},
        Case{"other_scheme", {"0.0.0.0", "s3cret"}, "Basic s3cret", Status::unauthorized},
        Case{"right_token", {"0.0.0.0", "s3cret"}, "Bearer s3cret", std::nullopt}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace srelab::http
