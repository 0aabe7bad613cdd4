// The experiment's configuration: CTK's `configuration` object (name → string, number or
// boolean), the two entries sre-lab always has (service_url, load_url), and the --var overrides,
// which keep each entry's type. parse_experiment() reads it before anything else, since every
// other string of the file may name an entry as ${name} (see substitution.hpp).
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "experiment/document.hpp"
#include "experiment/spec_errors.hpp"

namespace srelab::experiment {

inline constexpr std::string_view kDefaultServiceUrl = "http://127.0.0.1:8000";
inline constexpr std::string_view kDefaultLoadUrl = "http://127.0.0.1:8080";

// `node` is the file's `configuration` (nullptr or null: none declared). The result holds the
// declared entries in the file's order, then any built-in entry the file left out.
std::optional<boost::json::object> read_configuration(
    const Node* node, const std::map<std::string, std::string>& vars, SpecErrors& errors);

}  // namespace srelab::experiment
