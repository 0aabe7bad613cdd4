#include "redis/protocol.hpp"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <new>
#include <vector>

namespace srelab::redis {
namespace {

// Stack space for the argument vectors of ordinary commands (GET, SET ... EX ...), so the
// hot path allocates only hiredis' formatted string.
constexpr std::size_t inline_args = 8;

Reply convert(const redisReply& raw) {
  Reply reply;
  switch (raw.type) {
    case REDIS_REPLY_STRING:
      reply.type = Reply::Type::string;
      reply.str.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_STATUS:
      reply.type = Reply::Type::status;
      reply.str.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_ERROR:
      reply.type = Reply::Type::error;
      reply.str.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = Reply::Type::integer;
      reply.integer = raw.integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = Reply::Type::array;
      reply.elements.reserve(raw.elements);
      for (std::size_t i = 0; i < raw.elements; ++i)
        reply.elements.push_back(convert(*raw.element[i]));
      break;
    default:  // REDIS_REPLY_NIL, and the nil array (*-1), which hiredis also reports as nil
      reply.type = Reply::Type::nil;
      break;
  }
  return reply;
}

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};

}  // namespace

void Protocol::ReaderDeleter::operator()(redisReader* reader) const {
  redisReaderFree(reader);
}

Protocol::Protocol() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

Protocol::~Protocol() = default;

result<void> Protocol::append(std::span<const std::string_view> args) {
  if (args.empty()) return errc::invalid_argument;
  const char* inline_argv[inline_args];
  std::size_t inline_argvlen[inline_args];
  std::vector<const char*> heap_argv;
  std::vector<std::size_t> heap_argvlen;
  const char** argv = inline_argv;
  std::size_t* argvlen = inline_argvlen;
  if (args.size() > inline_args) {
    heap_argv.resize(args.size());
    heap_argvlen.resize(args.size());
    argv = heap_argv.data();
    argvlen = heap_argvlen.data();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    argvlen[i] = args[i].size();
  }
  char* formatted = nullptr;
  const int length =
      redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), argv, argvlen);
  if (length < 0 || formatted == nullptr) throw std::bad_alloc();  // hiredis fails only on OOM
  outgoing_.append(formatted, static_cast<std::size_t>(length));
  redisFreeCommand(formatted);
  return {};
}

void Protocol::take_outgoing(std::string& into) {
  into.clear();
  outgoing_.swap(into);
}

result<void> Protocol::feed(std::string_view bytes) {
  if (reader_->err != 0) return errc::protocol_error;
  if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    error_text_ = reader_->errstr;
    return errc::protocol_error;
  }
  return {};
}

result<std::optional<Reply>> Protocol::next_reply() {
  if (reader_->err != 0) return errc::protocol_error;
  void* raw = nullptr;
  if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
    error_text_ = reader_->errstr;
    return errc::protocol_error;
  }
  if (raw == nullptr) return std::optional<Reply>{};
  std::unique_ptr<void, ReplyDeleter> owned(raw);
  return std::optional<Reply>{convert(*static_cast<const redisReply*>(raw))};
}

void Protocol::reset() {
  std::unique_ptr<redisReader, ReaderDeleter> fresh(redisReaderCreate());
  if (!fresh) throw std::bad_alloc();
  reader_ = std::move(fresh);
  outgoing_.clear();
  error_text_.clear();
}

}  // namespace srelab::redis
