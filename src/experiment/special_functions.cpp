#include "experiment/special_functions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace srelab::experiment {

namespace {

constexpr double kLogSqrtTwoPi = 0.91893853320467274178;
constexpr double kTiny = 1e-300;  // keeps the continued fraction's denominators off zero

// lgamma(z) minus Stirling's approximation (z - 1/2) log z - z + log sqrt(2 pi). Large gamma
// values cancel in the beta function's front factor; taking their Stirling parts out first and
// cancelling those analytically (log_front) keeps ~13 digits where lgamma differences of 10^8
// would keep 8. Below 15 lgamma itself is small enough to subtract; above, the asymptotic series
// is exact to double precision.
double stirling_correction(double z) {
  if (z < 15) return std::lgamma(z) - ((z - 0.5) * std::log(z) - z + kLogSqrtTwoPi);
  const double w = 1 / (z * z);
  return (1.0 / 12 - w * (1.0 / 360 - w * (1.0 / 1260 - w * (1.0 / 1680 - w / 1188)))) / z;
}

// log(x^a (1 - x)^b / B(a, b)). With d = x (a + b) - a, the Stirling terms of B(a, b) combine with
// x^a (1 - x)^b into a log1p(d / a) + b log1p(-d / b): two terms of size ~d that cancel to the
// small exponent of a bell curve, without the huge intermediate logs.
double log_front(double a, double b, double x) {
  const double d = x * (a + b) - a;
  return a * std::log1p(d / a) + b * std::log1p(-d / b) +
         0.5 * (std::log(a) + std::log(b) - std::log(a + b)) - kLogSqrtTwoPi -
         stirling_correction(a) - stirling_correction(b) + stirling_correction(a + b);
}

// The continued fraction for I_x(a, b) (modified Lentz), which converges quickly for
// x < (a + 1) / (a + b + 2): in O(sqrt(max(a, b))) terms at worst, near that switch point.
double beta_continued_fraction(double a, double b, double x) {
  const int max_terms = static_cast<int>(std::min(1000 + 20 * std::sqrt(std::max(a, b)), 1e8));
  const auto guard = [](double v) { return std::abs(v) < kTiny ? kTiny : v; };
  double c = 1;
  double d = 1 / guard(1 - (a + b) * x / (a + 1));
  double h = d;
  for (int m = 1; m <= max_terms; ++m) {
    const double md = m;
    const double even = md * (b - md) * x / ((a - 1 + 2 * md) * (a + 2 * md));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const double odd = -(a + md) * (a + b + md) * x / ((a + 2 * md) * (a + 1 + 2 * md));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1) < 1e-15) break;
  }
  return h;
}

// Where Newton's method starts: the normal approximation of Beta(a, b) when it lands inside
// (0, 1), else the middle (the bisection fallback then finds the way).
double initial_guess(double a, double b, double p) {
  const double mean = a / (a + b);
  const double sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
  const double guess = mean + normal_quantile(p) * sd;
  return guess > 0 && guess < 1 ? guess : 0.5;
}

double evaluate(const double (&coefficients)[8], double r) {  // highest degree last
  double value = 0;
  for (int i = 7; i >= 0; --i) value = value * r + coefficients[i];
  return value;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(x)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The front factor is symmetric (front(a, b, x) = front(b, a, 1 - x)) and is taken from x
  // itself on both sides: through 1 - x, the rounding of a tiny x would be raised to the power a.
  const double front = std::exp(log_front(a, b, x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

// Newton's method on I_x(a, b) - p inside a bracket that every evaluation narrows; a step that
// would leave the bracket bisects instead, so the search cannot diverge on the flat or steep
// stretches of a skewed beta, and converges quadratically once close.
double inverse_regularized_incomplete_beta(double a, double b, double p) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(p)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  double low = 0;
  double high = 1;
  double x = initial_guess(a, b, p);
  for (int i = 0; i < 300; ++i) {
    const double error = regularized_incomplete_beta(a, b, x) - p;
    if (error == 0) return x;
    (error < 0 ? low : high) = x;
    const double density = std::exp(log_front(a, b, x)) / (x * (1 - x));
    double next = x - error / density;
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    if (std::abs(next - x) <= 1e-15 * next || high - low <= 1e-15 * high) return next;
    x = next;
  }
  return x;
}

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// Wichura's AS241 (PPND16): rational approximations in three regions, ~1e-16 relative.
double normal_quantile(double p) {
  static constexpr double a[8] = {
      3.3871328727963666080e0,  1.3314166789178437745e+2, 1.9715909503065514427e+3,
      1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
      3.3430575583588128105e+4, 2.5090809287301226727e+3,
  };
  static constexpr double b[8] = {
      1.00000000000000000000e0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
      5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
      2.8729085735721942674e+4, 5.2264952788528545610e+3,
  };
  static constexpr double c[8] = {
      1.42343711074968357734e0,  4.63033784615654529590e0,  5.76949722146069140550e0,
      3.64784832476320460504e0,  1.27045825245236838258e0,  2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4,
  };
  static constexpr double d[8] = {
      1.00000000000000000000e0,  2.05319162663775882187e0,  1.67638483018380384940e0,
      6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
      5.47593808499534494600e-4, 1.05075007164441684324e-9,
  };
  static constexpr double e[8] = {
      6.65790464350110377720e0,  5.46378491116411436990e0,  1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7,
  };
  static constexpr double f[8] = {
      1.00000000000000000000e0,  5.99832206555887937690e-1,  1.36929880922735805310e-1,
      1.48753612908506148525e-2, 7.86869131145613259100e-4,  1.84631831751005468180e-5,
      1.42151175831644588870e-7, 2.04426310338993978564e-15,
  };
  if (std::isnan(p)) return p;
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * evaluate(a, r) / evaluate(b, r);
  }
  const double r = std::sqrt(-std::log(q < 0 ? p : 1 - p));
  const double value = r <= 5 ? evaluate(c, r - 1.6) / evaluate(d, r - 1.6)
                              : evaluate(e, r - 5) / evaluate(f, r - 5);
  return q < 0 ? -value : value;
}

// P(Binomial(n, q) <= k) = I_{1-q}(n - k, k + 1) for k < n.
std::uint64_t binomial_quantile(std::uint64_t n, double q, double p) {
  if (!(p > 0) || !(q > 0)) return 0;
  if (q >= 1) return n;
  const double nd = static_cast<double>(n);
  std::uint64_t low = 0;
  std::uint64_t high = n;  // the CDF at n is 1 >= p
  while (low < high) {
    const std::uint64_t k = low + (high - low) / 2;
    const double kd = static_cast<double>(k);
    if (regularized_incomplete_beta(nd - kd, kd + 1, 1 - q) >= p) {
      high = k;
    } else {
      low = k + 1;
    }
  }
  return low;
}

}  // namespace srelab::experiment
