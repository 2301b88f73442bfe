#include "viz/ensemble.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "model/world.h"
#include "viz/snapshot.h"

namespace geosim::viz {

EnsembleRunner::EnsembleRunner(ScenarioDef def, int seeds) {
  auto first = std::make_shared<EnsembleSnapshot>();
  first->seeds = seeds;
  first->total_months = def.months;
  snapshot_.store(first);
  thread_ = std::thread([this, def = std::move(def), seeds]() mutable { run(std::move(def), seeds); });
}

EnsembleRunner::~EnsembleRunner() {
  quit_ = true;
  thread_.join();
}

void EnsembleRunner::run(ScenarioDef def, int seeds) {
  auto state = std::make_shared<EnsembleSnapshot>(*snapshot_.load());
  try {
    std::vector<std::unique_ptr<World>> worlds;
    for (int k = 0; k < seeds && !quit_; ++k) {
      ScenarioDef d = def;
      d.seed = def.seed + static_cast<std::uint64_t>(k);
      worlds.push_back(std::make_unique<World>(std::move(d)));
    }
    while (!quit_ && !worlds.empty() && !worlds.front()->done()) {
      std::unordered_map<std::string, std::vector<double>> values;
      for (auto& w : worlds) {
        if (quit_) return;
        w->step();
        for (const auto& row : w->outputs()) values[output_key(row.scope, row.metric)].push_back(row.value);
      }
      auto month = std::make_shared<EnsembleMonth>();
      for (auto& [key, v] : values) {
        std::sort(v.begin(), v.end());
        double sum = 0;
        for (double x : v) sum += x;
        month->stats[key] = {quantile(v, 0.05), sum / static_cast<double>(v.size()), quantile(v, 0.95)};
      }
      auto next = std::make_shared<EnsembleSnapshot>(*state);
      next->months.push_back(std::move(month));
      state = next;
      snapshot_.store(state);
    }
  } catch (const std::exception& e) {
    auto failed = std::make_shared<EnsembleSnapshot>(*state);
    failed->error = std::string("ensemble failed: ") + e.what();
    snapshot_.store(failed);
  }
}

}  // namespace geosim::viz
