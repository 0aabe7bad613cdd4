// A fixed discrete distribution drawn in constant time (Vose's alias method): n columns of equal
// mass, each split between its own index and one alias. IdDistribution's Zipf draws through it,
// so a draw costs one random number and one table read whatever the number of ranks.
//
// The table is built in integer units of 2^-32 of a column, so what it draws is exact up to the
// rounding of each weight to those units (|error| <= 2^-33 / n, plus the few hundred units of
// rounding residual given to the heaviest index): shares() reads it back for the tests.
#pragma once

#include <cstdint>
#include <vector>

namespace srelab::load {

class AliasTable {
 public:
  // weights: 1 to 2^32 - 1 entries, each finite and >= 0, with a positive sum.
  explicit AliasTable(const std::vector<double>& weights);

  std::size_t size() const { return columns_.size(); }

  // An index in [0, size()) for 64 uniform bits. The high half of bits * n picks the column, the
  // low half is the position inside it: one random number does both, with a bias per column of
  // n / 2^64 at most (a plain bits % n would skew the low columns by n / 2^64 too, but leave no
  // independent bits for the threshold).
  std::uint32_t draw(std::uint64_t bits) const {
    const auto product = static_cast<unsigned __int128>(bits) * columns_.size();
    const auto index = static_cast<std::uint32_t>(product >> 64);
    const auto inside = static_cast<std::uint32_t>(static_cast<std::uint64_t>(product) >> 32);
    const Column& column = columns_[index];
    return inside < column.threshold ? index : column.alias;
  }

  // The probability each index is drawn with, read back from the columns.
  std::vector<double> shares() const;

 private:
  // 8 bytes, so a million ranks stay an 8 MB table. A full column is its own alias.
  struct Column {
    std::uint32_t threshold;  // the column's own mass, in units of 2^-32 of a column
    std::uint32_t alias;
  };

  std::vector<Column> columns_;
};

}  // namespace srelab::load
