// A named query: the name is its span resource, metric tag and fault-injection target.
#pragma once

#include <string_view>

namespace srelab::postgres {

struct Query {
  std::string_view name;  // e.g. "product.by_id"
  std::string_view sql;   // parameterized: $1, $2, ...
};

}  // namespace srelab::postgres
