#include "analysis/sweep/runner.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "analysis/sweep/result_sink.h"
#include "core/parallel.h"

namespace geosim::sweep {

std::vector<std::int64_t> pending_runs(const Plan& plan, const Store& store, const std::string& shard) {
  std::int64_t index = 0, count = 1;
  if (!shard.empty()) {
    const auto slash = shard.find('/');
    try {
      index = std::stoll(shard.substr(0, slash));
      count = std::stoll(shard.substr(slash + 1));
    } catch (const std::exception&) {
      count = 0;
    }
    if (slash == std::string::npos || count < 1 || index < 0 || index >= count)
      throw std::invalid_argument("--shard '" + shard + "': expected I/N with 0 <= I < N, e.g. --shard 0/4");
  }
  const auto done = store.finished_runs();
  std::vector<std::int64_t> todo;
  for (std::int64_t r = index; r < plan.runs(); r += count)
    if (!done.count(r)) todo.push_back(r);
  return todo;
}

SweepOutcome run_local(const SweepDef& sweep, const Plan& plan, Store& store, const std::vector<std::int64_t>& todo, const std::atomic<bool>& stop,
                       const ProgressFn& progress, std::size_t batch) {
  const auto t0 = std::chrono::steady_clock::now();
  const Evaluator evaluator(sweep, plan);
  ResultSink sink(store, plan, sweep, static_cast<std::int64_t>(todo.size()), progress, batch);
  std::exception_ptr failure;
  std::thread workers([&] {
    try {
      parallel_for_index(todo.size(), [&](std::size_t i) {
        if (stop) return;
        sink.add(evaluator.run(todo[i]));
      });
    } catch (...) {
      failure = std::current_exception();
    }
    sink.close();
  });
  sink.drain_until_closed();
  workers.join();
  if (failure) std::rethrow_exception(failure);
  SweepOutcome out;
  out.ran = sink.stored();
  out.failed = sink.failed();
  out.interrupted = stop && out.ran < static_cast<std::int64_t>(todo.size());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace geosim::sweep
