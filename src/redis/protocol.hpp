// The Redis wire protocol without I/O: commands are formatted (hiredis' redisFormatCommandArgv)
// into one outgoing buffer, received bytes are fed to hiredis' reader and complete replies come
// out in order. Client drives it from its reader and writer coroutines; unit tests drive it with
// byte strings.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/errc.hpp"
#include "redis/reply.hpp"

struct redisReader;

namespace srelab::redis {

class Protocol {
 public:
  Protocol();
  ~Protocol();
  Protocol(const Protocol&) = delete;
  Protocol& operator=(const Protocol&) = delete;

  // Appends one command (its name and arguments, binary-safe) to the outgoing buffer;
  // errc::invalid_argument if args is empty.
  result<void> append(std::span<const std::string_view> args);
  result<void> append(std::initializer_list<std::string_view> args) {
    return append(std::span<const std::string_view>(args.begin(), args.size()));
  }

  // The bytes formatted so far and not yet taken. The writer swaps them into its own buffer
  // so that commands appended during a write go out in the next batch.
  bool has_outgoing() const { return !outgoing_.empty(); }
  const std::string& outgoing() const { return outgoing_; }
  void take_outgoing(std::string& into);

  // Received bytes, in any split. After a protocol error the stream cannot be trusted again:
  // every later call fails with errc::protocol_error until reset().
  result<void> feed(std::string_view bytes);
  // The next complete reply, nullopt when more bytes are needed. An array announcing more than
  // 65,536 elements is a protocol error at once (nothing is allocated for it).
  result<std::optional<Reply>> next_reply();
  const std::string& error_text() const { return error_text_; }

  // A fresh stream for a new connection: unsent commands and buffered bytes are dropped.
  void reset();

 private:
  struct ReaderDeleter {
    void operator()(redisReader* reader) const;
  };
  struct Limits;  // what the reader refused (protocol.cpp)
  void make_reader();

  std::unique_ptr<Limits> limits_;
  std::unique_ptr<redisReader, ReaderDeleter> reader_;
  std::string outgoing_;
  std::string error_text_;
};

}  // namespace srelab::redis
