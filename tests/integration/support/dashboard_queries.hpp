// The metric references in the query strings of the shipped dashboards and monitors
// (dashboards/), so a test can hold each one against what the service really exposes:
//  - Datadog metric queries: `AGG:NAME{TAGS}[ by {KEYS}][.as_count()|.as_rate()]`, also inside
//    formulas and monitor queries (`percentile(last_5m):p95:NAME{…} > 0.5`);
//  - PromQL: every vector selector `NAME{label="value",…}`, leaving out functions, aggregation
//    operators with their `by (…)` lists, keywords, numbers, durations and range brackets;
//  - Datadog formulas (`100 * hit / (hit + miss)`): the query names they use.
// Tag values are compared the way Datadog stores them (datadog_tag_value).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace srelab::testing {

struct DatadogMetricRef {
  std::string aggregator;          // "avg", "sum", "max", "p95", …
  std::string name;                // "catalog.cache.hit"
  std::vector<std::string> scope;  // the filter's items as written: "service:sre-lab", "$env"
  std::vector<std::string> group_by;
  std::string function;  // "as_count", "as_rate" or empty
};

std::vector<DatadogMetricRef> datadog_metric_refs(std::string_view query);

// A tag value as Datadog keeps it: lowercased; characters other than letters, digits, '_', '-',
// ':', '.' and '/' become '_'; runs of '_' become one; a trailing '_' is dropped.
// "/products/{id}" → "/products/_id".
std::string datadog_tag_value(std::string_view value);

// Whether `pattern` (with '*' matching any run of characters, as in Datadog scopes) matches.
bool glob_matches(std::string_view pattern, std::string_view text);

struct PromMatcher {
  std::string label;
  std::string op;  // "=", "!=", "=~", "!~"
  std::string value;
};

struct PromSelector {
  std::string name;  // empty for a selector written only with braces
  std::vector<PromMatcher> matchers;
};

std::vector<PromSelector> promql_selectors(std::string_view expr);

// Identifiers a Datadog formula uses as query names (function names, numbers left out).
std::vector<std::string> formula_names(std::string_view formula);

}  // namespace srelab::testing
