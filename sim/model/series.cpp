// Month outputs (World::compute_outputs) and the CSV writer.
#include "model/series.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace geosim {

namespace {

const char* openness_name(bool open) { return open ? "open" : "closed"; }

}  // namespace

void World::compute_outputs() {
  const std::size_t N = def_.nations.size(), L = def_.labs.size(), S = sector_count, O = usage_.options;
  outputs_.clear();
  auto emit = [&](const std::string& scope, const std::string& metric, double v) { outputs_.push_back({scope, metric, v}); };

  std::vector<int> lab_bloc(L);
  std::vector<int> lab_origin(L);
  for (std::size_t j = 0; j < L; ++j) {
    lab_origin[j] = index_of_nation(def_, def_.labs[j].origin);
    lab_bloc[j] = static_cast<int>(dominant_bloc(def_.nations[static_cast<std::size_t>(lab_origin[j])]));
  }

  // Per-nation and world sums of weight by lab.
  std::vector<double> nation_lab(N * L, 0.0), nation_total(N, 0.0), nation_adopted(N, 0.0);
  std::int64_t adopters_using = 0, adopters_all = 0;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t j = 0; j < O; ++j) {
        std::size_t c = (n * S + s) * O + j;
        nation_total[n] += usage_.weight[c];
        adopters_all += usage_.count[c];
        if (j < L) {
          nation_lab[n * L + j] += usage_.weight[c];
          nation_adopted[n] += usage_.weight[c];
          adopters_using += usage_.count[c];
        }
      }
  std::vector<double> world_lab(L, 0.0);
  double world_total = 0, world_adopted = 0;
  for (std::size_t n = 0; n < N; ++n) {
    world_total += nation_total[n];
    world_adopted += nation_adopted[n];
    for (std::size_t j = 0; j < L; ++j) world_lab[j] += nation_lab[n * L + j];
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };

  auto emit_shares = [&](const std::string& scope, const double* by_lab, double adopted) {
    double share[bloc_count][2] = {};
    for (std::size_t j = 0; j < L; ++j) share[lab_bloc[j]][def_.labs[j].open ? 1 : 0] += by_lab[j];
    for (int bl = 0; bl < bloc_count; ++bl)
      for (int o = 0; o < 2; ++o)
        emit(scope, std::string("usage_share.") + bloc_names[bl] + "_" + openness_name(o == 1), ratio(share[bl][o], adopted));
  };

  // World.
  const std::string world = "world";
  emit(world, "adoption", ratio(world_adopted, world_total));
  emit(world, "adopters_using", static_cast<double>(adopters_using));
  emit(world, "adopters_total", static_cast<double>(adopters_all));
  emit_shares(world, world_lab.data(), world_adopted);
  double best[bloc_count], best_open = -1, best_closed = -1, frontier = -1;
  std::fill(best, best + bloc_count, -1.0);
  double price_weighted = 0, price_plain = 0, revenue_closed = 0;
  std::vector<double> revenue(L);
  for (std::size_t j = 0; j < L; ++j) {
    double c = labs_[j].capability;
    best[lab_bloc[j]] = std::max(best[lab_bloc[j]], c);
    (def_.labs[j].open ? best_open : best_closed) = std::max(def_.labs[j].open ? best_open : best_closed, c);
    frontier = std::max(frontier, c);
    price_weighted += world_lab[j] * labs_[j].price;
    price_plain += labs_[j].price / static_cast<double>(L);
    // Revenue: the lab's share of the world's token demand, at its price (USD per 1M tokens).
    revenue[j] = ratio(world_lab[j], world_total) * def_.behaviour.tokens_per_month * labs_[j].price / 1e6;
    if (!def_.labs[j].open) revenue_closed += revenue[j];
  }
  emit(world, "frontier_capability", frontier);
  if (best[0] >= 0 && best[1] >= 0) emit(world, "capability_gap_us_china", best[0] - best[1]);
  if (best_open >= 0 && best_closed >= 0) emit(world, "open_closed_lag", best_closed - best_open);
  emit(world, "price_index", world_adopted > 0 ? price_weighted / world_adopted : price_plain);
  emit(world, "revenue_closed_labs", revenue_closed);

  // Nations.
  const double threshold = def_.behaviour.rival_threshold;
  for (std::size_t n = 0; n < N; ++n) {
    const std::string scope = "nation:" + def_.nations[n].id;
    emit(scope, "adoption", ratio(nation_adopted[n], nation_total[n]));
    emit_shares(scope, nation_lab.data() + n * L, nation_adopted[n]);
    double rival_model = 0, rival_hw = 0;
    for (std::size_t j = 0; j < L; ++j) {
      double w = nation_lab[n * L + j];
      if (static_cast<std::size_t>(lab_origin[j]) != n && nation_risk_[n * N + static_cast<std::size_t>(lab_origin[j])] >= threshold)
        rival_model += w;
      if (labs_[j].chip >= 0) {
        auto chip_origin = static_cast<std::size_t>(index_of_nation(def_, def_.chipmakers[static_cast<std::size_t>(labs_[j].chip)].origin));
        if (chip_origin != n && nation_risk_[n * N + chip_origin] >= threshold) rival_hw += w;
      }
    }
    emit(scope, "rival_model_dependency", ratio(rival_model, nation_adopted[n]));
    emit(scope, "rival_hardware_dependency", ratio(rival_hw, nation_adopted[n]));
  }

  // Labs.
  for (std::size_t j = 0; j < L; ++j) {
    const std::string scope = "lab:" + def_.labs[j].id;
    emit(scope, "usage_share", ratio(world_lab[j], world_adopted));
    emit(scope, "capability", labs_[j].capability);
    emit(scope, "price", labs_[j].price);
    emit(scope, "revenue", revenue[j]);
    emit(scope, "open", def_.labs[j].open ? 1.0 : 0.0);
  }

  // Chipmakers.
  std::vector<double> chip_use(def_.chipmakers.size(), 0.0);
  for (std::size_t j = 0; j < L; ++j)
    if (labs_[j].chip >= 0) chip_use[static_cast<std::size_t>(labs_[j].chip)] += world_lab[j];
  for (std::size_t c = 0; c < def_.chipmakers.size(); ++c)
    emit("chipmaker:" + def_.chipmakers[c].id, "compute_share", ratio(chip_use[c], world_adopted));
}

std::string format_value(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

SeriesWriter::SeriesWriter(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  std::fputs("month,scope,metric,value\n", file_);
}

SeriesWriter::~SeriesWriter() {
  if (file_) std::fclose(file_);
}

void SeriesWriter::write(Month month, const std::vector<OutputRow>& rows) {
  const std::string m = month.str();
  std::string line;
  for (const auto& r : rows) {
    line.clear();
    line += m;
    line += ',';
    line += r.scope;
    line += ',';
    line += r.metric;
    line += ',';
    line += format_value(r.value);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), file_);
  }
}

void SeriesWriter::close() {
  if (!file_) return;
  bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) throw std::runtime_error("writing " + path_ + " failed: " + std::strerror(errno));
}

double find_output(const std::vector<OutputRow>& rows, const std::string& scope, const std::string& metric) {
  for (const auto& r : rows)
    if (r.scope == scope && r.metric == metric) return r.value;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace geosim
