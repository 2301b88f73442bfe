// Engine benchmark: adopter-months per second at 1 and 2 threads for 10^5, 10^6 and 10^7 adopters,
// measured bytes per adopter, and the machine's memory bandwidth (STREAM triad) measured in the same
// run, with the fraction of it the adopter update reaches. Prints a table; asserts nothing.
//
//   cmake --build build --target geosim_bench && build/tests/geosim_bench [--sizes 100000,1000000] [--months 24] [--repeats 3]
#include <malloc.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/series.h"
#include "model/world.h"
#include "scenario/loader.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// Bytes the allocator has handed out and not taken back (heap plus mmapped blocks): measured, so that
/// reused pages count as well as fresh ones.
std::size_t allocated_bytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

/// STREAM triad a = b + s c over arrays far larger than the caches; bytes per second, median of 7.
double triad_bandwidth(int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::size_t n = std::size_t{1} << 25;  // 3 arrays of 256 MiB
  std::vector<double> a(n), b(n, 1.0), c(n, 2.0);
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    auto t0 = Clock::now();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) a[i] = b[i] + 3.0 * c[i];
    });
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    rates.push_back(3.0 * sizeof(double) * static_cast<double>(n) / s);
  }
  if (a[n / 2] != 7.0) std::abort();  // keep the loop honest
  return median(rates);
}

/// Bytes the adopter update must move in a month, from the arrays it reads and writes. Every adopter
/// reads its last model (2), nation (1), sector (1) and signed weight (4) and writes its next model (2)
/// and weight (4): 14. A non-adopter whose draw could still make it adopt (probability min(1, (p+q)/12))
/// walks its neighbours for the Bass term: row offsets (8) and, per neighbour, an index (4) and a
/// signed weight (4). An adopter that reconsiders walks them too, also reading each neighbour's model
/// (2), and reads its own risk sensitivity (4).
double bytes_per_month(double adopters, double using_model, double degree, double revisit_per_month, double max_hazard) {
  const double base = 14;
  const double bass_walk = 8 + 8 * degree;
  const double choice_walk = 8 + 10 * degree + 4;
  return adopters * base + (adopters - using_model) * max_hazard * bass_walk + using_model * revisit_per_month * choice_walk;
}

struct Row {
  long long adopters;
  int threads;
  double rate, bytes_per_adopter_measured, bytes_per_adopter_arrays, moved_per_adopter_month, bandwidth_fraction;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<long long> sizes = {100000, 1000000, 10000000};
  int months = 24, repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--months") months = std::atoi(v.c_str());
    if (a == "--repeats") repeats = std::max(1, std::atoi(v.c_str()));
    if (a == "--sizes") {
      sizes.clear();
      for (std::size_t p = 0; p < v.size();) {
        auto q = v.find(',', p);
        sizes.push_back(std::atoll(v.substr(p, q - p).c_str()));
        p = q == std::string::npos ? v.size() : q + 1;
      }
    }
  }
  const std::string scenario = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";

  std::printf(
      "geosim engine benchmark: scenarios/baseline.yaml, %d months per run, %d runs per row; figures are medians over all\n"
      "timed months of all runs, so that one noisy month or run does not move them\n",
      months, repeats);
  double bw[3] = {0, triad_bandwidth(1), triad_bandwidth(2)};
  std::printf("memory bandwidth (STREAM triad, median of 7): 1 thread %.2f GB/s, 2 threads %.2f GB/s\n\n", bw[1] / 1e9, bw[2] / 1e9);

  std::vector<Row> rows;
  for (long long n : sizes) {
    for (int threads : {1, 2}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
      geosim::ScenarioDef def = geosim::load_scenario(scenario, {{"population.adopters", std::to_string(n), ""}});
      geosim::set_horizon(def, months);
      std::vector<double> rates, moved;
      std::size_t before = 0, after = 0, arrays = 0;
      for (int rep = 0; rep < repeats; ++rep) {
        before = allocated_bytes();
        geosim::World world(def);
        after = allocated_bytes();
        arrays = world.adopter_bytes();
        while (!world.done()) {
          auto t0 = Clock::now();
          world.step();
          double s = std::chrono::duration<double>(Clock::now() - t0).count();
          double using_model = geosim::find_output(world.outputs(), "world", "adopters_using");
          rates.push_back(static_cast<double>(n) / s);
          const double max_hazard = std::min(1.0, (def.behaviour.bass_p + def.behaviour.bass_q) / 12);
          moved.push_back(
              bytes_per_month(static_cast<double>(n), using_model, def.population.degree, def.behaviour.revisit_rate / 12, max_hazard) / s);
        }
      }
      double moved_rate = median(moved);
      Row r{n,
            threads,
            median(rates),
            static_cast<double>(after - before) / static_cast<double>(n),
            static_cast<double>(arrays) / static_cast<double>(n),
            moved_rate / median(rates),
            moved_rate / bw[threads]};
      rows.push_back(r);
    }
  }
  std::printf("%12s %8s %18s %10s %14s %14s %16s %12s\n", "adopters", "threads", "adopter-months/s", "speed-up", "B/adopter", "(arrays)",
              "moved B/ad-month", "of triad bw");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    double speedup = r.threads == 2 && i > 0 ? r.rate / rows[i - 1].rate : 1.0;
    std::printf("%12lld %8d %18.3e %10.2f %14.1f %14.1f %16.1f %11.1f%%\n", r.adopters, r.threads, r.rate, speedup,
                r.bytes_per_adopter_measured, r.bytes_per_adopter_arrays, r.moved_per_adopter_month, 100 * r.bandwidth_fraction);
  }
  return 0;
}
