#include "experiment/document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <charconv>
#include <cstdint>
#include <sstream>
#include <string>

namespace srelab::experiment {

namespace {

// No experiment comes near this many nodes.
constexpr std::size_t kMaxNodes = 200'000;
// YAML caps an implicit key at 1,024 characters as written, and a key written back as JSON may
// take six characters a byte (\u0006): 128 bytes keeps every key readable in both forms.
constexpr std::size_t kMaxKeyBytes = 128;

bool core_bool(std::string_view text, bool& value) {
  static constexpr std::array<std::string_view, 3> yes{"true", "True", "TRUE"};
  static constexpr std::array<std::string_view, 3> no{"false", "False", "FALSE"};
  const auto is = [&](std::string_view word) { return word == text; };
  if (std::any_of(yes.begin(), yes.end(), is)) {
    value = true;
  } else if (std::any_of(no.begin(), no.end(), is)) {
    value = false;
  } else {
    return false;
  }
  return true;
}

Node scalar_node(const std::string& tag, const std::string& value, int line) {
  Node node;
  node.line = line;
  // yaml-cpp gives "?" to a plain scalar only: quoted ones get "!", explicit tags their own.
  if (tag == "?") {
    if (bool flag = false; core_bool(value, flag)) {
      node.kind = Node::Kind::boolean;
      node.scalar = flag;
      return node;
    }
    if (auto number = parse_number(value)) {
      node.kind = Node::Kind::number;
      node.scalar = std::move(*number);
      return node;
    }
  }
  node.kind = Node::Kind::string;
  node.scalar = value;
  return node;
}

std::size_t count_nodes(const Node& node) {
  std::size_t count = 1;
  for (const auto& item : node.items) count += count_nodes(item);
  for (const auto& member : node.members) count += count_nodes(member.value);
  return count;
}

// Builds the tree from yaml-cpp's events. The first error is kept; the events after it only
// finish the document, whose tree is then dropped.
class TreeBuilder final : public YAML::EventHandler {
 public:
  std::optional<Node> root;
  int error_line = 0;
  std::string error;

  bool failed() const { return !error.empty(); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (root) fail(mark.line + 1, "the file holds more than one YAML document ('---' starts one)");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!count(1, mark)) return;
    Node node;
    node.line = mark.line + 1;
    complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || !anchors_[anchor])
      return fail(mark.line + 1, "an alias cannot name a node that contains it");
    if (!count(count_nodes(*anchors_[anchor]), mark)) return;
    Node copy = *anchors_[anchor];
    copy.line = mark.line + 1;
    complete(std::move(copy), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!count(1, mark)) return;
    if (awaiting_key()) return take_key(value, mark.line + 1);
    complete(scalar_node(tag, value, mark.line + 1), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::list, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::object, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    std::optional<std::string> key;  // an object's key whose value is being read
    int key_line = 0;
  };

  void fail(int line, std::string message) {
    if (failed()) return;
    error_line = line;
    error = std::move(message);
  }

  bool awaiting_key() const {
    return !stack_.empty() && stack_.back().node.kind == Node::Kind::object && !stack_.back().key;
  }

  void take_key(const std::string& key, int line) {
    if (key.size() > kMaxKeyBytes)
      return fail(line, "a key longer than " + std::to_string(kMaxKeyBytes) + " bytes");
    Frame& top = stack_.back();
    for (const auto& member : top.node.members)
      if (member.key == key)
        return fail(line, "duplicate key '" + key + "' (first at line " +
                              std::to_string(member.line) + ")");
    top.key = key;
    top.key_line = line;
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    count(1, mark);
    Frame frame;
    frame.node.kind = kind;
    frame.node.line = mark.line + 1;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void close() {
    if (stack_.empty()) return;
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(frame.node), frame.anchor);
  }

  // Aliases copy the node they name, so nested aliases could grow the tree exponentially.
  bool count(std::size_t nodes, const YAML::Mark& mark) {
    nodes_ += nodes;
    if (nodes_ > kMaxNodes) fail(mark.line + 1, "the file expands to too many nodes");
    return !failed();
  }

