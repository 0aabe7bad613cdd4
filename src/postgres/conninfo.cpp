#include "postgres/conninfo.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <string_view>

namespace srelab::postgres {
namespace {

struct OptionsFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsFree>;

// The value of `keyword` in `options`; empty when absent or unset.
std::string_view value_of(const PQconninfoOption* options, std::string_view keyword) {
  for (const PQconninfoOption* option = options; option && option->keyword; ++option)
    if (keyword == option->keyword && option->val != nullptr) return option->val;
  return {};
}

// The string's value, else libpq's default (environment, then built in).
std::string_view resolved(const PQconninfoOption* given, const PQconninfoOption* defaults,
                          std::string_view keyword) {
  const std::string_view value = value_of(given, keyword);
  return value.empty() ? value_of(defaults, keyword) : value;
}

std::string_view first_of_list(std::string_view list) {
  return list.substr(0, list.find(','));
}

}  // namespace

std::optional<ConnectionTarget> connection_target(const std::string& conninfo) {
  char* error = nullptr;
  const Options given(PQconninfoParse(conninfo.c_str(), &error));
  if (error != nullptr) PQfreemem(error);
  if (!given) return std::nullopt;
  const Options defaults(PQconndefaults());

  ConnectionTarget target;
  std::string_view host = first_of_list(resolved(given.get(), defaults.get(), "host"));
  if (host.empty()) host = first_of_list(resolved(given.get(), defaults.get(), "hostaddr"));
  target.host = host.empty() ? "localhost" : std::string(host);
  const std::string_view port = first_of_list(resolved(given.get(), defaults.get(), "port"));
  std::uint16_t number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec == std::errc() && end == port.data() + port.size() && number != 0) target.port = number;
  target.user = resolved(given.get(), defaults.get(), "user");
  target.dbname = resolved(given.get(), defaults.get(), "dbname");
  if (target.dbname.empty()) target.dbname = target.user;
  return target;
}

}  // namespace srelab::postgres
