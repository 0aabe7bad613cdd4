// Writing a JSON string literal by hand, for the places that build JSON text directly (error
// bodies, the product JSON) instead of through a DOM. Besides escaping quotes and control
// characters, bytes that are not UTF-8 become U+FFFD: an error detail often quotes what a client
// sent (a path, a header), and the text must stay valid JSON whatever arrived on the wire.
#pragma once

#include <string>
#include <string_view>

namespace srelab {

// Appends `text` to `out` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);

// A double as the shortest text that reads back as the same value, in fixed notation up to 20
// characters: 0.0009, 86400, 1e+20.
std::string format_number(double value);

}  // namespace srelab

#include <boost/json/value.hpp>

namespace srelab {

// A JSON document as text, like boost::json::serialize but with numbers written the way people
// read them (0.25, 50, 327.78), not Boost 1.81's 2.5E-1.
std::string to_json_text(const boost::json::value& value);

}  // namespace srelab
