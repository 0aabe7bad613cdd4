#include "load/zipf_ranks.hpp"

#include <algorithm>
#include <cmath>

namespace srelab::load {
namespace {

std::vector<double> weights(double exponent, std::uint64_t first, std::uint64_t last) {
  std::vector<double> out;
  out.reserve(last - first + 1);
  for (std::uint64_t rank = first; rank <= last; ++rank)
    out.push_back(std::pow(static_cast<double>(rank), -exponent));
  return out;
}

long double sum(const std::vector<double>& values) {
  long double total = 0;
  for (double v : values) total += v;
  return total;
}

}  // namespace

ZipfRanks::ZipfRanks(double exponent, std::uint64_t n)
    : head_(weights(exponent, 1, std::min(n, kHeadRanks))) {
  if (n <= kHeadRanks) return;
  const std::vector<double> tail = weights(exponent, kHeadRanks + 1, n);
  const long double head_total = sum(weights(exponent, 1, kHeadRanks));
  const long double share = head_total / (head_total + sum(tail));
  head_below_ = static_cast<std::uint64_t>(std::ldexp(share, 64));  // share < 1: fits
  tail_.emplace(tail);
}

std::vector<double> ZipfRanks::shares() const {
  std::vector<double> out = head_.shares();
  if (!tail_) return out;
  const double head = std::ldexp(static_cast<double>(head_below_), -64);
  for (double& share : out) share *= head;
  for (double share : tail_->shares()) out.push_back(share * (1 - head));
  return out;
}

}  // namespace srelab::load
