// The query string as a trace may carry it in http.url: secrets never leave. Datadog's tracers
// redact by default whatever their obfuscation pattern matches; this is that rule made simple
// and explicit. A parameter ('&'-separated) is replaced whole by "<redacted>" when
//   - its name ends (case-insensitively) in a word secrets go by: password, passwd, pwd, pass,
//     passphrase, secret, token, auth, authentication, authorization, sign, signed, signature,
//     an {api,private,public,access,secret}key (with '_' or not, and an optional id suffix:
//     api_key, apikey, access_key_id), or consumer_{id,key,secret};
//   - or its value looks like a credential whatever the name: "bearer <…>", a JSON Web Token
//     ("eyJ…" with dots), a GitHub-style token (gh[opsu]_…).
// Other parameters stay as sent. Used by request tracing (http.url).
#pragma once

#include <string>
#include <string_view>

namespace srelab::http {

inline constexpr std::string_view kRedacted = "<redacted>";

// `query` (the text after '?', without it) with its secrets redacted.
std::string redact_query(std::string_view query);

}  // namespace srelab::http
