// What Datadog's Error Tracking reads from an error span besides the flag: error.type (a type
// name: it groups the errors, so no prose), error.message and error.stack. C++ has no cheap stack
// trace, so error.stack is the call path that failed, innermost first, one frame a line under a
// "type: message" head, the way other runtimes print theirs:
//   postgres.InvalidTextRepresentation: chaos: injected database failure
//       at libpq (postgres::Connection::execute)
//       at catalog::PgProductRepository::find (src/catalog/product_repository.cpp:97)
//       at http.request (GET /products/{id})
// The frames are the driver the failing code called, the failing function itself (from
// std::source_location, so a caller names nothing), then one per span it ran under (Span builds
// those: span.hpp). Used by span.cpp and by whoever names an error type.
#pragma once

#include <source_location>
#include <string>
#include <string_view>

namespace srelab::telemetry {

inline constexpr std::string_view kErrorTypeTag = "error.type";
inline constexpr std::string_view kErrorMessageTag = "error.message";
inline constexpr std::string_view kErrorStackTag = "error.stack";

// `domain` "." then `words` in PascalCase, words split at spaces, '_' and '-':
// ("http", "Service Unavailable") → "http.ServiceUnavailable",
// ("postgres", "query_canceled") → "postgres.QueryCanceled". Characters other than letters and
// digits are dropped.
std::string error_type_name(std::string_view domain, std::string_view words);

// The head line of a stack: "type: message" ("type" alone when there is no message).
std::string stack_head(std::string_view type, std::string_view message);
// One frame line (with its leading newline and indent): "\n    at <text>".
void append_frame(std::string& stack, std::string_view text);
// The frame of a function: its qualified name (without the project's namespace, the return type
// or the parameters) and its file from the project's top folder (src/, tests/, bench/) on, with
// the line:
// "catalog::PgProductRepository::find (src/catalog/product_repository.cpp:97)".
std::string code_frame(const std::source_location& where);

}  // namespace srelab::telemetry
