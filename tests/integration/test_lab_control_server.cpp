// up's control socket on a real Unix socket: created 0600, a stale file replaced, a live one
// refused, one answer a request line (split across writes or not), events pushed to watchers
// only, and the file removed when the server goes.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "lab/control_server.hpp"

namespace srelab::lab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A blocking client of the socket.
class Client {
 public:
  explicit Client(const fs::path& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    const timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& text) {
    ASSERT_EQ(::write(fd_, text.data(), text.size()), ssize_t(text.size()));
  }
  // One line (without '\n'), or "" when none came within the timeout.
  std::string line(ControlServer& server) {
    std::string out;
    char c = 0;
    for (int i = 0; i < 50; ++i) {
      server.poll(10ms, handler_);
      while (::recv(fd_, &c, 1, MSG_DONTWAIT) == 1) {
        if (c == '\n') return out;
        out.push_back(c);
      }
    }
    return out;
  }

  ControlServer::Handler handler_ = [](std::string_view line, bool& watch) {
    watch = line == "watch";
    return "answer to " + std::string(line) + "\n";
  };

 private:
  int fd_;
  bool connected_ = false;
};

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sre-lab-control-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ControlServerTest, AnswersEachLineAndPushesEventsToWatchersOnly) {
  std::string error;
  auto server = ControlServer::open(dir_ / "control.sock", error);
  ASSERT_TRUE(server) << error;
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "control.sock").c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Client asker(dir_ / "control.sock");
  Client watcher(dir_ / "control.sock");
  ASSERT_TRUE(asker.connected() && watcher.connected());
  asker.send("stat");
  asker.send("us\n");  // a line split across two writes
  EXPECT_EQ(asker.line(*server), "answer to status");
  watcher.send("watch\n");
  EXPECT_EQ(watcher.line(*server), "answer to watch");
  server->broadcast("event one\n");
  EXPECT_EQ(watcher.line(*server), "event one");
  EXPECT_EQ(asker.line(*server), "");  // not watching
  server.reset();
  EXPECT_FALSE(fs::exists(dir_ / "control.sock"));
}

TEST_F(ControlServerTest, AStaleSocketIsReplacedAndALiveOneRefused) {
  std::string error;
  {
    auto first = ControlServer::open(dir_ / "control.sock", error);
    ASSERT_TRUE(first) << error;
    EXPECT_FALSE(ControlServer::open(dir_ / "control.sock", error));
    EXPECT_NE(error.find("another sre-lab up"), std::string::npos) << error;
  }
  // A crashed run leaves the file behind with nobody listening.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", (dir_ / "control.sock").c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
  ASSERT_TRUE(fs::exists(dir_ / "control.sock"));
  auto second = ControlServer::open(dir_ / "control.sock", error);
  ASSERT_TRUE(second) << error;
  Client client(dir_ / "control.sock");
  EXPECT_TRUE(client.connected());
}

TEST_F(ControlServerTest, APathTooLongForASocketIsAClearError) {
  std::string error;
  EXPECT_FALSE(ControlServer::open(dir_ / std::string(120, 'x'), error));
  EXPECT_NE(error.find("shorter --state-dir"), std::string::npos) << error;
}

}  // namespace
}  // namespace srelab::lab
