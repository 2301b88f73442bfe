#include "viz/sim_runner.h"

#include <chrono>
#include <exception>

#include "model/market.h"
#include "scenario/diagnostics.h"

namespace geosim::viz {

DependencyData dependency_of(const World& world) {
  const ScenarioDef& def = world.params();
  DependencyData d;
  for (const auto& n : def.nations) {
    d.nations.push_back(n.id);
    d.nation_bloc.push_back(static_cast<int>(dominant_bloc(n)));
  }
  const Index idx(def);
  for (std::size_t j = 0; j < def.labs.size(); ++j) {
    d.labs.push_back(def.labs[j].id);
    d.lab_bloc.push_back(idx.lab_bloc[j]);
  }
  for (std::size_t m = 0; m < def.chipmakers.size(); ++m) {
    d.chips.push_back(def.chipmakers[m].id);
    d.chip_bloc.push_back(static_cast<int>(dominant_bloc(def.nations[static_cast<std::size_t>(idx.chip_origin[m])])));
  }
  // The world keeps no choice tables; rebuilding them from the state after the month gives the chips
  // each (nation, model) runs on as the market of the month stood.
  const ChipMarket& market = world.chip_market();
  const ChoiceTables tables = make_choice_tables(def, idx, world.lines(), market, origin_risk(def));
  const Usage& usage = world.usage();
  const std::size_t L = world.lines().size(), O = tables.options, N = def.nations.size(), M = def.chipmakers.size();
  if (usage.weight.empty() || usage.options < O || market.perf.empty()) return d;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t o = 0; o < O; ++o) {
      double w = 0;
      for (std::size_t s = 0; s < static_cast<std::size_t>(sector_count); ++s) w += usage.weight[(n * sector_count + s) * usage.options + o];
      if (w <= 0) continue;
      const int lab = static_cast<int>(idx.line_lab[o % L]);
      const std::size_t row = tables.chips[n * O + o];
      // Split by where the chips it runs on were bought.
      if (!market.buys[row])
        d.flows.push_back({static_cast<int>(n), lab, -1, w});
      else
        for (std::size_t m = 0; m < M; ++m)
          if (market.shares(row)[m] > 0) d.flows.push_back({static_cast<int>(n), lab, static_cast<int>(m), w * market.shares(row)[m]});
      d.total += w;
    }
  return d;

}

SimRunner::SimRunner(ScenarioDef def, LeverHandler levers) : levers_(std::move(levers)), def_(std::move(def)) {
  publish(true);
  thread_ = std::thread([this] { loop(); });
}

SimRunner::~SimRunner() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SimRunner::play() {
  {
    std::lock_guard lock(mutex_);
    playing_ = true;
    run_to_.reset();
  }
  wake_.notify_all();
}

void SimRunner::pause() {
  {
    std::lock_guard lock(mutex_);
    playing_ = false;
    steps_requested_ = 0;
    run_to_.reset();
  }
  wake_.notify_all();
}

void SimRunner::step_once() {
  {
    std::lock_guard lock(mutex_);
    playing_ = false;
    ++steps_requested_;
  }
  wake_.notify_all();
}

void SimRunner::run_to(Month month) {
  {
    std::lock_guard lock(mutex_);
    playing_ = true;
    run_to_ = month;
  }
  wake_.notify_all();
}

void SimRunner::set_speed(double months_per_second) {
  {
    std::lock_guard lock(mutex_);
    speed_ = months_per_second;
  }
  wake_.notify_all();
}

void SimRunner::restart(ScenarioDef def, LeverHandler levers) {
  {
    std::lock_guard lock(mutex_);
    if (levers) restart_levers_ = std::move(levers);
  }
  restart([def = std::move(def)] { return def; });
}

void SimRunner::restart(std::function<ScenarioDef()> make_def) {
  {
    std::lock_guard lock(mutex_);
    restart_def_ = std::move(make_def);
    playing_ = false;
    steps_requested_ = 0;
    run_to_.reset();
    lever_requests_.clear();
  }
  wake_.notify_all();
}

void SimRunner::pull_lever(const std::string& path, const std::string& value) {
  {
    std::lock_guard lock(mutex_);
    lever_requests_.push_back({path, value});
  }
  wake_.notify_all();
}

std::string SimRunner::last_message() const {
  std::lock_guard lock(mutex_);
  return message_;
}

