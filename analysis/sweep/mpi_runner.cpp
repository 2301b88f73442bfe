// MPI sweeps: rank 0 owns the store and hands out runs one at a time to whichever rank asks, so fast
// and slow ranks stay busy to the end; ranks 1..K-1 compute. Built only when CMake finds MPI.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "analysis/sweep/result_sink.h"
#include "analysis/sweep/runner.h"
#include "core/bytes.h"
#include "core/errors.h"

#ifdef GEOSIM_MPI
#include <mpi.h>
#endif

namespace geosim::sweep {

bool launched_by_mpi() {
  // Open MPI's mpirun sets these; a plain `geosim sweep` never initializes MPI at all.
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

#ifndef GEOSIM_MPI
SweepOutcome run_mpi(const SweepDef&, const Plan&, const std::string&, const std::string&, const std::atomic<bool>&, const ProgressFn&, std::size_t,
                     int& rank) {
  // Every rank would otherwise run the whole sweep into the same store.
  const char* r = std::getenv("OMPI_COMM_WORLD_RANK");
  rank = r ? std::atoi(r) : 0;
  throw std::runtime_error("started by mpirun, but this geosim was built without MPI (install libopenmpi-dev and rebuild)");
}
#else
namespace {

enum Tag : int { kResult = 1, kWork = 2, kAbort = 3 };

std::string encode(const RunResult& r) {
  ByteWriter w;
  w.put<std::int64_t>(r.run);
  w.put<std::uint8_t>(r.ok ? 1 : 0);
  w.put_string(r.error);
  w.put_vector(r.records);
  w.put_vector(r.series);
  return w.data();
}

RunResult decode(const std::string& bytes) {
  ByteReader in(bytes);
  RunResult r;
  r.run = in.get<std::int64_t>();
  r.ok = in.get<std::uint8_t>() != 0;
  r.error = in.get_string();
  r.records = in.get_vector<double>();
  r.series = in.get_vector<double>();
  return r;
}

/// MPI_Init and MPI_Finalize around a sweep.
struct MpiSession {
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  ~MpiSession() { MPI_Finalize(); }
};

SweepOutcome coordinate(const SweepDef& sweep, const Plan& plan, const std::string& store_path, const std::string& shard, const std::atomic<bool>& stop,
                        const ProgressFn& progress, std::size_t batch_size, int ranks) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepOutcome out;
  std::string error;
  Store* store = nullptr;
  std::optional<Store> opened;
  std::vector<std::int64_t> todo;
  bool refused = false;  // the store is the user's mistake (exit 2), not a failure
  try {
    opened.emplace(Store::for_sweep(store_path, sweep, plan, shard));
    store = &*opened;
    todo = pending_runs(plan, *store, shard);
  } catch (const BadInput& e) {
    error = e.what(), refused = true;
  } catch (const std::exception& e) {
    error = e.what();
  }
  int ok = error.empty() ? 1 : 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!ok) {
    if (refused) throw BadInput(error);
    throw std::runtime_error(error);
  }
  out.planned = plan.runs();
  out.already_done = static_cast<std::int64_t>(plan.runs()) - static_cast<std::int64_t>(todo.size());
  ResultSink sink(*store, plan, sweep, static_cast<std::int64_t>(todo.size()), progress, batch_size);
  try {
  std::vector<RunResult> batch;
  auto last_flush = std::chrono::steady_clock::now();
  std::size_t next = 0;
  int active = ranks - 1;
  while (active > 0) {
    MPI_Status status;
    MPI_Probe(MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &status);
    int size = 0;
    MPI_Get_count(&status, MPI_BYTE, &size);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    MPI_Recv(bytes.data(), size, MPI_BYTE, status.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (size > 0) batch.push_back(decode(bytes));  // an empty message is a rank's first request
    std::int64_t run = -1;
    if (next < todo.size() && !stop) run = todo[next++];
    MPI_Send(&run, 1, MPI_INT64_T, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
    if (run < 0) --active;
    if (batch.size() >= batch_size || std::chrono::steady_clock::now() - last_flush > std::chrono::milliseconds(500) || active == 0) {
      sink.flush(batch);
      batch.clear();
      last_flush = std::chrono::steady_clock::now();
    }
  }
  } catch (const std::exception& e) {
    // The workers are waiting for work that will never come: end the whole job, saying why.
    std::fprintf(stderr, "geosim sweep: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  } catch (...) {
    std::fprintf(stderr, "geosim sweep: the coordinating rank failed\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  out.ran = sink.stored();
  out.failed = sink.failed();
  out.interrupted = out.ran < static_cast<std::int64_t>(todo.size());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

SweepOutcome work(const SweepDef& sweep, const Plan& plan) {
  int ok = 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  SweepOutcome out;
  if (!ok) return out;  // rank 0 reports why
  const Evaluator evaluator(sweep, plan);
  std::string message;  // empty: asking for the first run
  while (true) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
    std::int64_t run = -1;
    MPI_Recv(&run, 1, MPI_INT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (run < 0) break;
    message = encode(evaluator.run(run));
    ++out.ran;
  }
  return out;
}

}  // namespace

SweepOutcome run_mpi(const SweepDef& sweep, const Plan& plan, const std::string& store_path, const std::string& shard, const std::atomic<bool>& stop,
                     const ProgressFn& progress, std::size_t batch, int& rank) {
  MpiSession session;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks < 2) {
    return run_here(sweep, plan, store_path, shard, stop, progress, batch);  // one rank: nobody to hand runs to
  }
  try {
    return rank == 0 ? coordinate(sweep, plan, store_path, shard, stop, progress, batch, ranks) : work(sweep, plan);
  } catch (...) {
    if (rank != 0) MPI_Abort(MPI_COMM_WORLD, 1);  // a worker that fails would leave rank 0 waiting
    throw;
  }
}
#endif

}  // namespace geosim::sweep
