// How often this machine stalls a runnable thread, and for how long: sleeps 1 ms at a time and
// counts how late each wake-up comes. A stall of 10 ms holds back every request due in it and
// releases them together, which is how two cache misses meet at the database on a lab that sends
// one request every 10 ms (docs/simulation.md, Part 4.2). Run it beside a lab under load:
//   build/release/bench/stall_probe [seconds, default 20]
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

// Upper edges of the lateness classes, in ms; the last class is everything beyond 50 ms.
constexpr std::array<double, 7> kEdges = {0.5, 1, 2, 5, 10, 20, 50};
constexpr double kStallMs = 2;  // a wake-up this late counts as a stall

}  // namespace

int main(int argc, char** argv) {
  double seconds = 20;
  char* rest = nullptr;
  if (argc > 1) seconds = std::strtod(argv[1], &rest);
  if (argc > 2 || (argc > 1 && *rest != '\0') || !(seconds > 0 && seconds <= 3600)) {
    std::fprintf(stderr, "stall_probe: seconds must be a number > 0 and at most 3600\n");
    return 2;
  }
  std::array<long, kEdges.size() + 1> counts{};
  long wakeups = 0;
  double worst_ms = 0;
  long stalls = 0;
  double stalled_ms = 0;  // their lateness, summed
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (auto before = Clock::now(); before < end; ++wakeups) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto after = Clock::now();
    const double late_ms = Ms(after - before).count() - 1.0;
    before = after;
    std::size_t slot = 0;
    while (slot < kEdges.size() && late_ms >= kEdges[slot]) ++slot;
    ++counts[slot];
    if (late_ms > worst_ms) worst_ms = late_ms;
    if (late_ms >= kStallMs) {
      ++stalls;
      stalled_ms += late_ms;
    }
  }
  std::printf("%ld wake-ups in %g s; late by:", wakeups, seconds);
  double lower = 0;
  for (std::size_t slot = 0; slot < counts.size(); ++slot) {
    if (slot < kEdges.size()) {
      std::printf(" %g-%g ms %ld,", lower, kEdges[slot], counts[slot]);
      lower = kEdges[slot];
    } else {
      std::printf(" over %g ms %ld\n", lower, counts[slot]);
    }
  }
  std::printf("stalls of %g ms or more: %.2f a second, %.3f %% of the time; the worst %.1f ms\n",
              kStallMs, stalls / seconds, stalled_ms / (seconds * 1000) * 100, worst_ms);
  return 0;
}
