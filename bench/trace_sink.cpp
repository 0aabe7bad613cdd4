// A stand-in Datadog Agent for the telemetry benchmark: takes PUT/POST /v0.4/traces on
// 127.0.0.1, reads and discards each body, answers 200 with sampling rates as the agent does, and
// counts what it got. It does no more than that on purpose: the benchmark measures what tracing
// costs the service, and on a 2-core machine every cycle the receiver spends (a JavaScript one
// spent 0.4-0.9 us per trace, with garbage-collection pauses) is taken from the service too.
// Prints "traces N requests M bytes B" when stopped (SIGTERM, SIGINT).
//   build/release/bench/trace_sink PORT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

namespace {

std::atomic<std::uint64_t> traces{0};
std::atomic<std::uint64_t> requests{0};
std::atomic<std::uint64_t> bytes{0};

constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 39\r\n\r\n"
    "{\"rate_by_service\":{\"service:,env:\":1}}";
constexpr std::string_view kRefusal =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

bool send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// The value of header `name` (lowercase) in `head`, or "".
std::string_view header(std::string_view head, std::string_view name) {
  std::size_t line = head.find("\r\n");
  while (line != std::string_view::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view field = head.substr(start, end - start);
    const std::size_t colon = field.find(':');
    if (colon == name.size()) {
      bool same = true;
      for (std::size_t i = 0; i < colon && same; ++i)
        same = std::tolower(static_cast<unsigned char>(field[i])) == name[i];
      if (same) {
        std::string_view value = field.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        return value;
      }
    }
    line = end;
  }
  return {};
}

std::uint64_t number(std::string_view text) {
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// One keep-alive connection: requests with a Content-Length body (what the exporter sends).
void serve(int fd) {
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  std::string buffer;
  char chunk[64 * 1024];
  for (;;) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    const std::string_view head(buffer.data(), head_end);
    if (!header(head, "transfer-encoding").empty()) {
      send_all(fd, kRefusal);
      return;
    }
    std::uint64_t left = number(header(head, "content-length"));
    traces += number(header(head, "x-datadog-trace-count"));
    bytes += left;
    ++requests;
    const std::size_t buffered = buffer.size() - (head_end + 4);
    if (buffered >= left) {
      buffer.erase(0, head_end + 4 + left);
    } else {
      left -= buffered;
      buffer.clear();
      while (left > 0) {
        const ssize_t got = ::recv(fd, chunk, left < sizeof chunk ? left : sizeof chunk, 0);
        if (got <= 0) return;
        left -= static_cast<std::uint64_t>(got);
      }
    }
    if (!send_all(fd, kAnswer)) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 18126;
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "trace_sink: PORT must be 1-65535\n");
    return 2;
  }
  // Signals wait in main (sigwait); every other thread has them blocked.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 16) != 0) {
    std::perror("trace_sink: 127.0.0.1");
    return 1;
  }
  std::thread([listener] {
    for (;;) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd >= 0) std::thread(serve, fd).detach();
    }
  }).detach();

  int received = 0;
  sigwait(&stop_signals, &received);
  std::printf("traces %llu requests %llu bytes %llu\n",
              static_cast<unsigned long long>(traces.load()),
              static_cast<unsigned long long>(requests.load()),
              static_cast<unsigned long long>(bytes.load()));
  std::fflush(stdout);
  std::_Exit(0);
}
