// The sans-I/O Redis protocol: hiredis' formatter and reader behind Protocol. No sockets: replies
// are fed as byte strings, in whole or in pieces. (The reconnect backoff: test_core_backoff.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/protocol.hpp"

namespace srelab::redis {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

std::vector<Reply> drain(Protocol& protocol) {
  std::vector<Reply> replies;
  for (;;) {
    auto next = protocol.next_reply();
    EXPECT_TRUE(next.has_value()) << protocol.error_text();
    if (!next || !*next) return replies;
    replies.push_back(std::move(**next));
  }
}

TEST(RedisProtocol, FormatsCommandsAsRespArrays) {
  Protocol protocol;
  ASSERT_TRUE(protocol.append({"GET", "product:42"}));
  EXPECT_EQ(protocol.outgoing(), "*2\r\n$3\r\nGET\r\n$10\r\nproduct:42\r\n");
}

TEST(RedisProtocol, AppendedCommandsQueueUpInOneBuffer) {
  Protocol protocol;
  ASSERT_TRUE(protocol.append({"SET", "k", "v", "EX", "60"}));
  ASSERT_TRUE(protocol.append({"PING"}));
  EXPECT_EQ(protocol.outgoing(),
            "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nEX\r\n$2\r\n60\r\n"
            "*1\r\n$4\r\nPING\r\n");
}

TEST(RedisProtocol, ArgumentsAreBinarySafe) {
  Protocol protocol;
  const std::string value = "a\r\n\0b"s;
  ASSERT_TRUE(protocol.append({"SET", "key with spaces", value}));
  EXPECT_EQ(protocol.outgoing(),
            "*3\r\n$3\r\nSET\r\n$15\r\nkey with spaces\r\n$5\r\na\r\n\0b\r\n"s);
}

TEST(RedisProtocol, ManyArgumentsBeyondTheInlineVector) {
  Protocol protocol;
  std::vector<std::string> storage;
  std::vector<std::string_view> args{"DEL"};
  for (int i = 0; i < 20; ++i) storage.push_back(std::string(1, 'k').append(std::to_string(i)));
  for (const auto& key : storage) args.push_back(key);
  ASSERT_TRUE(protocol.append(std::span<const std::string_view>(args)));
  EXPECT_TRUE(protocol.outgoing().starts_with("*21\r\n$3\r\nDEL\r\n$2\r\nk0\r\n$2\r\nk1\r\n"));
  EXPECT_TRUE(protocol.outgoing().ends_with("$3\r\nk19\r\n"));
}

TEST(RedisProtocol, EmptyCommandIsRejected) {
  Protocol protocol;
  auto appended = protocol.append(std::span<const std::string_view>{});
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error(), errc::invalid_argument);
  EXPECT_FALSE(protocol.has_outgoing());
}

TEST(RedisProtocol, TakeOutgoingHandsOverTheBatchAndStartsANewOne) {
  Protocol protocol;
  ASSERT_TRUE(protocol.append({"PING"}));
  std::string writing = "stale";
  protocol.take_outgoing(writing);
  EXPECT_EQ(writing, "*1\r\n$4\r\nPING\r\n");
  EXPECT_FALSE(protocol.has_outgoing());
  ASSERT_TRUE(protocol.append({"GET", "x"}));
  EXPECT_EQ(protocol.outgoing(), "*2\r\n$3\r\nGET\r\n$1\r\nx\r\n");
  EXPECT_EQ(writing, "*1\r\n$4\r\nPING\r\n");
}

struct DecodeCase {
  std::string name;
  std::string bytes;
  Reply::Type type;
  std::string str;
  long long integer;
};

