// A decoded Redis reply (RESP2), as Protocol decodes it from hiredis' reader and
// Client::command returns it. A nil bulk string and a nil array are both Type::nil.
#pragma once

#include <string>
#include <vector>

namespace srelab::redis {

struct Reply {
  enum class Type { nil, string, status, integer, array, error };
  Type type = Type::nil;
  std::string str;              // string, status and error
  long long integer = 0;        // integer
  std::vector<Reply> elements;  // array
};

}  // namespace srelab::redis
