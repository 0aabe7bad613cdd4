#include "lab/http_get.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

namespace srelab::lab {
namespace {

constexpr std::size_t kMaxAnswer = 1 << 20;  // a readiness answer is a few KiB

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

HttpAnswer http_get(const std::string& host, std::uint16_t port, std::string_view target,
                    std::chrono::milliseconds timeout) {
  const int fd = connect_to(host, port, timeout);
  if (fd < 0) return {};
  const std::string request =
      "GET " + std::string(target) + " HTTP/1.0\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  std::string read;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t got; read.size() < kMaxAnswer && (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
      read.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
  HttpAnswer answer;
  const auto space = read.find(' ');
  const auto end = read.find("\r\n\r\n");
  if (!read.starts_with("HTTP/") || space == std::string::npos || end == std::string::npos)
    return answer;
  std::from_chars(read.data() + space + 1, read.data() + std::min(space + 4, read.size()),
                  answer.status);
  answer.body = read.substr(end + 4);
  return answer;
}

}  // namespace srelab::lab
