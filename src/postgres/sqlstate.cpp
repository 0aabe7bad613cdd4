#include "postgres/sqlstate.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace srelab::postgres {
namespace {

using Name = std::pair<std::string_view, std::string_view>;

constexpr std::array<Name, 27> kConditions{{
    {"08001", "sqlclient_unable_to_establish_sqlconnection"},
    {"08003", "connection_does_not_exist"},
    {"08006", "connection_failure"},
    {"22012", "division_by_zero"},
    {"22P02", "invalid_text_representation"},
    {"23502", "not_null_violation"},
    {"23503", "foreign_key_violation"},
    {"23505", "unique_violation"},
    {"25P02", "in_failed_sql_transaction"},
    {"28P01", "invalid_password"},
    {"3D000", "invalid_catalog_name"},
    {"40001", "serialization_failure"},
    {"40P01", "deadlock_detected"},
    {"42501", "insufficient_privilege"},
    {"42601", "syntax_error"},
    {"42703", "undefined_column"},
    {"42883", "undefined_function"},
    {"42P01", "undefined_table"},
    {"53100", "disk_full"},
    {"53200", "out_of_memory"},
    {"53300", "too_many_connections"},
    {"55P03", "lock_not_available"},
    {"57014", "query_canceled"},
    {"57P01", "admin_shutdown"},
    {"57P02", "crash_shutdown"},
    {"57P03", "cannot_connect_now"},
    {"XX000", "internal_error"},
}};

constexpr std::array<Name, 21> kClasses{{
    {"01", "warning"},
    {"02", "no_data"},
    {"03", "sql_statement_not_yet_complete"},
    {"08", "connection_exception"},
    {"09", "triggered_action_exception"},
    {"0A", "feature_not_supported"},
    {"21", "cardinality_violation"},
    {"22", "data_exception"},
    {"23", "integrity_constraint_violation"},
    {"25", "invalid_transaction_state"},
    {"28", "invalid_authorization_specification"},
    {"3D", "invalid_catalog_name"},
    {"40", "transaction_rollback"},
    {"42", "syntax_error_or_access_rule_violation"},
    {"53", "insufficient_resources"},
    {"54", "program_limit_exceeded"},
    {"55", "object_not_in_prerequisite_state"},
    {"57", "operator_intervention"},
    {"58", "system_error"},
    {"F0", "config_file_error"},
    {"XX", "internal_error"},
}};

template <std::size_t N>
std::string_view lookup(const std::array<Name, N>& names, std::string_view code) {
  const auto found = std::find_if(names.begin(), names.end(),
                                  [code](const Name& name) { return name.first == code; });
  return found == names.end() ? std::string_view() : found->second;
}

}  // namespace

errc map_sqlstate(std::string_view sqlstate, bool connection_ok) noexcept {
  if (!connection_ok) return errc::db_unavailable;
  // query_canceled: what statement_timeout raises (also a user's pg_cancel_backend).
  if (sqlstate == "57014") return errc::db_timeout;
  // Class 08, connection exception.
  if (sqlstate.starts_with("08")) return errc::db_unavailable;
  // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going down or not up yet,
  // which is an outage of the database, not a fault of this query.
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return errc::db_unavailable;
  }
  // too_many_connections: the server refuses sessions; another try later may work.
  if (sqlstate == "53300") return errc::db_unavailable;
  return errc::db_query_failed;
}

std::string_view sqlstate_condition(std::string_view sqlstate) noexcept {
  if (sqlstate.size() != 5) return {};
  if (const auto name = lookup(kConditions, sqlstate); !name.empty()) return name;
  return lookup(kClasses, sqlstate.substr(0, 2));
}

}  // namespace srelab::postgres
