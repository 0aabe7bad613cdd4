// Thread-per-core execution: N io_contexts, each run by its own thread. Objects that are not
// thread-safe (an HTTP session, a Redis connection) live on one context and never leave it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace srelab::http {

class IoThreads {
 public:
  explicit IoThreads(std::size_t count);
  ~IoThreads();  // stops and joins
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t index) { return *contexts_[index]; }

  void start();  // one thread per context; a context keeps running while it has no work
  void stop();   // asks every context to stop
  void join();   // waits for the threads

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<
      std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>>
      guards_;
  std::vector<std::thread> threads_;
};

}  // namespace srelab::http
