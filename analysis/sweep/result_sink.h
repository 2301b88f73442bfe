#pragma once
// Where finished runs wait to be stored: any thread adds results; one thread drains them into the
// store, a batch per transaction (every half second, or sooner when many are waiting), and reports
// progress. Memory holds only the results not yet stored, however long the sweep.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "analysis/sweep/runner.h"

namespace geosim::sweep {

/// Batches results into the store.
class ResultSink {
 public:
  /// `batch`: most runs per transaction (a batch is also stored when half a second has passed).
  ResultSink(Store& store, const Plan& plan, const SweepDef& sweep, std::int64_t total, ProgressFn progress, std::size_t batch)
      : batch_(std::max<std::size_t>(1, batch)), store_(store), plan_(plan), sweep_(sweep), total_(total), progress_(std::move(progress)) {}

  /// Adds a finished run (any thread).
  void add(RunResult r) {
    std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(r));
    if (waiting_.size() >= batch_) ready_.notify_one();
  }
  /// No more results will come (any thread).
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  /// Stores batches until close() and the last batch is stored (the storing thread).
  void drain_until_closed() {
    for (bool last = false; !last;) {
      std::vector<RunResult> batch;
      {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, std::chrono::milliseconds(500), [&] { return closed_ || waiting_.size() >= batch_; });
        const auto n = std::min(batch_, waiting_.size());
        batch.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(waiting_.begin() + static_cast<std::ptrdiff_t>(n)));
        waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(n));
        last = closed_ && waiting_.empty();
      }
      flush(batch);
    }
  }
  /// Stores a batch now (the storing thread).
  void flush(const std::vector<RunResult>& batch) {
    if (batch.empty()) return;
    store_.write(batch, plan_, sweep_);
    stored_ += static_cast<std::int64_t>(batch.size());
    for (const auto& r : batch) failed_ += r.ok ? 0 : 1;
    if (progress_) progress_(stored_, total_);
  }
  std::int64_t stored() const { return stored_; }
  std::int64_t failed() const { return failed_; }

 private:
  std::size_t batch_;
  Store& store_;
  const Plan& plan_;
  const SweepDef& sweep_;
  std::int64_t total_, stored_ = 0, failed_ = 0;
  ProgressFn progress_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<RunResult> waiting_;
  bool closed_ = false;
};

}  // namespace geosim::sweep
