#include "analysis/sweep/runner.h"

#include <charconv>
#include <chrono>
#include <string_view>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "analysis/sweep/result_sink.h"
#include "core/parallel.h"

namespace geosim::sweep {

Shard parse_shard(const std::string& text) {
  if (text.empty()) return Shard{};
  const auto slash = text.find('/');
  auto whole = [&](std::string_view part, std::int64_t& out) {
    auto r = std::from_chars(part.data(), part.data() + part.size(), out);
    return !part.empty() && r.ec == std::errc{} && r.ptr == part.data() + part.size();
  };
  Shard s;
  const std::string_view v(text);
  if (slash == std::string::npos || !whole(v.substr(0, slash), s.index) || !whole(v.substr(slash + 1), s.count) || s.count < 1 || s.index < 0 ||
      s.index >= s.count)
    throw std::invalid_argument("--shard '" + text + "': expected I/N with whole numbers 0 <= I < N, e.g. --shard 0/4");
  return s;
}

std::vector<std::int64_t> pending_runs(const Plan& plan, const Store& store, const std::string& shard) {
  const Shard s = parse_shard(shard);
  const auto done = store.finished_runs();
  if (done.size() != static_cast<std::size_t>(plan.runs())) throw std::logic_error("the store was opened for another plan");
  std::vector<std::int64_t> todo;
  for (std::int64_t r = s.index; r < plan.runs(); r += s.count)
    if (!done[static_cast<std::size_t>(r)]) todo.push_back(r);
  return todo;
}

SweepOutcome run_local(const SweepDef& sweep, const Plan& plan, Store& store, const std::vector<std::int64_t>& todo, const std::atomic<bool>& stop,
                       const ProgressFn& progress, std::size_t batch) {
  const auto t0 = std::chrono::steady_clock::now();
  const Evaluator evaluator(sweep, plan);
  ResultSink sink(store, plan, sweep, static_cast<std::int64_t>(todo.size()), progress, batch);
  std::exception_ptr failure, store_failure;
  std::atomic<bool> abandon{false};  // the store failed: start no more runs
  std::thread workers([&] {
    try {
      parallel_for_index(todo.size(), [&](std::size_t i) {
        if (stop || abandon) return;
        sink.add(evaluator.run(todo[i]));
      });
    } catch (...) {
      failure = std::current_exception();
    }
    sink.close();
  });
  try {
    sink.drain_until_closed();
  } catch (...) {
    // A full disk or a store locked by another process: stop the workers before reporting it (a
    // running std::thread must never be destroyed).
    store_failure = std::current_exception();
    abandon = true;
  }
  workers.join();
  if (store_failure) std::rethrow_exception(store_failure);
  if (failure) std::rethrow_exception(failure);
  SweepOutcome out;
  out.ran = sink.stored();
  out.failed = sink.failed();
  out.interrupted = stop && out.ran < static_cast<std::int64_t>(todo.size());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

SweepOutcome run_here(const SweepDef& sweep, const Plan& plan, const std::string& store_path, const std::string& shard, const std::atomic<bool>& stop,
                      const ProgressFn& progress, std::size_t batch) {
  Store store = Store::for_sweep(store_path, sweep, plan, shard);
  const auto todo = pending_runs(plan, store, shard);
  SweepOutcome out = run_local(sweep, plan, store, todo, stop, progress, batch);
  out.planned = plan.runs();
  out.already_done = plan.runs() - static_cast<std::int64_t>(todo.size());
  return out;
}

}  // namespace geosim::sweep
