// A named query: the name is its span resource, metric tag and fault-injection target.
// With a statement name, the query is prepared on each connection the first time it runs there
// (so again after every reconnect) and executed by that name from then on: the server parses
// and plans it once per connection instead of once per call.
#pragma once

#include <string_view>

namespace srelab::postgres {

struct Query {
  std::string_view name;  // e.g. "product.by_id"
  std::string_view sql;   // parameterized: $1, $2, ...
  // The prepared statement's name on the server, unique per SQL text; empty: sent unprepared.
  std::string_view statement = {};
};

}  // namespace srelab::postgres
