// The Redis reply reader (redis/protocol: hiredis' reader behind Protocol::feed/next_reply) on
// bytes from the server. Whatever arrives, the replies do not depend on how the bytes were split
// across reads, and the replies read, written back in RESP2, read back the same.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/check.hpp"
#include "redis/protocol.hpp"

namespace {

using srelab::redis::Protocol;
using srelab::redis::Reply;

struct Outcome {
  std::vector<Reply> replies;
  bool failed = false;  // a protocol error ended the stream
};

// Feeds `bytes` in pieces of the sizes `piece` gives, taking every complete reply after each.
template <class PieceSize>
Outcome read_all(std::string_view bytes, PieceSize piece) {
  Protocol protocol;
  Outcome outcome;
  for (std::size_t at = 0, round = 0; at < bytes.size(); ++round) {
    const std::size_t size = std::min(piece(round), bytes.size() - at);
    if (!protocol.feed(bytes.substr(at, size))) return {std::move(outcome.replies), true};
    at += size;
    for (;;) {
      auto next = protocol.next_reply();
      if (!next) return {std::move(outcome.replies), true};
      if (!*next) break;
      outcome.replies.push_back(std::move(**next));
    }
  }
  return outcome;
}

bool same(const Reply& a, const Reply& b) {
  if (a.type != b.type || a.str != b.str || a.integer != b.integer ||
      a.elements.size() != b.elements.size())
    return false;
  for (std::size_t i = 0; i < a.elements.size(); ++i)
    if (!same(a.elements[i], b.elements[i])) return false;
  return true;
}

bool same(const std::vector<Reply>& a, const std::vector<Reply>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

void write_resp2(const Reply& reply, std::string& out) {
  switch (reply.type) {
    case Reply::Type::nil:
      out += "$-1\r\n";
      break;
    case Reply::Type::string:
      out += "$" + std::to_string(reply.str.size()) + "\r\n" + reply.str + "\r\n";
      break;
    case Reply::Type::status:
      out += "+" + reply.str + "\r\n";
      break;
    case Reply::Type::error:
      out += "-" + reply.str + "\r\n";
      break;
    case Reply::Type::integer:
      out += ":" + std::to_string(reply.integer) + "\r\n";
      break;
    case Reply::Type::array:
      out += "*" + std::to_string(reply.elements.size()) + "\r\n";
      for (const Reply& element : reply.elements) write_resp2(element, out);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Outcome whole = read_all(bytes, [&](std::size_t) { return bytes.size(); });
  const Outcome split = read_all(bytes, [](std::size_t round) { return 1 + round * 7 % 5; });
  FUZZ_CHECK(whole.failed == split.failed, "a protocol error does not depend on the split");
  FUZZ_CHECK(same(whole.replies, split.replies), "the replies do not depend on the split");

  // A status or error line holding "\r\n" cannot be written back as one line: hiredis never
  // reads one, so none should come out.
  std::string written;
  for (const Reply& reply : whole.replies) write_resp2(reply, written);
  const Outcome again = read_all(written, [&](std::size_t) { return written.size(); });
  FUZZ_CHECK(!again.failed, "replies written back in RESP2 read without error");
  FUZZ_CHECK(same(again.replies, whole.replies), "replies written back in RESP2 read the same");
  return 0;
}
