// HAProxy run by the lab for real, without the rest of the lab: the generated configuration is
// one HAProxy 2.6 accepts and serves on (its own 503 as JSON while no service answers), a user's
// file is used as it is, and a bad or missing file is a one-line error. Loopback ports only.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lab/gateway_server.hpp"
#include "lab/ports.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;

// The whole answer to an HTTP/1.0 GET on loopback (the lab module has no HTTP client; HAProxy
// closes the connection after an HTTP/1.0 answer).
std::string get(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, got);
    }
  }
  ::close(fd);
  return answer;
}

class GatewayServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-gateway-server-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    settings_.dir = dir_;
    settings_.config.listen_port = pick_free_port();
    settings_.config.service_port = pick_free_port();  // nothing listens there
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string read(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
  GatewayServerSettings settings_;
};

TEST_F(GatewayServerTest, RunsOnTheGeneratedConfigurationAndStopsByItsPid) {
  GatewayServer gateway(settings_);
  ASSERT_TRUE(gateway.start()) << gateway.last_error();
  EXPECT_TRUE(gateway.running());
  EXPECT_EQ(gateway.config_file(), dir_ / "gateway.cfg");
  EXPECT_NE(read(gateway.config_file()).find("timeout server 5000ms"), std::string::npos);
  EXPECT_EQ(gateway.url(), "http://127.0.0.1:" + std::to_string(settings_.config.listen_port));

  // No service behind it: the gateway's own 503, in the service's JSON shape, with a request id.
  const std::string reply = get(settings_.config.listen_port, "/products/1");
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
  EXPECT_NE(reply.find("{\"error\":\"Service Unavailable\""), std::string::npos) << reply;
  EXPECT_NE(reply.find("x-request-id: "), std::string::npos) << reply;

  gateway.stop();
  EXPECT_FALSE(gateway.running());
  EXPECT_TRUE(port_is_free("127.0.0.1", settings_.config.listen_port));
  EXPECT_NE(read(gateway.log_file()).find("\"status\":503"), std::string::npos)
      << read(gateway.log_file());
}

TEST_F(GatewayServerTest, AUsersFileIsUsedAsItIs) {
  settings_.user_config = dir_ / "mine.cfg";
  std::ofstream(settings_.user_config)
      << "defaults\n  mode http\n  timeout client 5s\n  timeout connect 1s\n"
         "  timeout server 5s\n"
      << "frontend mine\n  bind 127.0.0.1:" << settings_.config.listen_port << "\n"
      << "  http-request return status 200 content-type text/plain string mine\n";
  GatewayServer gateway(settings_);
  ASSERT_TRUE(gateway.start()) << gateway.last_error();
  const std::string reply = get(settings_.config.listen_port, "/");
  EXPECT_EQ(reply.substr(reply.size() - 6), "\r\nmine") << reply;
  EXPECT_FALSE(fs::exists(dir_ / "gateway.cfg")) << "nothing generated";
}

TEST_F(GatewayServerTest, ABadOrMissingFileIsAnError) {
  settings_.user_config = dir_ / "bad.cfg";
  std::ofstream(settings_.user_config) << "frontend broken\n  no-such-keyword here\n";
  GatewayServer bad(settings_);
  EXPECT_FALSE(bad.start());
  EXPECT_NE(bad.last_error().find("haproxy exited during start-up"), std::string::npos)
      << bad.last_error();
  EXPECT_NE(bad.last_error().find("no-such-keyword"), std::string::npos) << bad.last_error();

  settings_.user_config = dir_ / "none.cfg";
  GatewayServer missing(settings_);
  EXPECT_FALSE(missing.start());
  EXPECT_NE(missing.last_error().find("no configuration file"), std::string::npos);
}

}  // namespace
}  // namespace srelab::lab
