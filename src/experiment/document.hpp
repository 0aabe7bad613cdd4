// An experiment file as a tree of nodes that remember their line, before anything is known about
// what the fields mean. parse_experiment() reads the file into this tree once (yaml-cpp's event
// parser reads YAML and JSON alike), then every later step — substitution, the typed model —
// reads the tree, so that each error can name the line it comes from.
//
// Scalars are typed the way YAML 1.2's core schema types them, and only plain ones: a quoted
// scalar (or one with an explicit tag) is always a string; a plain null/~/empty value is null,
// true/false a boolean, a number written like one a number; anything else is a string. A key
// given twice in one object is an error here, since yaml-cpp would keep both silently.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace srelab::experiment {

struct Member;

struct Node {
  enum class Kind { null, boolean, number, string, list, object };
  Kind kind = Kind::null;
  int line = 0;                 // 1-based
  boost::json::value scalar;    // null, bool, int64 or double, or string
  std::vector<Node> items;      // list
  std::vector<Member> members;  // object, in the file's order

  bool is_scalar() const { return kind != Kind::list && kind != Kind::object; }
  const Node* find(std::string_view key) const;
  std::string_view text() const;  // a string node's value (empty for any other node)
};

struct Member {
  std::string key;
  int line = 0;  // the key's line
  Node value;
};

struct DocumentResult {
  std::optional<Node> root;  // empty on error
  int error_line = 0;        // 0: the error has no line (an empty file)
  std::string error;
};

// Reads one YAML (or JSON) document. An empty file, or one with several documents, is an error.
DocumentResult read_document(std::string_view text);

// A YAML 1.2 core-schema number ("150", "-2", "0.95", "1e3", ".5"): an int64 when written as an
// integer that fits, else a double; nullopt for anything else ("inf", "1_000", "0x10", "").
std::optional<boost::json::value> parse_number(std::string_view text);

// The node as JSON (objects keep the file's order).
boost::json::value to_json(const Node& node);

// How an error message shows a value: 'text', 150, true, null, a list, an object.
std::string describe(const Node& node);

// A scalar's value as text: strings as they are, numbers as written shortest, true/false.
std::string scalar_text(const boost::json::value& value);

}  // namespace srelab::experiment