void SimRunner::publish(bool building) {
  auto s = std::make_shared<Snapshot>();
  s->generation = generation_;
  s->name = def_.name;
  s->start = def_.start;
  s->total_months = def_.months;
  s->adopters = def_.population.adopters;
  s->seed = def_.seed;
  s->building = building;
  {
    std::lock_guard lock(mutex_);
    s->playing = playing_ || steps_requested_ > 0;
  }
  s->error = error_;
  s->last_step_seconds = last_step_seconds_;
  s->months = frames_;
  s->params = std::make_shared<const ScenarioDef>(world_ ? world_->params() : def_);
  s->dependency = dependency_;
  snapshot_.store(std::move(s));
}

void SimRunner::loop() {
  using clock = std::chrono::steady_clock;
  auto build = [this] {
    world_.reset();
    frames_.clear();
    dependency_.reset();
    error_.clear();
    try {
      world_ = std::make_unique<World>(def_);
    } catch (const std::exception& e) {
      error_ = std::string("cannot build the world: ") + e.what();
    }
    publish(false);
  };
  build();
  auto next_due = clock::now();
  std::unique_lock lock(mutex_);
  while (true) {
    auto ready = [&] {
      const bool can_step = world_ && !world_->done();
      return quit_ || restart_def_ || !lever_requests_.empty() || (can_step && steps_requested_ > 0) ||
             (can_step && playing_ && clock::now() >= next_due);
    };
    if (playing_ && speed_ > 0)
      wake_.wait_until(lock, next_due, ready);
    else
      wake_.wait(lock, ready);
    if (quit_) return;
    if (restart_def_) {
      auto make = std::move(restart_def_);
      restart_def_ = nullptr;
      lock.unlock();
      std::optional<ScenarioDef> def;
      std::string refused;
      try {
        def = make();
      } catch (const DiagnosticError& e) {
        refused = "restart refused: " + (e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message);
      } catch (const std::exception& e) {
        refused = "restart refused: " + std::string(e.what());
      }
      lock.lock();
      if (!def) {
        message_ = refused;
        continue;
      }
      def_ = std::move(*def);
      if (restart_levers_) levers_ = std::move(restart_levers_), restart_levers_ = nullptr;
      ++generation_;
      lock.unlock();
      build();
      lock.lock();
      continue;
    }
    if (!lever_requests_.empty()) {
      auto requests = std::move(lever_requests_);
      lever_requests_.clear();
      lock.unlock();
      std::string message;
      for (const auto& r : requests) {
        try {
          if (!world_ || world_->done()) throw std::invalid_argument("the run has ended; restart to pull levers");
          const Month at = def_.start + world_->months_done();
          world_->add_event(levers_(at, r.path, r.value));
          message = r.path + " = " + r.value + " from " + at.str();
        } catch (const DiagnosticError& e) {
          message = "lever refused: " + (e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message);
          ++levers_refused_;
        } catch (const std::exception& e) {
          message = "lever refused: " + std::string(e.what());
          ++levers_refused_;
        }
      }
      lock.lock();
      message_ = message;
      levers_processed_ += static_cast<int>(requests.size());
      continue;
    }
    const bool can_step = world_ && !world_->done();
    if (!can_step) continue;
    const bool by_request = steps_requested_ > 0;
    if (!by_request && !(playing_ && clock::now() >= next_due)) continue;
    if (by_request) --steps_requested_;
    lock.unlock();
    const auto t0 = clock::now();
    try {
      world_->step();
      frames_.push_back(std::make_shared<const MonthFrame>(world_->last_month(), world_->outputs()));
      dependency_ = std::make_shared<const DependencyData>(dependency_of(*world_));
    } catch (const std::exception& e) {
      error_ = std::string("simulation failed: ") + e.what();
      world_.reset();
    }
    last_step_seconds_ = std::chrono::duration<double>(clock::now() - t0).count();
    lock.lock();
    if (world_ && run_to_ && world_->last_month() >= *run_to_) {
      playing_ = false;
      run_to_.reset();
    }
    if (world_ && world_->done()) playing_ = false;
    next_due = t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(speed_ > 0 ? 1.0 / speed_ : 0.0));
    lock.unlock();
    publish(false);
    lock.lock();
  }
}

}  // namespace geosim::viz
