#include "redis/protocol.hpp"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <new>
#include <string>
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

// hiredis 0.14 allocates an array's element table as soon as it reads the announced length, so
// 11 bytes ("*12101121\r\n") would cost ~100 MB before a single element arrived. Its reader has
// no limit of its own (later versions' maxelements), so array creation goes through this check
// first. The client's largest legitimate reply is a SCAN page of at most 1000 keys.
constexpr int kMaxArrayElements = 1 << 16;

// What the refused length was, for the error text (reachable from the reader's privdata).
struct ArrayRefusal {
  long long elements = 0;
};

// hiredis' own functions (copied from a reader's table) with createArray replaced.
struct CappedFunctions {
  redisReplyObjectFunctions table;
  void* (*create_array)(const redisReadTask*, int);
};

void* create_capped_array(const redisReadTask* task, int elements);

CappedFunctions& capped_functions() {
  static CappedFunctions capped = [] {
    std::unique_ptr<redisReader, void (*)(redisReader*)> probe(redisReaderCreate(),
                                                               &redisReaderFree);
    if (!probe) throw std::bad_alloc();
    CappedFunctions made{*probe->fn, probe->fn->createArray};
    made.table.createArray = &create_capped_array;
    return made;
  }();
  return capped;
}

void* create_capped_array(const redisReadTask* task, int elements) {
  if (elements > kMaxArrayElements) {
    if (task->privdata != nullptr) static_cast<ArrayRefusal*>(task->privdata)->elements = elements;
    return nullptr;  // hiredis turns this into a reader error
  }
  return capped_functions().create_array(task, elements);
}

}  // namespace

struct Protocol::Limits : ArrayRefusal {};

void Protocol::make_reader() {
  std::unique_ptr<redisReader, ReaderDeleter> fresh(redisReaderCreate());
  if (!fresh) throw std::bad_alloc();
  fresh->fn = &capped_functions().table;
  limits_->elements = 0;
  fresh->privdata = limits_.get();
  reader_ = std::move(fresh);
}

void Protocol::ReaderDeleter::operator()(redisReader* reader) const {
  redisReaderFree(reader);
}

Protocol::Protocol() : limits_(std::make_unique<Limits>()) {
  make_reader();
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
    error_text_ = limits_->elements > 0
                      ? "a reply announced an array of " + std::to_string(limits_->elements) +
                            " elements, more than the " + std::to_string(kMaxArrayElements) +
                            " this client reads"
                      : std::string(reader_->errstr);
    return errc::protocol_error;
  }
  if (raw == nullptr) return std::optional<Reply>{};
  std::unique_ptr<void, ReplyDeleter> owned(raw);
  return std::optional<Reply>{convert(*static_cast<const redisReply*>(raw))};
}

void Protocol::reset() {
  make_reader();
  outgoing_.clear();
  error_text_.clear();
}

}  // namespace srelab::redis
