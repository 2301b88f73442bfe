#pragma once
// The parallel loops of geosim: oneTBB's parallel_for, or, in ThreadSanitizer builds, the same loops
// on plain std::threads.
//
// Debian's libtbb is not built with ThreadSanitizer. TSan then cannot see how TBB hands a task from
// one thread to another (that happens inside the uninstrumented library), and it reports races inside
// TBB's own header code that cannot happen. Rather than hide those reports with suppressions broad
// enough to hide geosim's own races too, a TSan build runs the loops below on std::threads (which TSan
// fully understands), with the same work items and the thread count tbb::global_control allows. TSan
// then checks geosim's code; TBB itself is not checked.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cstddef>

#if defined(__SANITIZE_THREAD__)
#define GEOSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GEOSIM_TSAN 1
#endif
#endif

#ifdef GEOSIM_TSAN
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>
#endif

namespace geosim {

/// For tests only: when set, called on the thread that runs each work item (parallel_for_index) or
/// range (parallel_for_range), before it runs, so that a test can count the threads that really did
/// the work (tests/unit/test_world.cpp). One relaxed load per item; never set by geosim itself.
inline std::atomic<void (*)()> work_item_observer{nullptr};

namespace detail {
inline void observe_work_item() {
  if (auto* observe = work_item_observer.load(std::memory_order_relaxed)) observe();
}
}  // namespace detail

/// Calls body(i) for every i in [0, n), in parallel; each i is one work item.
template <class Body>
void parallel_for_index(std::size_t n, const Body& body) {
#ifdef GEOSIM_TSAN
  const std::size_t threads = std::min(n, tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      detail::observe_work_item();
      body(i);
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
#else
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    detail::observe_work_item();
    body(i);
  });
#endif
}

/// Calls body(range) over sub-ranges of [0, n) of about `grain` elements, in parallel.
template <class Body>
void parallel_for_range(std::size_t n, std::size_t grain, const Body& body) {
#ifdef GEOSIM_TSAN
  const std::size_t chunks = (n + grain - 1) / grain;
  parallel_for_index(chunks, [&](std::size_t c) { body(tbb::blocked_range<std::size_t>(c * grain, std::min(n, (c + 1) * grain))); });
#else
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain), [&](const tbb::blocked_range<std::size_t>& r) {
    detail::observe_work_item();
    body(r);
  });
#endif
}

}  // namespace geosim
