#include "lab/http_status.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <charconv>

namespace srelab::lab {
namespace {

// A connected socket with both timeouts set, or -1.
int connect_to(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  const timeval limit{static_cast<time_t>(timeout.count() / 1000),
                      static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  for (const addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

}  // namespace

int http_status(const std::string& host, std::uint16_t port, std::string_view target,
                std::chrono::milliseconds timeout) {
  const int fd = connect_to(host, port, timeout);
  if (fd < 0) return 0;
  const std::string request =
      "GET " + std::string(target) + " HTTP/1.0\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  int status = 0;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    // "HTTP/1.1 200 OK": the status line is all we read.
    std::string line;
    char buffer[256];
    while (line.find("\r\n") == std::string::npos && line.size() < 4096) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      line.append(buffer, static_cast<std::size_t>(got));
    }
    const auto space = line.find(' ');
    if (line.starts_with("HTTP/") && space != std::string::npos && line.size() >= space + 4)
      std::from_chars(line.data() + space + 1, line.data() + space + 4, status);
  }
  ::close(fd);
  return status;
}

}  // namespace srelab::lab
