// A console route whose answer is computed at once (no awaiting), as an http::Handler: the
// console's routes and its Experiments routes share it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <utility>

#include "http/message.hpp"

namespace srelab::console {

// The answer is a named local before co_return: GCC 12 can destroy a temporary in a co_return
// expression twice.
template <class Answer>
http::Handler answer_handler(Answer answer) {
  return [answer = std::move(answer)](
             http::RequestContext& request) -> boost::asio::awaitable<http::Response> {
    http::Response response = answer(request);
    co_return response;
  };
}

}  // namespace srelab::console
