// One blocking HTTP/1.1 exchange with a deadline, for the experiment runner's admin calls (CTK's
// http provider, the /resilience and /chaos probes, the console's timeline and traces). One
// connection per call: these are a few calls a second, not load (load/ is the generator).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace srelab::experiment {

struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target;  // path and query, "/" at least
};

// An absolute http:// URL; nullopt for anything else (https, no host, a bad port).
std::optional<HttpUrl> parse_http_url(std::string_view url);

// localhost, 127.0.0.0/8 and ::1: the addresses an experiment may target without --allow-remote.
bool is_loopback_host(std::string_view host);

struct HttpAnswer {
  int status = 0;  // 0 when no answer came (see error)
  std::string body;
  std::string content_type;
  std::string error;  // why there is no answer: refused, timed out, malformed...
  double elapsed_s = 0;
};

HttpAnswer http_exchange(std::string_view method, std::string_view url,
                         const std::map<std::string, std::string>& headers, std::string body,
                         std::chrono::milliseconds timeout);

}  // namespace srelab::experiment
