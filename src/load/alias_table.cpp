#include "load/alias_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace srelab::load {
namespace {

constexpr std::uint64_t kColumn = std::uint64_t{1} << 32;  // a column's mass in units

// Each weight in units, the total exactly n columns: integer arithmetic from here on keeps the
// table's masses exact, where doubles would drift as a heavy index is whittled down n times.
std::vector<std::uint64_t> to_units(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  const double scale = static_cast<double>(kColumn) * static_cast<double>(weights.size()) / total;
  std::vector<std::uint64_t> units(weights.size());
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    units[i] = static_cast<std::uint64_t>(std::llround(weights[i] * scale));
    sum += units[i];
  }
  const auto heaviest = std::max_element(units.begin(), units.end());
  *heaviest += kColumn * weights.size() - sum;  // the rounding residual (wraps as intended)
  return units;
}

}  // namespace

AliasTable::AliasTable(const std::vector<double>& weights) : columns_(weights.size()) {
  std::vector<std::uint64_t> units = to_units(weights);
  std::vector<std::uint32_t> small, large;
  for (std::uint32_t i = 0; i < units.size(); ++i)
    (units[i] < kColumn ? small : large).push_back(i);
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    columns_[s] = {static_cast<std::uint32_t>(units[s]), l};
    units[l] -= kColumn - units[s];
    if (units[l] < kColumn) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // The units sum to exactly n columns, so what is left is large and exactly one column each
  // (a small one left over would mean the sum was short).
  for (std::uint32_t l : large) columns_[l] = {std::numeric_limits<std::uint32_t>::max(), l};
  for (std::uint32_t s : small) columns_[s] = {std::numeric_limits<std::uint32_t>::max(), s};
}

std::vector<double> AliasTable::shares() const {
  std::vector<std::uint64_t> units(columns_.size());
  for (std::uint32_t i = 0; i < columns_.size(); ++i) {
    const Column& column = columns_[i];
    if (column.alias == i) {
      units[i] += kColumn;
      continue;
    }
    units[i] += column.threshold;
    units[column.alias] += kColumn - column.threshold;
  }
  const double total = static_cast<double>(kColumn) * static_cast<double>(columns_.size());
  std::vector<double> out(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) out[i] = static_cast<double>(units[i]) / total;
  return out;
}

}  // namespace srelab::load
