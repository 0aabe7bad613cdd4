// A fake Datadog trace agent for integration tests: a Beast HTTP/1.1 server on loopback in its
// own thread that records every request (method, target, lowercase headers, body) and answers
// with a configurable status, headers, body and delay (default 200
// {"rate_by_service":{"service:,env:":1}}). stop() closes the listener and every connection, as
// a crashed agent would; start() listens again on the same port. Also here: decoding a recorded
// v0.4 body into TraceChunks, and the checks a strict receiver (dd-apm-test-agent, the agent's
// normalizer) makes on it. Header-only; used by the exporter's and the request path's tests.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "telemetry/msgpack_reader.hpp"
#include "telemetry/span.hpp"
#include "telemetry/trace_id.hpp"

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
  explicit FakeAgent(std::uint16_t port = 0, std::string address = "127.0.0.1")
      : address_(std::move(address)), port_(port) {
    start();
  }
  ~FakeAgent() { stop(); }
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  // Listens again, on the port of the first start. Throws when it cannot bind.
  void start() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (context_) return;
    namespace asio = boost::asio;
    auto context = std::make_unique<asio::io_context>(1);
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(*context);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address_), port_.load());
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen();
    port_ = acceptor->local_endpoint().port();
    asio::co_spawn(*context, accept_loop(*acceptor), asio::detached);
    context_ = std::move(context);
    acceptor_ = std::move(acceptor);
    thread_ = std::thread([context = context_.get()] { context->run(); });
  }

  // Closes the listener and every connection (answers being delayed are never sent).
  void stop() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (!context_) return;
    context_->stop();
    thread_.join();
    acceptor_.reset();
    context_.reset();  // destroys the connections' coroutines, closing their sockets
  }

  bool running() const {
    std::lock_guard lifecycle(lifecycle_mutex_);
    return context_ != nullptr;
  }
  std::uint16_t port() const { return port_.load(); }
  // http://127.0.0.1:PORT (an IPv6 address in brackets)
  std::string url() const {
    const bool v6 = address_.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port());
  }

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
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor) {
    namespace asio = boost::asio;
    for (;;) {
      boost::system::error_code ec;
      asio::ip::tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock(mutex_);
        ++connections_;
      }
      asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
  }

  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      co_await http::async_read(socket, buffer, parser, token);
      if (ec) co_return;
      auto& request = parser.get();
      FakeAgentReply reply;
      {
        std::lock_guard lock(mutex_);
        RecordedRequest recorded;
        recorded.method = std::string(request.method_string());
        recorded.target = std::string(request.target());
        for (const auto& field : request) {
          std::string name(field.name_string());
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          recorded.headers[name] = std::string(field.value());
        }
        recorded.body = request.body();
        requests_.push_back(std::move(recorded));
        reply = reply_;
      }
      recorded_.notify_all();
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(socket.get_executor());
        timer.expires_after(reply.delay);
        co_await timer.async_wait(token);
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/json");
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      co_await http::async_write(socket, response, token);
      if (ec || reply.close_silently || !response.keep_alive()) co_return;
    }
  }

  const std::string address_;
  std::atomic<std::uint16_t> port_;
  mutable std::mutex lifecycle_mutex_;
  std::unique_ptr<boost::asio::io_context> context_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::thread thread_;

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

// Every way `body` (a decoded v0.4 payload) falls short of what a strict receiver accepts: a list
// of lists of maps, each span the 12 keys of reference §1 in dd-trace-cpp's order with exactly
// their wire types (ids uint64, start/duration int64, error int32 0/1, meta str→str, metrics
// str→float64), ids not 0, one trace id per chunk, no empty chunk. Empty when it is fine.
inline std::vector<std::string> v04_violations(const telemetry::MsgpackValue& body) {
  using telemetry::MsgpackValue;
  using telemetry::MsgpackWire;
  static const std::vector<std::string> kKeys{"service", "name",      "resource", "trace_id",
                                              "span_id", "parent_id", "start",    "duration",
                                              "error",   "meta",      "metrics",  "type"};
  const auto is_str = [](const MsgpackValue& v) {
    return v.wire == MsgpackWire::fixstr || v.wire == MsgpackWire::str8 ||
           v.wire == MsgpackWire::str16 || v.wire == MsgpackWire::str32;
  };
  std::vector<std::string> problems;
  if (!body.is_array()) return {"the body is not an array"};
  for (std::size_t t = 0; t < body.array().size(); ++t) {
    const MsgpackValue& trace = body.array()[t];
    const std::string where_trace = "trace " + std::to_string(t);
    if (!trace.is_array()) {
      problems.push_back(where_trace + " is not an array");
      continue;
    }
    if (trace.array().empty()) problems.push_back(where_trace + " is empty");
    std::optional<std::uint64_t> trace_id;
    for (std::size_t s = 0; s < trace.array().size(); ++s) {
      const MsgpackValue& span = trace.array()[s];
      const std::string where = where_trace + " span " + std::to_string(s);
      if (!span.is_map()) {
        problems.push_back(where + " is not a map");
        continue;
      }
      if (span.map().size() != kKeys.size()) {
        problems.push_back(where + " has " + std::to_string(span.map().size()) + " keys");
        continue;
      }
      for (std::size_t k = 0; k < kKeys.size(); ++k) {
        const auto& key = span.map()[k].key;
        if (!is_str(key) || key.str() != kKeys[k]) {
          problems.push_back(where + " key " + std::to_string(k) + " is not " + kKeys[k]);
        }
      }
      const auto expect_wire = [&](const char* key, MsgpackWire wire) {
        const MsgpackValue* v = span.find(key);
        if (v == nullptr || v->wire != wire) {
          problems.push_back(where + " " + key + " is " +
                             (v ? std::string(telemetry::to_string(v->wire)) : "missing") +
                             ", not " + std::string(telemetry::to_string(wire)));
          return false;
        }
        return true;
      };
      for (const char* key : {"service", "name", "resource", "type"}) {
        const MsgpackValue* v = span.find(key);
        if (v == nullptr || !is_str(*v)) problems.push_back(where + " " + key + " is not a string");
      }
      for (const char* key : {"trace_id", "span_id", "parent_id"}) {
        expect_wire(key, MsgpackWire::uint64);
      }
      if (expect_wire("trace_id", MsgpackWire::uint64)) {
        const auto id = std::get<std::uint64_t>(span.find("trace_id")->data);
        if (id == 0) problems.push_back(where + " trace_id is 0");
        if (trace_id && *trace_id != id) problems.push_back(where + " is from another trace");
        trace_id = trace_id.value_or(id);
      }
      if (expect_wire("span_id", MsgpackWire::uint64) &&
          std::get<std::uint64_t>(span.find("span_id")->data) == 0) {
        problems.push_back(where + " span_id is 0");
      }
      expect_wire("start", MsgpackWire::int64);
      expect_wire("duration", MsgpackWire::int64);
      if (expect_wire("error", MsgpackWire::int32)) {
        const auto error = std::get<std::int64_t>(span.find("error")->data);
        if (error != 0 && error != 1) problems.push_back(where + " error is not 0 or 1");
      }
      const MsgpackValue* meta = span.find("meta");
      if (meta == nullptr || !meta->is_map()) {
        problems.push_back(where + " meta is not a map");
      } else {
        for (const auto& e : meta->map()) {
          if (!is_str(e.key) || !is_str(e.value))
            problems.push_back(where + " meta entry not str→str");
        }
      }
      const MsgpackValue* metrics = span.find("metrics");
      if (metrics == nullptr || !metrics->is_map()) {
        problems.push_back(where + " metrics is not a map");
      } else {
        for (const auto& e : metrics->map()) {
          if (!is_str(e.key) || e.value.wire != MsgpackWire::float64) {
            problems.push_back(where + " metrics entry not str→float64");
          }
        }
      }
    }
  }
  return problems;
}