class RedisProtocolDecode : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(RedisProtocolDecode, DecodesOneReply) {
  const auto& c = GetParam();
  Protocol protocol;
  ASSERT_TRUE(protocol.feed(c.bytes));
  auto replies = drain(protocol);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].type, c.type);
  EXPECT_EQ(replies[0].str, c.str);
  EXPECT_EQ(replies[0].integer, c.integer);
  EXPECT_TRUE(replies[0].elements.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Types, RedisProtocolDecode,
    ::testing::Values(
        DecodeCase{"status", "+OK\r\n", Reply::Type::status, "OK", 0},
        DecodeCase{"bulk", "$5\r\nhello\r\n", Reply::Type::string, "hello", 0},
        DecodeCase{"empty_bulk", "$0\r\n\r\n", Reply::Type::string, "", 0},
        DecodeCase{"binary_bulk", "$4\r\na\r\n\0\r\n"s, Reply::Type::string, "a\r\n\0"s, 0},
        DecodeCase{"nil", "$-1\r\n", Reply::Type::nil, "", 0},
        DecodeCase{"nil_array", "*-1\r\n", Reply::Type::nil, "", 0},
        DecodeCase{"integer", ":1234567890123\r\n", Reply::Type::integer, "", 1234567890123},
        DecodeCase{"negative", ":-7\r\n", Reply::Type::integer, "", -7},
        DecodeCase{"error", "-WRONGTYPE Operation against a key\r\n", Reply::Type::error,
                   "WRONGTYPE Operation against a key", 0}),
    [](const auto& info) { return info.param.name; });

TEST(RedisProtocol, DecodesNestedArrays) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("*3\r\n$1\r\na\r\n:2\r\n*2\r\n$-1\r\n+x\r\n"));
  auto replies = drain(protocol);
  ASSERT_EQ(replies.size(), 1u);
  const Reply& array = replies[0];
  ASSERT_EQ(array.type, Reply::Type::array);
  ASSERT_EQ(array.elements.size(), 3u);
  EXPECT_EQ(array.elements[0].type, Reply::Type::string);
  EXPECT_EQ(array.elements[0].str, "a");
  EXPECT_EQ(array.elements[1].type, Reply::Type::integer);
  EXPECT_EQ(array.elements[1].integer, 2);
  ASSERT_EQ(array.elements[2].type, Reply::Type::array);
  ASSERT_EQ(array.elements[2].elements.size(), 2u);
  EXPECT_EQ(array.elements[2].elements[0].type, Reply::Type::nil);
  EXPECT_EQ(array.elements[2].elements[1].type, Reply::Type::status);
  EXPECT_EQ(array.elements[2].elements[1].str, "x");
}

TEST(RedisProtocol, EmptyArray) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("*0\r\n"));
  auto replies = drain(protocol);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].type, Reply::Type::array);
  EXPECT_TRUE(replies[0].elements.empty());
}

// Everything a pipeline can get back, in order, as one stream.
const std::string pipelined_stream =
    "+OK\r\n"
    "$5\r\nvalue\r\n"
    "$-1\r\n"
    ":42\r\n"
    "-ERR unknown command 'FOO'\r\n"
    "*2\r\n$1\r\na\r\n$-1\r\n"
    "$12\r\nhello\r\nworld\r\n";

void expect_pipelined_replies(const std::vector<Reply>& replies) {
  ASSERT_EQ(replies.size(), 7u);
  EXPECT_EQ(replies[0].type, Reply::Type::status);
  EXPECT_EQ(replies[0].str, "OK");
  EXPECT_EQ(replies[1].type, Reply::Type::string);
  EXPECT_EQ(replies[1].str, "value");
  EXPECT_EQ(replies[2].type, Reply::Type::nil);
  EXPECT_EQ(replies[3].type, Reply::Type::integer);
  EXPECT_EQ(replies[3].integer, 42);
  EXPECT_EQ(replies[4].type, Reply::Type::error);
  EXPECT_EQ(replies[4].str, "ERR unknown command 'FOO'");
  ASSERT_EQ(replies[5].type, Reply::Type::array);
  ASSERT_EQ(replies[5].elements.size(), 2u);
  EXPECT_EQ(replies[5].elements[0].str, "a");
  EXPECT_EQ(replies[5].elements[1].type, Reply::Type::nil);
  EXPECT_EQ(replies[6].type, Reply::Type::string);
  EXPECT_EQ(replies[6].str, "hello\r\nworld");
}

TEST(RedisProtocol, PipelinedRepliesInOneFeedComeOutInOrder) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed(pipelined_stream));
  expect_pipelined_replies(drain(protocol));
}

TEST(RedisProtocol, RepliesSplitByteByByte) {
  Protocol protocol;
  std::vector<Reply> replies;
  for (char byte : pipelined_stream) {
    ASSERT_TRUE(protocol.feed(std::string_view(&byte, 1)));
    for (auto& reply : drain(protocol)) replies.push_back(std::move(reply));
  }
  expect_pipelined_replies(replies);
}

