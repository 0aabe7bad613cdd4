// Comma-separated lists as HTTP fields (RFC 9110 §5.6.1) and list-valued options write them:
// elements split at each ',' with the spaces and tabs around them trimmed. Used by the HTTP
// framing checks (Transfer-Encoding) and by option parsing (--allowed-host).
#pragma once

#include <string_view>
#include <vector>

namespace srelab {

// `text` without the spaces and tabs (HTTP's OWS) at either end.
std::string_view trim_blanks(std::string_view text);

// Every element of `list`, trimmed, in order, empty ones included ("a,,b" gives "a", "", "b"; an
// empty list gives one empty element): the caller decides whether an empty element is an error.
std::vector<std::string_view> split_comma_list(std::string_view list);

}  // namespace srelab