  void complete(Node node, YAML::anchor_t anchor) {
    if (anchor != 0) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
      anchors_[anchor] = node;
    }
    if (stack_.empty()) {
      if (!root) root = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == Node::Kind::list) return top.node.items.push_back(std::move(node));
    if (!top.key) return fail(node.line, "a key must be text, not a list, an object or null");
    // yaml-cpp marks an empty value at the token after it, often the next line's key.
    if (node.kind == Node::Kind::null) node.line = top.key_line;
    top.node.members.push_back(Member{std::move(*top.key), top.key_line, std::move(node)});
    top.key.reset();
  }

  std::vector<Frame> stack_;
  std::vector<std::optional<Node>> anchors_;
  std::size_t nodes_ = 0;
};

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? — YAML 1.2's core float, the int included.
bool core_number_form(std::string_view text, bool& integer) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  auto exponent = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, exponent);
  if (exponent != std::string_view::npos) {
    std::string_view power = text.substr(exponent + 1);
    if (!power.empty() && (power.front() == '-' || power.front() == '+')) power.remove_prefix(1);
    if (!all_digits(power)) return false;
  }
  auto dot = mantissa.find('.');
  integer = exponent == std::string_view::npos && dot == std::string_view::npos;
  if (dot == std::string_view::npos) return all_digits(mantissa);
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return all_digits(fraction);
  return all_digits(whole) && (fraction.empty() || all_digits(fraction));
}

// A short list of scalars is shown as written ("[2, 1]"); anything longer or nested is "a list".
std::string describe_list(const Node& list) {
  constexpr std::size_t kShort = 60;
  std::string text = "[";
  for (const auto& item : list.items) {
    if (!item.is_scalar()) return "a list";
    text += (text.size() > 1 ? ", " : "") + describe(item);
    if (text.size() > kShort) return "a list";
  }
  return text + "]";
}

}  // namespace

const Node* Node::find(std::string_view key) const {
  for (const auto& member : members)
    if (member.key == key) return &member.value;
  return nullptr;
}

std::string_view Node::text() const {
  if (const auto* string = scalar.if_string()) return *string;
  return {};
}

DocumentResult read_document(std::string_view text) {
  std::istringstream input{std::string(text)};
  TreeBuilder builder;
  DocumentResult result;
  try {
    YAML::Parser parser(input);
    while (!builder.failed() && parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    if (!builder.failed()) {
      result.error_line = e.mark.is_null() ? 0 : e.mark.line + 1;
      result.error = e.msg;
      return result;
    }
  }
  if (builder.failed()) {
    result.error_line = builder.error_line;
    result.error = builder.error;
  } else if (!builder.root) {
    result.error = "the file is empty: an experiment needs at least a title and a method";
  } else {
    result.root = std::move(builder.root);
  }
  return result;
}

std::optional<boost::json::value> parse_number(std::string_view text) {
  bool integer = false;
  if (!core_number_form(text, integer)) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  if (integer) {
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc() && ptr == end) return boost::json::value(value);
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return boost::json::value(value);
}

boost::json::value to_json(const Node& node) {
  switch (node.kind) {
    case Node::Kind::list: {
      boost::json::array array;
      array.reserve(node.items.size());
      for (const auto& item : node.items) array.push_back(to_json(item));
      return array;
    }
    case Node::Kind::object: {
      boost::json::object object;
      object.reserve(node.members.size());
      for (const auto& member : node.members) object[member.key] = to_json(member.value);
      return object;
    }
    default:
      return node.scalar;
  }
}

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::list:
      return describe_list(node);
    case Node::Kind::object:
      return "an object";
    case Node::Kind::null:
      return "null";
    case Node::Kind::string:
      return "'" + std::string(node.text()) + "'";
    default:
      return scalar_text(node.scalar);
  }
}

std::string scalar_text(const boost::json::value& value) {
  if (const auto* string = value.if_string()) return std::string(*string);
  if (const auto* flag = value.if_bool()) return *flag ? "true" : "false";
  if (const auto* integer = value.if_int64()) return std::to_string(*integer);
  if (const auto* unsigned_integer = value.if_uint64()) return std::to_string(*unsigned_integer);
  if (const auto* real = value.if_double()) {
    std::array<char, 32> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), *real);
    return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
  }
  return "null";
}

}  // namespace srelab::experiment
