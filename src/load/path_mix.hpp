// The paths a run requests and how often: "/products/{id}:9,/healthz:1" asks for products nine
// times in ten. "{id}" in a path is replaced by a draw from the run's IdDistribution. A comma
// list rather than a repeated flag, because the command line keeps one value a flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"

namespace srelab::load {

inline constexpr std::string_view kPathsForm =
    "PATH[:WEIGHT][,PATH[:WEIGHT]...], each PATH starting with '/', WEIGHT an integer 1..1000000 "
    "(default 1), {id} replaced by a product id";

struct WeightedPath {
  std::string path;
  std::uint32_t weight = 1;
  std::size_t id_at = std::string::npos;  // where "{id}" starts, npos when the path has none
};

class PathMix {
 public:
  // nullopt unless every element is a path starting with '/' (no spaces, no ',') with an
  // optional ":WEIGHT" suffix.
  static std::optional<PathMix> parse(std::string_view text);

  const WeightedPath& pick(Random& random) const;
  bool uses_ids() const;
  const std::vector<WeightedPath>& paths() const { return paths_; }

  // Appends the request target for `path` with `id` in place of "{id}".
  static void append_target(std::string& out, const WeightedPath& path, std::uint64_t id);

 private:
  std::vector<WeightedPath> paths_;
  std::uint64_t total_weight_ = 0;
};

}  // namespace srelab::load
