// The admin guard as a middleware layer, one table: cross-site browser requests refused (403)
// whatever the listen address; on loopback no token but Host limited to loopback, localhost and
// the configured names (421: DNS rebinding); elsewhere 403 with no token configured, 401 with a
// missing or wrong bearer token, through with the right one.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/admin_access.hpp"

namespace srelab::http {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Case {
  const char* name;
  AdminAccess access;
  Headers headers;  // sent as given; no Host unless listed
  std::optional<Status> refused;
  const char* detail_has = "";
};

const AdminAccess kLoopback{"127.0.0.1", "", {}};
const AdminAccess kNamed{"127.0.0.1", "", {"lab.internal", "fd00::1"}};
const AdminAccess kPublic{"0.0.0.0", "s3cret", {}};
const AdminAccess kPublicNoToken{"0.0.0.0", "", {}};

class AdminGuardTest : public ::testing::TestWithParam<Case> {};

TEST_P(AdminGuardTest, AnswersOnlyWhatItRefuses) {
  const Case& c = GetParam();
  Request request{Verb::post, "/chaos/configure", 11};
  for (const auto& [name, value] : c.headers) request.insert(name, value);
  RequestContext context{request, "/chaos/configure", "", "/chaos/configure", {}};
  AdminGuard guard(c.access);
  const std::optional<Response> answer = guard.before(context);
  ASSERT_EQ(answer.has_value(), c.refused.has_value())
      << (answer ? answer->body() : std::string("(went through)"));
  if (!answer) return;
  EXPECT_EQ(answer->result(), *c.refused);
  EXPECT_EQ(std::string((*answer)[beast_http::field::www_authenticate]),
            *c.refused == Status::unauthorized ? "Bearer" : "");
  const auto body = boost::json::parse(answer->body()).as_object();
  EXPECT_EQ(body.at("error").as_string(), beast_http::obsolete_reason(*c.refused));
  EXPECT_NE(std::string(body.at("detail").as_string()).find(c.detail_has), std::string::npos)
      << body.at("detail").as_string();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AdminGuardTest,
    ::testing::Values(
        // ---- loopback: no token; curl and the console pass --------------------------------------
        Case{"curl", kLoopback, {{"Host", "127.0.0.1:8000"}}, std::nullopt},
        Case{"no_host_http10", kLoopback, {}, std::nullopt},
        Case{"localhost_listener", {"localhost", "t", {}}, {{"Host", "localhost:8000"}}, {}},
        Case{"ipv6_listener", {"::1", "", {}}, {{"Host", "[::1]:8000"}}, std::nullopt},
        Case{"host_localhost_any_case", kLoopback, {{"Host", "LocalHost:8000"}}, std::nullopt},
        Case{"host_other_loopback", kLoopback, {{"Host", "127.0.0.2"}}, std::nullopt},
        Case{"host_gateway_port", kLoopback, {{"Host", "127.0.0.1:8080"}}, std::nullopt},
        Case{"same_origin",
             kLoopback,
             {{"Host", "127.0.0.1:8000"},
              {"Origin", "http://127.0.0.1:8000"},
              {"Sec-Fetch-Site", "same-origin"}},
             std::nullopt},
        Case{"same_origin_case_differs",
             kLoopback,
             {{"Host", "LOCALHOST:8000"}, {"Origin", "http://localhost:8000"}},
             std::nullopt},
        Case{"typed_in_address_bar",
             kLoopback,
             {{"Host", "localhost:8000"}, {"Sec-Fetch-Site", "none"}},
             std::nullopt},
        // ---- cross-site: 403 whatever the listener
        // -------------------------------------------------
        Case{"cross_origin",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Origin", "http://evil.example"}},
             Status::forbidden,
             "Origin 'http://evil.example'"},
        Case{"origin_null",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Origin", "null"}},
             Status::forbidden,
             "Origin 'null'"},
        Case{"origin_other_port",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Origin", "http://127.0.0.1:3000"}},
             Status::forbidden},
        Case{"origin_https",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Origin", "https://127.0.0.1:8000"}},
             Status::forbidden},
        Case{"origin_without_host",
             kLoopback,
             {{"Origin", "http://127.0.0.1:8000"}},
             Status::forbidden},
        Case{"second_origin_cross",
             kLoopback,
             {{"Host", "127.0.0.1:8000"},
              {"Origin", "http://127.0.0.1:8000"},
              {"Origin", "http://evil.example"}},
             Status::forbidden},
        Case{"sec_fetch_cross_site",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Sec-Fetch-Site", "cross-site"}},
             Status::forbidden,
             "Sec-Fetch-Site: cross-site"},
        Case{"sec_fetch_same_site",
             kLoopback,
             {{"Host", "127.0.0.1:8000"}, {"Sec-Fetch-Site", "Same-Site"}},
             Status::forbidden},
        Case{"cross_site_with_token",
             kPublic,
             {{"Host", "lab.example"},
              {"Origin", "http://evil.example"},
              {"Authorization", "Bearer s3cret"}},
             Status::forbidden,
             "another origin"},
        // ---- loopback: DNS rebinding -> 421 ----------------------------------------------------
        Case{"rebinding_same_origin",
             kLoopback,
             {{"Host", "evil.example:8000"}, {"Origin", "http://evil.example:8000"}},
             Status::misdirected_request,
             "Host 'evil.example:8000'"},
        Case{"rebinding_curl_shaped",
             kLoopback,
             {{"Host", "evil.example"}},
             Status::misdirected_request,
             "--allowed-host"},
        Case{"host_lan_address",
             kLoopback,
             {{"Host", "192.168.1.5:8000"}},
             Status::misdirected_request},
        Case{"host_localhost_suffix",
             kLoopback,
             {{"Host", "localhost.evil.example"}},
             Status::misdirected_request},
        Case{"host_not_parsable", kLoopback, {{"Host", "a b"}}, Status::misdirected_request},
        Case{"allowed_name", kNamed, {{"Host", "Lab.Internal:8000"}}, std::nullopt},
        Case{"allowed_ipv6", kNamed, {{"Host", "[fd00::1]:8000"}}, std::nullopt},
        Case{"allowed_name_same_origin",
             kNamed,
             {{"Host", "lab.internal:8000"}, {"Origin", "http://lab.internal:8000"}},
             std::nullopt},
        Case{"not_allowed_name",
             kNamed,
             {{"Host", "lab.internal.evil.example"}},
             Status::misdirected_request},
        // ---- other listeners: the token, not Host
        // -------------------------------------------------
        Case{"no_token_configured",
             kPublicNoToken,
             {{"Host", "lab.example"}, {"Authorization", "Bearer x"}},
             Status::forbidden,
             "SRE_LAB_ADMIN_TOKEN"},
        Case{"no_header", kPublic, {{"Host", "lab.example"}}, Status::unauthorized},
        Case{"wrong_token",
             kPublic,
             {{"Host", "lab.example"}, {"Authorization", "Bearer s3cres"}},
             Status::unauthorized},
        Case{"longer_token",
             kPublic,
             {{"Host", "lab.example"}, {"Authorization", "Bearer s3cret!"}},
             Status::unauthorized},
        Case{"other_scheme",
             kPublic,
             {{"Host", "lab.example"}, {"Authorization", "Basic s3cret"}},
             Status::unauthorized},
        Case{"right_token_any_host",
             kPublic,
             {{"Host", "evil.example"}, {"Authorization", "Bearer s3cret"}},
             std::nullopt},
        Case{"right_token_same_origin",
             kPublic,
             {{"Host", "lab.example"},
              {"Origin", "http://lab.example"},
              {"Authorization", "Bearer s3cret"}},
             std::nullopt}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(LoopbackHostTest, KnowsLoopbackAddressesAndLocalhost) {
  for (const char* host : {"127.0.0.1", "127.255.0.9", "::1", "localhost", "LOCALHOST"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "[::1]", "10.0.0.1", "localhost.", "example", ""})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

}  // namespace
}  // namespace srelab::http
