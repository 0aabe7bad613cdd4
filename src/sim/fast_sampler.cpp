#include "sim/fast_sampler.hpp"

namespace srelab::sim {

FastSampler::FastSampler(const Distribution& distribution)
    : distribution_(distribution), constant_(distribution.kind() == Distribution::Kind::constant) {
  if (constant_) {
    table_.assign(1, distribution.mean());
    return;
  }
  table_.resize(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i)
    table_[i] = distribution.quantile(static_cast<double>(i) / static_cast<double>(kPoints));
}

}  // namespace srelab::sim
