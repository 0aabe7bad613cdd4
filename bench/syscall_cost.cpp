// What one system call costs on this machine: part of the floor under every network round trip
// the service makes. On the lab's VM a call costs 1-1.7 µs when the machine is quiet and ~3 µs
// when it is busy, many times a bare-metal machine's (README: the cache-miss path).
//   build/release/bench/syscall_cost [iterations, default 200000]
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace {

void report(const char* name, long iterations, const std::function<void()>& call) {
  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) call();
  const std::chrono::duration<double, std::micro> spent =
      std::chrono::steady_clock::now() - started;
  std::printf("%-28s %6.2f µs\n", name, spent.count() / static_cast<double>(iterations));
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  if (iterations <= 0) {
    std::fprintf(stderr, "syscall_cost: iterations must be a whole number > 0\n");
    return 2;
  }
  int pair[2];
  const int epoll = epoll_create1(0);
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0 || epoll < 0) {
    std::perror("syscall_cost");
    return 1;
  }
  report("getppid", iterations, [] { syscall(SYS_getppid); });
  pollfd entry{pair[0], POLLIN, 0};
  report("poll, zero timeout", iterations, [&] { poll(&entry, 1, 0); });
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  report("epoll_ctl add + delete", iterations, [&] {
    epoll_ctl(epoll, EPOLL_CTL_ADD, pair[0], &event);
    epoll_ctl(epoll, EPOLL_CTL_DEL, pair[0], &event);
  });
  epoll_event ready[8];
  report("epoll_wait, zero timeout", iterations, [&] { epoll_wait(epoll, ready, 8, 0); });
  char byte = 0;
  report("send + recv of a byte", iterations, [&] {
    (void)!send(pair[1], &byte, 1, 0);
    (void)!recv(pair[0], &byte, 1, 0);
  });
  close(pair[0]);
  close(pair[1]);
  close(epoll);
  return 0;
}
