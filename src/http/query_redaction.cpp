#include "http/query_redaction.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace srelab::http {
namespace {

constexpr std::array<std::string_view, 21> kSecretNameEndings{
    "password",       "passwd",      "pwd",         "pass",           "passphrase",
    "pass_phrase",    "secret",      "token",       "auth",           "sign",
    "signed",         "signature",   "pword",       "authentication", "authorization",
    "consumerid",     "consumer_id", "consumerkey", "consumer_key",   "consumersecret",
    "consumer_secret"};

constexpr std::array<std::string_view, 5> kKeyPrefixes{"api", "private", "public", "access",
                                                       "secret"};

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "<prefix>[_]key[[_]id]" at the end of `name`: api_key, apikey, access_key_id, secretkeyid.
bool ends_in_key_name(std::string_view name) {
  for (std::string_view id : {"_id", "id"}) {
    if (name.ends_with(id) && name.substr(0, name.size() - id.size()).ends_with("key")) {
      name.remove_suffix(id.size());
      break;
    }
  }
  if (!name.ends_with("key")) return false;
  name.remove_suffix(3);
  if (name.ends_with('_')) name.remove_suffix(1);
  return std::any_of(kKeyPrefixes.begin(), kKeyPrefixes.end(),
                     [name](std::string_view prefix) { return name.ends_with(prefix); });
}

bool secret_name(std::string_view raw_name) {
  const std::string name = lowercase(raw_name);
  return ends_in_key_name(name) ||
         std::any_of(kSecretNameEndings.begin(), kSecretNameEndings.end(),
                     [&name](std::string_view ending) { return name.ends_with(ending); });
}

bool credential_value(std::string_view raw_value) {
  const std::string value = lowercase(raw_value);
  if (value.starts_with("bearer ") || value.starts_with("bearer+") ||
      value.starts_with("bearer%20"))
    return true;
  if (raw_value.starts_with("eyJ") && raw_value.find('.') != std::string_view::npos) return true;
  return value.size() > 4 && value.starts_with("gh") &&
         std::string_view("opsu").find(value[2]) != std::string_view::npos && value[3] == '_';
}

bool secret_parameter(std::string_view parameter) {
  const auto equals = parameter.find('=');
  if (equals == std::string_view::npos) return false;
  return secret_name(parameter.substr(0, equals)) || credential_value(parameter.substr(equals + 1));
}

}  // namespace

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  while (true) {
    const auto amp = query.find('&');
    const std::string_view parameter = query.substr(0, amp);
    out += secret_parameter(parameter) ? kRedacted : parameter;
    if (amp == std::string_view::npos) return out;
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

}  // namespace srelab::http
