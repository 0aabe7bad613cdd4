#include "http/io_threads.hpp"

#include <pthread.h>

#include <cstdio>
#include <exception>
#include <string>

namespace srelab::http {
namespace {

// Handlers should not throw (coroutines catch where they are spawned); if one does anyway,
// log it and keep the context running rather than lose the thread.
void run_context(boost::asio::io_context& context, std::size_t index) {
  const std::string name = "sre-io-" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.c_str());
  for (;;) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sre-lab: uncaught exception on %s: %s\n", name.c_str(), e.what());
    } catch (...) {
      std::fprintf(stderr, "sre-lab: uncaught non-standard exception on %s\n", name.c_str());
    }
  }
}

}  // namespace

IoThreads::IoThreads(std::size_t count) {
  contexts_.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    // Concurrency hint 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
}

IoThreads::~IoThreads() {
  stop();
  join();
}

void IoThreads::start() {
  if (!threads_.empty()) return;
  guards_.clear();
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    auto& context = *contexts_[i];
    context.restart();
    guards_.push_back(
        std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
            context.get_executor()));
    threads_.emplace_back([&context, i] { run_context(context, i); });
  }
}

void IoThreads::stop() {
  for (auto& guard : guards_) guard->reset();
  for (auto& context : contexts_) context->stop();
}

void IoThreads::join() {
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

}  // namespace srelab::http
