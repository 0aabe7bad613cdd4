// A fake Datadog trace agent for integration tests: a Beast HTTP/1.1 server on loopback in its
// own thread that records every request (method, target, lowercase headers, body) and answers
// with a configurable status, headers, body and delay (default 200
// {"rate_by_service":{"service:,env:":1}}). stop() closes the listener and every connection, as
// a crashed agent would; start() listens again on the same port. It can listen on a unix domain
// socket instead, as the Agent's apm.socket. Recorded v0.4 bodies are read with
// common/strict_v04.hpp. Beast and Asio stay in fake_agent.cpp, compiled once for every test.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/strict_v04.hpp"
#include "telemetry/tracing/span.hpp"
#include "telemetry/tracing/trace_id.hpp"

namespace srelab::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;

  std::string header(std::string name) const {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct FakeAgentReply {
  int status = 200;
  std::string body = R"({"rate_by_service":{"service:,env:":1}})";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Retry-After", "3"}
  std::chrono::milliseconds delay{0};  // before answering (the request is recorded at once)
  bool close_silently = false;  // close the connection after answering, without Connection: close
};

class FakeAgent {
 public:
  // Listens on address:port (0 = any free port) and serves at once.
  explicit FakeAgent(std::uint16_t port = 0, std::string address = "127.0.0.1");
  // Listens on a unix domain socket at `path` (replaced if it exists) and serves at once.
  struct UnixSocket {
    std::string path;
  };
  explicit FakeAgent(UnixSocket socket);
  ~FakeAgent();
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  // Listens again, on the port of the first start. Throws when it cannot bind.
  void start();
  // Closes the listener and every connection (answers being delayed are never sent).
  void stop();
  bool running() const;

  std::uint16_t port() const { return port_.load(); }
  // http://127.0.0.1:PORT (an IPv6 address in brackets), or unix:///path on a socket
  std::string url() const;

  // How every request from now on is answered.
  void set_reply(FakeAgentReply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
  }
  void set_status(int status, std::string body = {}) {
    std::lock_guard lock(mutex_);
    reply_.status = status;
    reply_.body = std::move(body);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  std::size_t connections() const {  // accepted since construction
    std::lock_guard lock(mutex_);
    return connections_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

  // Waits until predicate(requests) holds (checked on every new request) or timeout passes.
  template <class Predicate>
  bool wait_for(Predicate predicate, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return recorded_.wait_for(lock, timeout, [&] { return predicate(requests_); });
  }

 private:
  struct Io;  // the io_context, its thread, the listener and the connections' coroutines

  const std::string address_;
  std::atomic<std::uint16_t> port_;
  const std::string socket_path_;  // non-empty: listening there instead of address_:port_
  mutable std::mutex lifecycle_mutex_;
  std::unique_ptr<Io> io_;

  mutable std::mutex mutex_;
  std::condition_variable recorded_;
  std::vector<RecordedRequest> requests_;
  std::size_t connections_ = 0;
  FakeAgentReply reply_;
};

// ---- v0.4 bodies ----

// The traces in these requests, by their X-Datadog-Trace-Count headers (0 where it is missing).
inline std::size_t traces_received(const std::vector<RecordedRequest>& requests) {
  std::size_t count = 0;
  for (const auto& request : requests) {
    const std::string header = request.header("X-Datadog-Trace-Count");
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), n);
    if (ec == std::errc() && end == header.data() + header.size()) count += n;
  }
  return count;
}

}  // namespace srelab::testing
