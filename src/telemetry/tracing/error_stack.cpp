#include "telemetry/tracing/error_stack.hpp"

#include <cctype>

namespace srelab::telemetry {
namespace {

constexpr std::string_view kProjectNamespace = "srelab::";

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// GCC spells a function as "<return type> <qualified name>(<parameters>)", with templates in
// both; the name is what precedes the first '(' outside angle brackets, from the last space
// outside them.
std::string_view function_name(std::string_view signature) {
  int depth = 0;
  std::size_t name_start = 0;
  for (std::size_t i = 0; i < signature.size(); ++i) {
    const char c = signature[i];
    if (c == '<') ++depth;
    if (c == '>' && depth > 0) --depth;
    if (depth != 0) continue;
    if (c == ' ') name_start = i + 1;
    if (c == '(') return signature.substr(name_start, i - name_start);
  }
  return signature;
}

// The file from the project's top folder on, whatever the build's absolute or relative path.
std::string_view project_path(std::string_view file) {
  std::size_t start = std::string_view::npos;
  for (const std::string_view top : {"src/", "tests/", "bench/"}) {
    const auto at = file.rfind(top);
    if (at == std::string_view::npos || (at > 0 && file[at - 1] != '/')) continue;
    if (start == std::string_view::npos || at > start) start = at;
  }
  return start == std::string_view::npos ? file : file.substr(start);
}

}  // namespace

std::string error_type_name(std::string_view domain, std::string_view words) {
  std::string name(domain);
  name += '.';
  bool word_start = true;
  for (const char c : words) {
    if (!is_word_char(c)) {
      word_start = word_start || c == ' ' || c == '_' || c == '-';
      continue;
    }
    name += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return name;
}

std::string stack_head(std::string_view type, std::string_view message) {
  std::string head(type);
  if (!message.empty()) head.append(": ").append(message);
  return head;
}

void append_frame(std::string& stack, std::string_view text) {
  stack.append("\n    at ").append(text);
}

std::string code_frame(const std::source_location& where) {
  std::string_view name = function_name(where.function_name());
  if (name.starts_with(kProjectNamespace)) name.remove_prefix(kProjectNamespace.size());
  std::string frame(name);
  frame.append(" (").append(project_path(where.file_name()));
  frame.append(":").append(std::to_string(where.line())).append(")");
  return frame;
}

}  // namespace srelab::telemetry
