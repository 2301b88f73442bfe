// Engine benchmark: adopter-months per second at 1 and 2 threads for 10^5, 10^6 and 10^7 adopters,
// measured bytes per adopter, and the machine's memory bandwidth (STREAM triad) measured in the same
// run, with the fraction of it the adopter update reaches. Prints a table; asserts nothing.
//
//   cmake --build build --target geosim_bench && build/tests/geosim_bench [--sizes 100000,1000000] [--threads 1,2] [--months 24]
//                                                                          [--repeats 3] [--scenario FILE] [--turn 4]   (--help: all options)
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/huge_pages.h"
#include "median.h"
#include "model/world.h"
#include "scenario/loader.h"

namespace {

using Clock = std::chrono::steady_clock;

using geosim::bench::median;
using geosim::bench::median_seconds;

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
  const double s = median_seconds(7, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) a[i] = b[i] + 3.0 * c[i];
    });
  });
  if (a[n / 2] != 7.0) std::abort();  // keep the loop honest
  return 3.0 * sizeof(double) * static_cast<double>(n) / s;
}

/// One step of Marsaglia's xorshift64: a cheap stream of numbers that the compiler cannot precompute.
std::uint64_t xorshift(std::uint64_t x) {
  x ^= x << 13, x ^= x >> 7, x ^= x << 17;
  return x;
}

/// Scattered reads: seconds per read of one 4-byte value at a random place in a 256 MiB array (on huge
/// pages), per thread (so that it compares with a thread's time per candidate), with `threads` threads
/// reading at once; the places are independent of each other, so that a core keeps as many in flight
/// as it can. Median of 7.
double random_read_seconds(int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::size_t n = std::size_t{1} << 26, reads = std::size_t{1} << 23;
  std::vector<std::uint32_t> data, places(reads);
  geosim::assign_on_huge_pages(data, n, std::uint32_t{1});  // as the population's arrays are
  std::uint64_t x = 88172645463325252ull;
  for (auto& p : places) p = static_cast<std::uint32_t>((x = xorshift(x)) % n);
  std::atomic<std::uint64_t> total{0};
  const double s = median_seconds(7, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, reads, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
      std::uint64_t sum = 0;
      for (std::size_t i = r.begin(); i != r.end(); ++i) sum += data[places[i]];
      total += sum;
    });
  });
  if (total != 7 * reads) std::abort();  // keep the loop honest
  return s * threads / static_cast<double>(reads);
}

/// How much faster `threads` threads run pure arithmetic than one (xorshift over 64 blocks, no memory
/// traffic; median of 9 rounds, alternating): what the cores themselves allow, for comparison with
/// the update's speed-up.
double compute_speedup(int threads) {
  auto seconds = [](int t) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(t));
    std::vector<std::uint64_t> out(64);
    auto t0 = Clock::now();
    tbb::parallel_for(std::size_t{0}, out.size(), [&](std::size_t b) {
      std::uint64_t x = b + 1;
      for (int i = 0; i < 2'000'000; ++i) x = xorshift(x);
      out[b] = x;
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    for (std::uint64_t x : out)
      if (x == 0) std::abort();  // xorshift never reaches 0 from a nonzero start: keeps the loop honest
    return s;
  };
  std::vector<double> ratios;
  for (int rep = 0; rep < 9; ++rep) ratios.push_back(seconds(1) / seconds(threads));
  return median(ratios);
}

/// Bytes the adopter update must move in a month, from the arrays it reads and writes and what it did
/// that month (World::update_work). Every adopter reads its last model (2) and signed weight (4) and
/// writes its next model (2) and weight (4): 12. Each row of the network it reads costs its offsets (8,
/// when rows differ in length) and, per neighbour, an index (4) and the neighbour's signed weight (4);
/// each adopter that chooses reads its nation (1), sector (1) and risk sensitivity (4), and its
/// neighbours' models (2 each).
double bytes_per_month(double adopters, const geosim::World::UpdateWork& work, double offset_bytes) {
  return 12 * adopters + offset_bytes * static_cast<double>(work.rows) + 8 * static_cast<double>(work.neighbours) +
         6 * static_cast<double>(work.choices) + 2 * static_cast<double>(work.choice_neighbours);
}

