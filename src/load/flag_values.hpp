// Parsers for the load generator's scalar flag values: a duration ("60s", "2m", "500ms", "1.5")
// and the target URL ("http://host:port"). Each returns nullopt for text it rejects; the caller
// (app/load_config) names the flag and prints the accepted form given here, so the wording of
// `--help` and of an error cannot drift apart.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace srelab::load {

inline constexpr std::string_view kDurationForm =
    "a duration like 60s, 2m, 500ms or plain seconds (1.5), more than 0 and at most 24h";
inline constexpr std::string_view kTargetForm = "http://HOST:PORT (only http://; port 1..65535)";

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

struct Target {
  std::string host;
  std::uint16_t port = 80;
  std::string text() const;  // "http://host:port"
};

// "http://host", "http://host:port", an optional trailing "/". https:// and anything with a path,
// query or user info is rejected: the generator speaks plain HTTP/1.1 to one host.
std::optional<Target> parse_target(std::string_view text);

}  // namespace srelab::load
