// A rejected request input: a body field, a query parameter or the body as a whole, named for the
// person who sent it. The parsers make it (core/json_fields for the settings bodies of chaos/ and
// resilience/, the bulk test's and the console's query strings); only the HTTP edge turns it into
// an answer (http/responses.hpp: 400 for an unusable body, 422 naming the key), so the
// modules below http/ say what was wrong, never which status that is.
#pragma once

#include <string>

namespace srelab {

struct FieldError {
  enum class Kind {
    field,  // one key or value is wrong: `key` names it
    body,   // the body as a whole is unusable (not a JSON object): no key
  };

  std::string key;     // the parameter or field at fault; empty for Kind::body
  std::string detail;  // e.g. "db_failure_rate must be a number in 0..1, got 1.5"
  Kind kind = Kind::field;
};

}  // namespace srelab