struct Row {
  long long adopters;
  long long threads;
  double rate, step_rate, bytes_per_adopter_measured, bytes_per_adopter_arrays, moved_per_adopter_month, triad, bandwidth_fraction;
  // Where the update's time goes (thread-seconds): the pass over every adopter per adopter-month, each
  // candidate, candidates per adopter-month; and a scattered read at this thread count.
  double stream_per_adopter, per_candidate, candidate_share, random_read;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<long long> sizes = {100000, 1000000, 10000000};
  std::vector<long long> thread_counts = {1, 2};
  int months = 24, repeats = 3, turn = 4;
  std::string scenario = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  CLI::App app{"geosim engine benchmark: adopter-months per second of a scenario at each size and thread count, "
               "bytes per adopter, and the fraction of the machine's triad bandwidth the adopter update reaches "
               "(docs/performance.md)."};
  app.add_option("--sizes", sizes, "adopter counts, comma-separated")->delimiter(',')->check(CLI::Range(1LL, 4000000000LL))->capture_default_str();
  app.add_option("--threads", thread_counts, "thread counts, comma-separated")->delimiter(',')->check(CLI::Range(1LL, 1024LL))->capture_default_str();
  app.add_option("--months", months, "months per run")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--repeats", repeats, "runs per row")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--turn", turn, "months each world runs before the other takes its turn (the first untimed)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--scenario", scenario, "scenario file")->check(CLI::ExistingFile)->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // as geosim does: a command line that cannot be parsed is bad input
  }
  // Every size's scenario is loaded before anything runs, so that a bad one fails at once, not after
  // the sizes before it.
  std::vector<geosim::ScenarioDef> defs;
  try {
    for (long long n : sizes) {
      defs.push_back(geosim::load_scenario(scenario, {geosim::parse_override("population.adopters=" + std::to_string(n))}));
      geosim::set_horizon(defs.back(), months);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "geosim_bench: %s\n", e.what());
    return 2;
  }

  std::printf(
      "geosim engine benchmark: %s, %d months per run, %d runs per row; figures are medians over all\n"
      "timed months of all runs, so that one noisy month or run does not move them. Runs at 1 and 2 threads\n"
      "take turns of %d months (the first of each turn untimed when a turn has more), after a triad at each\n"
      "thread count, whose median the triad column gives.\n",
      scenario.c_str(), months, repeats, turn);
  std::vector<Row> rows;
  for (std::size_t size = 0; size < sizes.size(); ++size) {
    const long long n = sizes[size];
    const geosim::ScenarioDef& def = defs[size];
    struct Samples {
      std::vector<double> rates, step_rates, moved, fractions, triads, streams, per_candidate, candidate_shares, random_reads;
      std::size_t allocated = 0, arrays = 0;
    };
    std::vector<Samples> per(thread_counts.size());
    // One world per thread count, stepped in turns, each run after a triad at each thread count: on a
    // shared machine the load drifts, and it then moves the figures being compared alike.
    for (int rep = 0; rep < repeats; ++rep) {
      std::vector<std::unique_ptr<geosim::World>> worlds;
      for (std::size_t t = 0; t < thread_counts.size(); ++t) {
        per[t].triads.push_back(triad_bandwidth(static_cast<int>(thread_counts[t])));
        per[t].random_reads.push_back(random_read_seconds(static_cast<int>(thread_counts[t])));
        const std::size_t before = allocated_bytes();
        worlds.push_back(std::make_unique<geosim::World>(def));
        // The instance of the update that counts its work (a few integer additions per candidate, and
        // two clock reads per block); ordinary runs use the other one.
        worlds.back()->set_count_work(true);
        per[t].allocated = allocated_bytes() - before;
        per[t].arrays = worlds.back()->adopter_bytes();
      }
      // Each world steps `turn` months in a row; the first of them refills the caches the other world
      // evicted and wakes the pool's sleeping threads, which a run of one world never has to, so it is
      // not timed.
      while (!worlds.front()->done())
        for (std::size_t t = 0; t < thread_counts.size(); ++t) {
          Samples& x = per[t];
          geosim::World& world = *worlds[t];
          tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(thread_counts[t]));
          for (int m = 0; m < turn && !world.done(); ++m) {
            auto t0 = Clock::now();
            world.step();
            const double month_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            if (m == 0 && turn > 1) continue;
            x.step_rates.push_back(static_cast<double>(n) / month_seconds);
            // The adopter update alone: the part whose speed the memory bandwidth bounds.
            const double s = world.update_seconds();
            x.rates.push_back(static_cast<double>(n) / s);
            const auto& work = world.update_work();
            const double bytes = bytes_per_month(static_cast<double>(n), work, world.network().offsets.empty() ? 0 : 8);
            x.moved.push_back(bytes / static_cast<double>(n));
            x.fractions.push_back(bytes / s / x.triads.back());
            x.streams.push_back(work.stream_seconds / static_cast<double>(n));
            if (work.candidates > 0) x.per_candidate.push_back(work.candidate_seconds / static_cast<double>(work.candidates));
            x.candidate_shares.push_back(static_cast<double>(work.candidates) / static_cast<double>(n));
          }
        }
    }
    for (std::size_t t = 0; t < thread_counts.size(); ++t) {
      const Samples& x = per[t];
      rows.push_back(Row{n, thread_counts[t], median(x.rates), median(x.step_rates), static_cast<double>(x.allocated) / static_cast<double>(n),
                         static_cast<double>(x.arrays) / static_cast<double>(n), median(x.moved), median(x.triads), median(x.fractions),
                         median(x.streams), x.per_candidate.empty() ? 0.0 : median(x.per_candidate), median(x.candidate_shares),
                         median(x.random_reads)});
    }
  }
  for (long long t : thread_counts)
    if (t > 1) std::printf("Pure arithmetic (no memory) runs %.2fx as fast at %lld threads as at 1 on this machine now.\n", compute_speedup(static_cast<int>(t)), t);
  std::printf("%10s %7s %16s %9s %16s %9s %10s %9s %10s %11s %11s\n", "adopters", "threads", "update ad-mo/s", "speed-up", "month ad-mo/s",
              "speed-up", "B/adopter", "(arrays)", "moved B", "triad GB/s", "of triad");
  for (const Row& r : rows) {
    // Speed-ups against the 1-thread row of the same size, when there is one.
    const Row* one = nullptr;
    for (const Row& o : rows)
      if (o.adopters == r.adopters && o.threads == 1) one = &o;
    const double speedup = one ? r.rate / one->rate : 0, step_speedup = one ? r.step_rate / one->step_rate : 0;
    std::printf("%10lld %7lld %16.3e %9.2f %16.3e %9.2f %10.1f %9.1f %10.1f %11.2f %10.1f%%\n", r.adopters, r.threads, r.rate, speedup,
                r.step_rate, step_speedup, r.bytes_per_adopter_measured, r.bytes_per_adopter_arrays, r.moved_per_adopter_month, r.triad / 1e9,
                100 * r.bandwidth_fraction);
  }
  std::printf("\nWhere the update's time goes (per thread; docs/performance.md): the pass over every adopter (copy, event draws,\n"
              "flags) per adopter-month, and then each candidate (an adopter whose draw could change it), against a scattered\n"
              "read of 4 bytes in 256 MiB at the same thread count.\n");
  std::printf("%10s %7s %14s %12s %14s %12s %14s\n", "adopters", "threads", "pass ns/ad-mo", "candidates", "ns/candidate", "(of update)",
              "scattered ns");
  for (const Row& r : rows) {
    // Thread-seconds per adopter-month: the candidates' pass, and the whole update.
    const double candidate_pass = r.per_candidate * r.candidate_share, update = static_cast<double>(r.threads) / r.rate;
    std::printf("%10lld %7lld %14.2f %11.2f%% %14.1f %11.0f%% %14.2f\n", r.adopters, r.threads, 1e9 * r.stream_per_adopter,
                100 * r.candidate_share, 1e9 * r.per_candidate, 100 * candidate_pass / update, 1e9 * r.random_read);
  }
  return 0;
}
