#include "lab/control_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace srelab::lab {
namespace {

bool fill_address(const std::filesystem::path& path, sockaddr_un& address) {
  const std::string text = path.string();
  if (text.size() >= sizeof address.sun_path) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return true;
}

// Whether something still listens on the socket file: another `up` on this state directory.
bool answers(const sockaddr_un& address) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool connected =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

std::unique_ptr<ControlServer> ControlServer::open(const std::filesystem::path& path,
                                                   std::string& error) {
  sockaddr_un address{};
  if (!fill_address(path, address)) {
    error = "the control socket path " + path.string() + " is longer than " +
            std::to_string(sizeof address.sun_path - 1) + " bytes: choose a shorter --state-dir";
    return nullptr;
  }
  if (answers(address)) {
    error =
        "another sre-lab up answers on " + path.string() + ": stop it or use another --state-dir";
    return nullptr;
  }
  ::unlink(path.c_str());  // a stale socket of a run that crashed
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return nullptr;
  }
  // Created 0600 from the start (not chmod after bind, which leaves a window): only our user
  // may ask up to kill its servers. up is single-threaded here, so the umask change is ours.
  const mode_t previous = ::umask(0177);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int bind_errno = errno;
  ::umask(previous);
  if (bound != 0 || ::listen(fd, 16) != 0) {
    error =
        "cannot listen on " + path.string() + ": " + std::strerror(bound != 0 ? bind_errno : errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<ControlServer>(new ControlServer(path, fd));
}

ControlServer::~ControlServer() {
  for (auto& client : clients_) ::close(client->fd);
  ::close(listen_fd_);
  ::unlink(path_.c_str());
}

void ControlServer::poll(std::chrono::milliseconds timeout, const Handler& handler) {
  std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
  for (auto& client : clients_) fds.push_back({client->fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) <= 0) return;
  for (std::size_t i = 1; i < fds.size(); ++i)
    if (fds[i].revents != 0) serve(*clients_[i - 1], handler);
  if (fds[0].revents & POLLIN) accept_all();
  std::erase_if(clients_, [](const std::unique_ptr<Client>& client) {
    if (client->closed) ::close(client->fd);
    return client->closed;
  });
}

void ControlServer::accept_all() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    auto client = std::make_unique<Client>();
    client->fd = fd;
    clients_.push_back(std::move(client));
  }
}

void ControlServer::serve(Client& client, const Handler& handler) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(client.fd, buffer, sizeof buffer, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
      client.closed = true;
      return;
    }
    if (got < 0) return;
    client.lines.feed(std::string_view(buffer, static_cast<std::size_t>(got)),
                      [&](std::string_view line) {
                        if (client.closed) return;
                        bool watch = false;
                        const std::string answer = handler(line, watch);
                        if (!send_all(client, answer)) return;
                        client.watching = client.watching || watch;
                      });
  }
}

void ControlServer::broadcast(std::string_view line) {
  for (auto& client : clients_)
    if (client->watching && !client->closed) send_all(*client, line);
}

bool ControlServer::send_all(Client& client, std::string_view data) {
  const ssize_t sent = ::send(client.fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent == static_cast<ssize_t>(data.size())) return true;
  client.closed = true;
  return false;
}

}  // namespace srelab::lab
