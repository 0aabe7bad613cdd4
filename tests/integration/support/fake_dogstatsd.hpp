// A fake DogStatsD for integration tests: a datagram socket on loopback UDP (any free port) or
// on a unix datagram socket path, read by the test's own thread. It keeps every datagram and
// splits them into messages (`name:value[:value…]|type[|@rate][|#tags]`). Header-only.
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace srelab::testing {

struct DogStatsdMessage {
  std::string name;
  std::vector<double> values;
  std::string type;  // "c", "g", "d"…
  std::optional<double> rate;
  std::string tags;  // after "|#", as sent
};

// Empty name when the line is not `name:value…|type…`.
inline DogStatsdMessage parse_dogstatsd_line(const std::string& line) {
  DogStatsdMessage message;
  const auto colon = line.find(':');
  const auto bar = line.find('|');
  if (colon == std::string::npos || bar == std::string::npos || colon > bar) return message;
  std::istringstream values(line.substr(colon + 1, bar - colon - 1));
  for (std::string value; std::getline(values, value, ':');) {
    try {
      message.values.push_back(std::stod(value));
    } catch (const std::exception&) {
      return message;
    }
  }
  std::istringstream fields(line.substr(bar + 1));
  std::getline(fields, message.type, '|');
  for (std::string field; std::getline(fields, field, '|');) {
    if (field.starts_with("@")) message.rate = std::stod(field.substr(1));
    if (field.starts_with("#")) message.tags = field.substr(1);
  }
  message.name = line.substr(0, colon);
  return message;
}

class FakeDogStatsd {
 public:
  // On 127.0.0.1, a free UDP port.
  FakeDogStatsd() : udp_(context_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    udp_.non_blocking(true);
  }
  // On a unix datagram socket at `path` (replaced if it exists).
  explicit FakeDogStatsd(std::string path)
      : udp_(context_), unix_(context_), path_(std::move(path)) {
    ::unlink(path_.c_str());
    unix_->open();
    unix_->bind(boost::asio::local::datagram_protocol::endpoint(path_));
    unix_->non_blocking(true);
  }
  ~FakeDogStatsd() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  std::uint16_t port() const { return udp_.is_open() ? udp_.local_endpoint().port() : 0; }

  // Reads what arrives within `window` into datagrams().
  void receive_for(std::chrono::milliseconds window) {
    const auto until = std::chrono::steady_clock::now() + window;
    do {
      if (!receive_one()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < until);
  }

  // Reads until `predicate(messages())` holds or `limit` passes.
  template <class Predicate>
  bool receive_until(Predicate predicate, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      while (receive_one()) {
      }
      if (predicate(messages())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return predicate(messages());
  }

  const std::vector<std::string>& datagrams() const { return datagrams_; }

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const std::string& datagram : datagrams_) {
      std::istringstream in(datagram);
      for (std::string line; std::getline(in, line);) out.push_back(line);
    }
    return out;
  }

  std::vector<DogStatsdMessage> messages() const {
    std::vector<DogStatsdMessage> out;
    for (const std::string& line : lines()) out.push_back(parse_dogstatsd_line(line));
    return out;
  }

  // The sum of every value sent for `name` as a count (`|c`), rates applied as the Agent does.
  double count_of(const std::string& name) const {
    double total = 0;
    for (const DogStatsdMessage& message : messages())
      if (message.name == name && message.type == "c")
        for (double value : message.values) total += value / message.rate.value_or(1);
    return total;
  }

 private:
  bool receive_one() {
    char buffer[65536];
    boost::system::error_code ec;
    const std::size_t size = unix_ ? unix_->receive(boost::asio::buffer(buffer), 0, ec)
                                   : udp_.receive(boost::asio::buffer(buffer), 0, ec);
    if (ec) return false;
    datagrams_.emplace_back(buffer, size);
    return true;
  }

  boost::asio::io_context context_;
  boost::asio::ip::udp::socket udp_;
  std::optional<boost::asio::local::datagram_protocol::socket> unix_;
  std::string path_;
  std::vector<std::string> datagrams_;
};

}  // namespace srelab::testing
