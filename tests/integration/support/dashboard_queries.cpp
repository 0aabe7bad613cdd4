#include "support/dashboard_queries.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace srelab::testing {
namespace {

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ',') continue;
    if (std::string item = trim(text.substr(start, i - start)); !item.empty())
      items.push_back(std::move(item));
    start = i + 1;
  }
  return items;
}

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  return at;
}

// The index just past the bracket that closes the one at `open`, quotes respected.
std::size_t past_closing(std::string_view text, std::size_t open) {
  const char opening = text[open];
  const char closing = opening == '(' ? ')' : opening == '[' ? ']' : '}';
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'' || c == '`') {
      const std::size_t end = text.find(c, i + 1);
      if (end == std::string_view::npos) return text.size();
      i = end;
    } else if (c == opening) {
      ++depth;
    } else if (c == closing && --depth == 0) {
      return i + 1;
    }
  }
  return text.size();
}

// `label op "value", …` between braces (without them).
std::vector<PromMatcher> parse_matchers(std::string_view text) {
  static const std::regex matcher(
      R"re(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?)re");
  std::vector<PromMatcher> matchers;
  const std::string copy(text);
  for (auto it = std::sregex_iterator(copy.begin(), copy.end(), matcher);
       it != std::sregex_iterator(); ++it)
    matchers.push_back({(*it)[1].str(), (*it)[2].str(), (*it)[3].str()});
  return matchers;
}

bool is_promql_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 8> keywords{"and",    "or",  "unless", "bool",
                                                            "offset", "inf", "nan",    "atan2"};
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

// Aggregation operators may put their `by (…)` before the parenthesis: `sum by (le) (…)`.
bool is_aggregation(std::string_view word) {
  static constexpr std::array<std::string_view, 12> words{
      "sum",   "avg",    "min",  "max",     "count",        "stddev",
      "group", "stdvar", "topk", "bottomk", "count_values", "quantile"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool takes_label_list(std::string_view word) {
  static constexpr std::array<std::string_view, 6> words{"by",       "without",    "on",
                                                         "ignoring", "group_left", "group_right"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

std::vector<DatadogMetricRef> datadog_metric_refs(std::string_view query) {
  // AGG:NAME{SCOPE}, then an optional " by {KEYS}" and ".as_count()" / ".as_rate()".
  static const std::regex ref(
      R"re(\b(avg|sum|min|max|count|p[0-9]+(?:\.[0-9]+)?):([A-Za-z][A-Za-z0-9_.]*)\{([^}]*)\}(?:\s+by\s+\{([^}]*)\})?(?:\.(as_count|as_rate)\(\))?)re");
  std::vector<DatadogMetricRef> refs;
  const std::string copy(query);
  for (auto it = std::sregex_iterator(copy.begin(), copy.end(), ref); it != std::sregex_iterator();
       ++it) {
    const std::smatch& m = *it;
    refs.push_back(
        {m[1].str(), m[2].str(), split_list(m[3].str()), split_list(m[4].str()), m[5].str()});
  }
  return refs;
}

std::string datadog_tag_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool kept = std::isalnum(static_cast<unsigned char>(lower)) || lower == '_' ||
                      lower == '-' || lower == ':' || lower == '.' || lower == '/';
    const char next = kept ? lower : '_';
    if (next == '_' && !out.empty() && out.back() == '_') continue;
    out += next;
  }
  if (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool glob_matches(std::string_view pattern, std::string_view text) {
  const std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  if (!text.starts_with(pattern.substr(0, star))) return false;
  const std::string_view rest = pattern.substr(star + 1);
  for (std::size_t from = star; from <= text.size(); ++from)
    if (glob_matches(rest, text.substr(from))) return true;
  return false;
}

std::vector<PromSelector> promql_selectors(std::string_view expr) {
  std::vector<PromSelector> selectors;
  std::size_t i = 0;
  while (i < expr.size()) {
    const char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      const std::size_t end = expr.find(c, i + 1);
      i = end == std::string_view::npos ? expr.size() : end + 1;
    } else if (c == '[') {  // a range or subquery: durations and $__rate_interval
      i = past_closing(expr, i);
    } else if (c == '{') {  // a selector without a name
      const std::size_t end = past_closing(expr, i);
      selectors.push_back({"", parse_matchers(expr.substr(i + 1, end - i - 2))});
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (i < expr.size() &&
             (std::isalnum(static_cast<unsigned char>(expr[i])) || expr[i] == '.'))
        ++i;  // 0.95, 5m, 1e3
    } else if (is_ident_start(c)) {
      const std::size_t start = i;
      while (i < expr.size() && is_ident_char(expr[i])) ++i;
      const std::string_view word = expr.substr(start, i - start);
      const std::size_t next = skip_spaces(expr, i);
      if (takes_label_list(word)) {
        if (next < expr.size() && expr[next] == '(') i = past_closing(expr, next);
      } else if ((next < expr.size() && expr[next] == '(') || is_aggregation(word)) {
        // a function or an aggregation operator: its arguments are read as they come
      } else if (!is_promql_keyword(word)) {
        PromSelector selector{std::string(word), {}};
        if (next < expr.size() && expr[next] == '{') {
          const std::size_t end = past_closing(expr, next);
          selector.matchers = parse_matchers(expr.substr(next + 1, end - next - 2));
          i = end;
        }
        selectors.push_back(std::move(selector));
      }
    } else {
      ++i;
    }
  }
  return selectors;
}

std::vector<std::string> formula_names(std::string_view formula) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < formula.size()) {
    if (std::isdigit(static_cast<unsigned char>(formula[i])) || formula[i] == '.') {
      while (i < formula.size() &&
             (std::isalnum(static_cast<unsigned char>(formula[i])) || formula[i] == '.'))
        ++i;
    } else if (std::isalpha(static_cast<unsigned char>(formula[i])) || formula[i] == '_') {
      const std::size_t start = i;
      while (i < formula.size() &&
             (std::isalnum(static_cast<unsigned char>(formula[i])) || formula[i] == '_'))
        ++i;
      if (skip_spaces(formula, i) >= formula.size() || formula[skip_spaces(formula, i)] != '(')
        names.emplace_back(formula.substr(start, i - start));
    } else {
      ++i;
    }
  }
  return names;
}

}  // namespace srelab::testing