// A v0.4 body back into chunks (trace_id.high from the chunk's meta _dd.p.tid), or nullopt when it
// does not decode or a field has the wrong type; run v04_violations() for the exact wire formats.
inline std::optional<std::vector<telemetry::TraceChunk>> decode_v04(std::string_view body) {
  using telemetry::MsgpackValue;
  const auto decoded = telemetry::msgpack_decode(body);
  if (!decoded || !decoded->is_array()) return std::nullopt;
  const auto text = [](const MsgpackValue* v) -> std::optional<std::string> {
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return v->str();
  };
  const auto u64 = [](const MsgpackValue* v) -> std::optional<std::uint64_t> {
    if (v == nullptr || !std::holds_alternative<std::uint64_t>(v->data)) return std::nullopt;
    return std::get<std::uint64_t>(v->data);
  };
  const auto i64 = [](const MsgpackValue* v) -> std::optional<std::int64_t> {
    if (v == nullptr) return std::nullopt;
    if (std::holds_alternative<std::int64_t>(v->data)) return std::get<std::int64_t>(v->data);
    return std::nullopt;
  };
  std::vector<telemetry::TraceChunk> traces;
  for (const MsgpackValue& trace : decoded->array()) {
    if (!trace.is_array()) return std::nullopt;
    telemetry::TraceChunk chunk;
    for (const MsgpackValue& value : trace.array()) {
      if (!value.is_map()) return std::nullopt;
      telemetry::SpanData span;
      const auto service = text(value.find("service"));
      const auto name = text(value.find("name"));
      const auto resource = text(value.find("resource"));
      const auto type = text(value.find("type"));
      const auto trace_id = u64(value.find("trace_id"));
      const auto span_id = u64(value.find("span_id"));
      const auto parent_id = u64(value.find("parent_id"));
      const auto start = i64(value.find("start"));
      const auto duration = i64(value.find("duration"));
      const auto error = i64(value.find("error"));
      const MsgpackValue* meta = value.find("meta");
      const MsgpackValue* metrics = value.find("metrics");
      if (!service || !name || !resource || !type || !trace_id || !span_id || !parent_id ||
          !start || !duration || !error || meta == nullptr || !meta->is_map() ||
          metrics == nullptr || !metrics->is_map()) {
        return std::nullopt;
      }
      span.service = *service;
      span.name = *name;
      span.resource = *resource;
      span.type = *type;
      span.trace_id.low = *trace_id;
      span.span_id = *span_id;
      span.parent_id = *parent_id;
      span.start = *start;
      span.duration = *duration;
      span.error = static_cast<std::int32_t>(*error);
      for (const auto& e : meta->map()) {
        if (!e.key.is_string() || !e.value.is_string()) return std::nullopt;
        span.meta.set(e.key.str(), e.value.str());
      }
      for (const auto& e : metrics->map()) {
        if (!e.key.is_string() || !std::holds_alternative<double>(e.value.data)) {
          return std::nullopt;
        }
        span.metrics.set(e.key.str(), std::get<double>(e.value.data));
      }
      chunk.push_back(std::move(span));
    }
    // The high half travels once, on the local root; every span of the chunk shares it.
    std::uint64_t high = 0;
    for (const auto& span : chunk) {
      const auto it = span.meta.find(telemetry::kTraceIdHighTag);
      if (it == span.meta.end()) continue;
      if (const auto parsed = telemetry::parse_hex16(it->second)) high = *parsed;
    }
    for (auto& span : chunk) span.trace_id.high = high;
    traces.push_back(std::move(chunk));
  }
  return traces;
}

}  // namespace srelab::testing
