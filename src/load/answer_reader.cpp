#include "load/answer_reader.hpp"

#include <algorithm>

namespace srelab::load {
namespace {

constexpr std::size_t kLongestSource = 64;

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
    ++at;
  return at;
}

}  // namespace

std::string_view find_source(std::string_view body) {
  constexpr std::string_view key = "\"source\"";
  const auto found = body.find(key);
  if (found == std::string_view::npos) return {};
  auto at = skip_spaces(body, found + key.size());
  if (at >= body.size() || body[at] != ':') return {};
  at = skip_spaces(body, at + 1);
  if (at >= body.size() || body[at] != '"') return {};
  const auto end = body.find('"', at + 1);
  if (end == std::string_view::npos || end - at - 1 > kLongestSource) return {};
  return body.substr(at + 1, end - at - 1);
}

std::size_t AnswerReader::on_body_impl(string_view body, error_code&) {
  if (body_.size() < kBodyKept)
    body_.append(body.data(), std::min(body.size(), kBodyKept - body_.size()));
  return body.size();  // the rest is read and discarded
}

}  // namespace srelab::load
