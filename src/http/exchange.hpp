// One blocking HTTP/1.1 exchange with a deadline: the experiment runner's admin calls (CTK's
// http provider, the /resilience and /chaos probes, the console's timeline and traces) and the
// lab's readiness checks. One connection per call: a few calls a second, not load (load/ is the
// generator).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace srelab::http {

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

}  // namespace srelab::http
