// A decoded Redis reply (RESP2).
#pragma once

#include <string>
#include <vector>

namespace srelab::redis {

struct Reply {
  enum class Type { nil, string, status, integer, array, error };
  Type type = Type::nil;
  std::string str;          // string, status and error
  long long integer = 0;    // integer
  std::vector<Reply> elements;  // array
};

}  // namespace srelab::redis