TEST(RedisProtocol, RepliesSplitAtEveryPossiblePoint) {
  for (std::size_t cut = 1; cut < pipelined_stream.size(); ++cut) {
    Protocol protocol;
    std::vector<Reply> replies;
    ASSERT_TRUE(protocol.feed(std::string_view(pipelined_stream).substr(0, cut)));
    for (auto& reply : drain(protocol)) replies.push_back(std::move(reply));
    ASSERT_TRUE(protocol.feed(std::string_view(pipelined_stream).substr(cut)));
    for (auto& reply : drain(protocol)) replies.push_back(std::move(reply));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_pipelined_replies(replies);
  }
}

TEST(RedisProtocol, IncompleteReplyWaitsForMoreBytes) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("$10\r\nhello"));
  auto next = protocol.next_reply();
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->has_value());
  ASSERT_TRUE(protocol.feed("world\r\n"));
  next = protocol.next_reply();
  ASSERT_TRUE(next);
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->str, "helloworld");
}

TEST(RedisProtocol, LargeValueAcrossManyFeeds) {
  const std::string value(100'000, 'v');
  std::string stream = std::to_string(value.size());
  stream.insert(0, 1, '$');
  stream.append("\r\n").append(value).append("\r\n:1\r\n");
  Protocol protocol;
  std::vector<Reply> replies;
  for (std::size_t at = 0; at < stream.size(); at += 4096) {
    ASSERT_TRUE(protocol.feed(std::string_view(stream).substr(at, 4096)));
    for (auto& reply : drain(protocol)) replies.push_back(std::move(reply));
  }
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].str, value);
  EXPECT_EQ(replies[1].integer, 1);
}

TEST(RedisProtocol, GarbageIsAProtocolErrorThatSticks) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("+OK\r\n!what\r\n"));
  auto first = protocol.next_reply();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->str, "OK");
  auto second = protocol.next_reply();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), errc::protocol_error);
  EXPECT_FALSE(protocol.error_text().empty());
  EXPECT_EQ(protocol.feed("+OK\r\n").error(), errc::protocol_error);
  EXPECT_EQ(protocol.next_reply().error(), errc::protocol_error);
}

// Without the limit the reader would allocate the element table (~100 MB here) and wait for
// more bytes (nullopt); with it the announcement alone is the error.
TEST(RedisProtocol, AnArrayLongerThanTheLimitIsAnErrorBeforeAnyElement) {
  for (const char* header : {"*12101121\r\n", "*65537\r\n", "*2\r\n*70000\r\n"}) {
    Protocol protocol;
    ASSERT_TRUE(protocol.feed(header));
    auto reply = protocol.next_reply();
    ASSERT_FALSE(reply) << header;
    EXPECT_EQ(reply.error(), errc::protocol_error);
    EXPECT_NE(protocol.error_text().find("more than the 65536"), std::string::npos)
        << protocol.error_text();
    // reset() gives a reader with the same limit and a clean error.
    protocol.reset();
    ASSERT_TRUE(protocol.feed("*2\r\n:1\r\n:2\r\n"));
    auto replies = drain(protocol);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].elements.size(), 2u);
  }
  // At the limit: accepted, and waits for the elements.
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("*65536\r\n:1\r\n"));
  auto reply = protocol.next_reply();
  ASSERT_TRUE(reply) << protocol.error_text();
  EXPECT_FALSE(reply->has_value());
}

TEST(RedisProtocol, ResetStartsAFreshStream) {
  Protocol protocol;
  ASSERT_TRUE(protocol.append({"PING"}));
  ASSERT_TRUE(protocol.feed("!garbage\r\n"));
  ASSERT_FALSE(protocol.next_reply());
  protocol.reset();
  EXPECT_FALSE(protocol.has_outgoing());
  EXPECT_TRUE(protocol.error_text().empty());
  ASSERT_TRUE(protocol.feed("+PONG\r\n"));
  auto replies = drain(protocol);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].str, "PONG");
}

TEST(RedisProtocol, ResetDropsAHalfReadReply) {
  Protocol protocol;
  ASSERT_TRUE(protocol.feed("$5\r\nhel"));
  protocol.reset();
  ASSERT_TRUE(protocol.feed(":3\r\n"));
  auto replies = drain(protocol);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].type, Reply::Type::integer);
}

}  // namespace
}  // namespace srelab::redis
