// up's end of the control channel: a Unix stream socket (mode 0600, in the state directory) that
// the services connect to. It is polled from up's one supervising thread, so the handler may
// touch the Supervisor without a lock; lines in, answers and pushed events out (the protocol is
// lab/control_protocol). A stale socket left by a crashed run is replaced; a live one (another
// `up` on the same state directory) is an error. The file is removed when the server goes.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/line_buffer.hpp"

namespace srelab::lab {

class ControlServer {
 public:
  // The answer to one request line; `watch` set: the connection gets every broadcast from now.
  using Handler = std::function<std::string(std::string_view line, bool& watch)>;

  // nullptr with a one-line reason in `error`.
  static std::unique_ptr<ControlServer> open(const std::filesystem::path& path, std::string& error);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Waits up to `timeout` for a connection or a line, and handles what came.
  void poll(std::chrono::milliseconds timeout, const Handler& handler);
  // To every watching connection; one that cannot take the line at once is dropped (a watcher
  // that stopped reading must not stall the supervisor).
  void broadcast(std::string_view line);

  const std::filesystem::path& path() const { return path_; }

 private:
  struct Client {
    int fd = -1;
    gateway::LineBuffer lines{64 * 1024};
    bool watching = false;
    bool closed = false;
  };

  ControlServer(std::filesystem::path path, int fd) : path_(std::move(path)), listen_fd_(fd) {}
  void accept_all();
  void serve(Client& client, const Handler& handler);
  static bool send_all(Client& client, std::string_view data);

  std::filesystem::path path_;
  int listen_fd_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace srelab::lab
