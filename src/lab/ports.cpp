#include "lab/ports.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace srelab::lab {
namespace {

enum class Bind { ok, taken, unusable };

// Binds a throw-away socket. SO_REUSEADDR is on so that a connection lingering in TIME_WAIT
// (a server we just stopped) does not count as taken: on Linux only a bound or listening
// socket then makes the bind fail.
Bind try_bind(const addrinfo& address) {
  const int fd =
      ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC, address.ai_protocol);
  if (fd < 0) return Bind::unusable;  // e.g. no IPv6 on this machine
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  Bind outcome = Bind::ok;
  if (::bind(fd, address.ai_addr, address.ai_addrlen) != 0) {
    outcome = (errno == EADDRINUSE || errno == EACCES) ? Bind::taken : Bind::unusable;
  }
  ::close(fd);
  return outcome;
}

}  // namespace

bool port_is_free(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0) {
    return false;
  }
  // "localhost" may name both 127.0.0.1 and ::1: free means no address of it is taken and at
  // least one could be bound.
  bool any_bound = false;
  bool any_taken = false;
  for (const addrinfo* a = found; a != nullptr && !any_taken; a = a->ai_next) {
    const Bind outcome = try_bind(*a);
    any_bound = any_bound || outcome == Bind::ok;
    any_taken = outcome == Bind::taken;
  }
  ::freeaddrinfo(found);
  return any_bound && !any_taken;
}

std::uint16_t pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace srelab::lab
