// The few special functions that the verdict statistics (statistics.hpp) stand on: the
// regularized incomplete beta function and its inverse (Clopper-Pearson ends, binomial tails),
// the standard normal distribution (rank-test p-values) and the binomial quantile (which order
// statistics bound a latency quantile). Fast for counts up to 10^9 (the statistics call them with
// the trial counts of a whole experiment) and accurate to ~1e-12 relative on the whole; the
// hardest case, a tail probability of a beta with one parameter near 1 and the other near 10^9,
// keeps ~1e-8 (1e-10 up to 10^8): an absolute error of ~1e-17.
#pragma once

#include <cstdint>

namespace srelab::experiment {

// I_x(a, b) = P(Beta(a, b) <= x), for a, b > 0; x is clamped to [0, 1]. NaN in, NaN out.
double regularized_incomplete_beta(double a, double b, double x);

// The x in [0, 1] with I_x(a, b) = p; p <= 0 gives 0 and p >= 1 gives 1.
double inverse_regularized_incomplete_beta(double a, double b, double p);

// P(Z <= z) and its inverse for a standard normal Z; normal_quantile(0) is -inf, (1) is +inf.
double normal_cdf(double z);
double normal_quantile(double p);

// The smallest k in [0, n] with P(Binomial(n, q) <= k) >= p (R's qbinom), exact: a binary search
// over k on the binomial CDF written as an incomplete beta, so O(log n) evaluations.
std::uint64_t binomial_quantile(std::uint64_t n, double q, double p);

}  // namespace srelab::experiment
