// The engine: conservation, determinism across thread counts, and the limits the model reduces to.
#include <doctest/doctest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "fixtures.h"
#include "core/parallel.h"
#include "core/random.h"
#include "model/neighbour_sums.h"
#include "model/series.h"
#include "model/world.h"
#include "scenario/loader.h"
#include "model/parameters.h"

namespace {

geosim::ScenarioDef load(const std::string& text) {
  return geosim::load_scenario_text(text, "world-test.yaml");
}

/// Runs a scenario to its end and returns all series.csv text it would write.
std::string run_text(const geosim::ScenarioDef& def, geosim::World::Walk walk = geosim::World::Walk::automatic) {
  geosim::World w(def);
  w.set_walk(walk);
  std::string out;
  while (!w.done()) {
    w.step();
    for (const auto& r : w.outputs())
      out += w.last_month().str() + "," + r.scope + "," + r.metric + "," + geosim::format_value(r.value) + "\n";
  }
  return out;
}

const std::string mixed = R"(start: 2024-01
months: 36
seed: 7
population:
  adopters: 200000
  size_sigma: 0
  risk_sigma: 0
  network: {kind: well_mixed}
behaviour:
  bass_p: 0.3
  bass_q: 3.0
nations:
  - {id: A, bloc: {us: 1}}
labs:
  - {id: only, origin: A, open: false, capability: 100, cost: 5}
)";

}  // namespace

TEST_CASE("adopters are conserved and shares stay in [0, 1], summing to 1") {
  auto def = load(fixtures::tiny);
  geosim::World w(def);
  while (!w.done()) {
    w.step();
    const auto& rows = w.outputs();
    CHECK(geosim::find_output(rows, "world", "adopters_total") == 2000);
    double sum = 0;
    for (const auto& r : rows) {
      CHECK(std::isfinite(r.value));
      if (r.scope == "world" && r.metric.rfind("usage_share.", 0) == 0) {
        CHECK(r.value >= 0);
        CHECK(r.value <= 1);
        sum += r.value;
      }
    }
    if (geosim::find_output(rows, "world", "adopters_using") > 0) CHECK(sum == doctest::Approx(1.0).epsilon(1e-12));
  }
}

/// FNV-1a, 64 bits: a hash that is the same on every platform, to print and compare.
static std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

/// The FNV-1a hash of the series of `fixtures::tiny` with 60,000 adopters, seed 1 (the fixture's).
/// It pins the model's output: any change to what the model computes changes it. After an intended
/// change (the model's equations, docs/model.md with it), re-pin: run
///   build/tests/geosim_tests -tc='series are identical*' -s
/// and copy the hash its MESSAGE prints here; an unintended change is a bug to find instead.
constexpr std::uint64_t pinned_series_hash = 6398529861700291599ull;

namespace {

/// The threads that ran work items of geosim's parallel loops while a test watched (core/parallel.h).
struct ThreadCount {
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::size_t wanted = 0;
  std::chrono::steady_clock::time_point deadline;
} thread_count;

/// A thread's first work item waits, up to the deadline, until `wanted` distinct threads have each
/// taken one: on a machine with fewer cores than threads, the first threads would otherwise finish a
/// month's few blocks before the others start, and the test would not run the count it claims.
void count_thread() {
  std::unique_lock lock(thread_count.mutex);
  if (!thread_count.seen.insert(std::this_thread::get_id()).second) return;
  while (thread_count.seen.size() < thread_count.wanted && std::chrono::steady_clock::now() < thread_count.deadline) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    lock.lock();
  }
}

/// Runs `def` on an arena of exactly `threads` threads and returns its series and how many threads
/// ran its adopter updates.
std::pair<std::string, std::size_t> run_on_threads(const geosim::ScenarioDef& def, int threads) {
  const auto n = static_cast<std::size_t>(threads);
  // The global limit caps every arena; both must allow `threads` for TBB to start that many workers.
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, n);
  tbb::task_arena arena(threads);
  std::string text;
  arena.execute([&] {
    geosim::World w(def);  // built first: population and network have fewer work items than threads
    {
      std::lock_guard lock(thread_count.mutex);
      thread_count.seen.clear();
      thread_count.wanted = n;
      thread_count.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    }
    geosim::work_item_observer = count_thread;
    while (!w.done()) {
      w.step();
      for (const auto& r : w.outputs()) text += w.last_month().str() + "," + r.scope + "," + r.metric + "," + geosim::format_value(r.value) + "\n";
    }
    geosim::work_item_observer = nullptr;
  });
  std::lock_guard lock(thread_count.mutex);
  return {text, thread_count.seen.size()};
}

}  // namespace

TEST_CASE("series are identical whatever the thread count, and from run to run") {
  // 60,000 adopters make 15 blocks of 4,096 a month, enough for 8 threads to each take one.
  auto def = load(fixtures::replace(fixtures::tiny, "adopters: 2000", "adopters: 60000"));
  std::string reference_text;
  for (int threads : {1, 2, 4, 8}) {
    INFO("threads = " << threads);
    const auto [text, ran] = run_on_threads(def, threads);
    CHECK(ran == static_cast<std::size_t>(threads));  // the count is real, whatever the machine's cores
    MESSAGE("threads " << threads << ": " << ran << " distinct threads ran the adopter updates; series hash " << fnv1a(text));
    CHECK(fnv1a(text) == pinned_series_hash);
    if (reference_text.empty()) reference_text = text;
    CHECK(text == reference_text);
  }
  CHECK(run_text(def) == reference_text);
  auto other_seed = def;
  other_seed.seed = 2;
  CHECK(run_text(other_seed) != reference_text);
}

TEST_CASE("the ways of walking a non-adopter's neighbours give the same series") {
  // The baseline's thirteen years take diffusion from few adopters (the Bass sum walks first) to many
  // (one walk); small world and scale free, whose rows have offsets.
  const std::string path = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  for (const char* network : {"small_world", "scale_free"}) {
    auto def = geosim::load_scenario(path, {geosim::parse_override("population.adopters=20000"),
                                            geosim::parse_override(std::string("population.network.kind=") + network)});
    const std::string automatic = run_text(def);
    CHECK_MESSAGE(run_text(def, geosim::World::Walk::once) == automatic, network);
    CHECK_MESSAGE(run_text(def, geosim::World::Walk::bass_first) == automatic, network);
  }
}

TEST_CASE("the update's count of candidates, rows and choices matches the draws, month by month") {
  // The benchmark's bytes moved per adopter-month come from these counts (tests/bench/bench_engine.cpp).
  for (const char* network : {"", "  network: {kind: well_mixed}\n"}) {
    INFO("network: " << (*network ? network : "small world (default)"));
    std::string text = fixtures::tiny;
    text.replace(text.find("  adopters: 2000\n"), 17, std::string("  adopters: 20000\n  initial_adoption: 0.05\n") + network);
    const geosim::ScenarioDef def = load(text + "behaviour: {revisit_rate: 0.5, bass_p: 0.03, bass_q: 0.38}\n");
    geosim::World w(def);
    w.set_count_work(true);
    const auto& pop = w.population();
    const auto& net = w.network();
    const double max_hazard = (0.03 + 0.38) / 12, revisit = 0.5 / 12;
    std::uint64_t total_rows = 0, total_choices = 0;
    for (std::uint32_t month = 1; !w.done(); ++month) {
      const std::vector<std::uint16_t> before = pop.choice[pop.cur];
      w.step();
      const auto& after = pop.choice[pop.cur];
      geosim::World::UpdateWork expected;
      for (std::size_t i = 0; i < pop.count(); ++i) {
        const double u = geosim::unit_open(geosim::philox_words(def.seed, month, i / 4, geosim::Purpose::step)[i % 4]);
        const bool holder = before[i] != geosim::no_model;
        // Those that walk: holders that reconsider, and (after the initial draw) non-adopters whose draw
        // is below the largest hazard; they choose if they hold a model or now adopt.
        const bool walks = holder ? u < revisit : month > 1 && u < max_hazard;
        const bool chooses = holder ? u < revisit : after[i] != geosim::no_model;
        const std::uint64_t row = net.well_mixed() ? 0 : net.row_end(i) - net.row_begin(i);
        expected.rows += walks && !net.well_mixed(), expected.neighbours += walks ? row : 0;
        expected.choices += chooses, expected.choice_neighbours += chooses && month > 1 ? row : 0;
        // Candidates: the draw is below the bound for the adopter's state (in the first month, the
        // initial share), whether or not anything then changes.
        expected.candidates += holder ? u < revisit : u < (month == 1 ? 0.05 : max_hazard);
      }
      INFO("month " << month);
      const auto& work = w.update_work();
      CHECK(work.rows == expected.rows);
      CHECK(work.neighbours == expected.neighbours);
      CHECK(work.choices == expected.choices);
      CHECK(work.choice_neighbours == expected.choice_neighbours);
      CHECK(work.candidates == expected.candidates);
      CHECK(work.stream_seconds > 0);
      if (work.candidates > 0) CHECK(work.candidate_seconds > 0);
      total_rows += work.rows, total_choices += work.choices;
    }
    // The months had events to count: about 3% of non-adopters walk and 4% of holders reconsider.
    CHECK(total_choices > 1000);
    if (w.network().well_mixed())
      CHECK(total_rows == 0);
    else
      CHECK(total_rows > 5000);
  }
}

TEST_CASE("neighbour sums are the same with and without vectors, exactly") {
  // Signed sizes on the 2^-20 grid (as the population holds them) and rows of every length up to 40,
  // whose neighbours repeat and lie anywhere.
  std::vector<float> weight(5000);
  for (std::size_t k = 0; k < weight.size(); ++k) {
    const auto w = geosim::philox_words(5, 0, k, geosim::Purpose::design);
    const float size = geosim::size_quantum(static_cast<float>(std::exp(3 * (geosim::unit_open(w[0]) - 0.5))));
    weight[k] = w[1] % 2 ? size : -size;
  }
  std::vector<std::uint32_t> row;
  for (std::uint64_t c = 0; c < 2000; ++c) {
    row.clear();
    for (std::size_t j = 0; j < c % 41; ++j) row.push_back(geosim::philox_words(5, 1, c * 64 + j, geosim::Purpose::design)[0] % 5000);
    const auto plain = geosim::neighbour_sums(row.data(), row.size(), weight.data(), false);
    const auto vector = geosim::neighbour_sums(row.data(), row.size(), weight.data());
    double total = 0, adopted = 0;
    for (auto k : row) total += std::fabs(weight[k]), adopted += weight[k] > 0 ? weight[k] : 0.0f;
    CHECK(plain.total == total);
    CHECK(plain.adopted == adopted);
    CHECK(vector.total == plain.total);
    CHECK(vector.adopted == plain.adopted);
  }
}

TEST_CASE("one option, no frictions, well mixed: adoption follows the discrete Bass recursion") {
  auto def = load(mixed);
  const double p = def.behaviour.bass_p / 12, q = def.behaviour.bass_q / 12;
  const double n = static_cast<double>(def.population.adopters);
  geosim::World w(def);
  // Tolerance from the sampling error, propagated through the recursion (not tuned): new adopters in a
  // month are binomial, adding (1 - F) h (1 - h) / N to the variance of F, and an earlier deviation is
  // carried forward by the recursion's slope g = 1 - p + q - 2 q F.
  double expected = 0, variance = 0, worst_z = 0;
  while (!w.done()) {
    w.step();
    double h = p + q * expected, g = 1 - p + q - 2 * q * expected;
    variance = g * g * variance + (1 - expected) * h * (1 - h) / n;
    expected = expected + (1 - expected) * h;
    double got = geosim::find_output(w.outputs(), "world", "adoption");
    double se = std::sqrt(variance);
    worst_z = std::max(worst_z, std::abs(got - expected) / se);
    CHECK_MESSAGE(std::abs(got - expected) < 5 * se, w.last_month().str() << ": got " << got << ", Bass " << expected);
  }
  CHECK(expected > 0.99);  // the run covered the whole curve
  MESSAGE("largest deviation from the Bass recursion: " << worst_z << " standard errors");
}

TEST_CASE("no network effect and no switching cost: choice shares equal the logit shares") {
  auto def = load(R"(start: 2024-01
months: 1
seed: 11
population:
  adopters: 400000
  initial_adoption: 1
  size_sigma: 0
  risk_sigma: 0
  sectors: {enterprise: 1, public: 0, developer: 0}
  network: {kind: well_mixed}
behaviour:
  utility: {capability: 0.1, price: 0.8, openness: 1.0, neighbours: 0, switching_cost: 0, origin_risk: 2}
  hosting_margin: 0
  openness_weight: {enterprise: 0.5}
nations:
  - {id: A, bloc: {us: 1}}
  - {id: B, bloc: {china: 1}, adopter_weight: 0}
labs:
  - {id: a, origin: A, open: false, capability: 110, cost: 4, markup: 1}
  - {id: b, origin: A, open: true, capability: 100, cost: 1}
  - {id: c, origin: B, open: true, capability: 105, cost: 0.5}
)");
  geosim::World w(def);
  w.step();
  // Utilities computed here from the documented formula, independently of the engine. No chipmakers:
  // reference hardware. Month 1: no open usage yet, so lab a's price is 4 (1 + markup 1) = 8; open
  // prices are their costs (hosting margin 0).
  double u[3] = {0.1 * 110 - 0.8 * std::log(8.0), 0.1 * 100 - 0.8 * std::log(1.0) + 1.0 * 0.5,
                 0.1 * 105 - 0.8 * std::log(0.5) + 1.0 * 0.5 - 2.0 * 1.0};
  double z = std::exp(u[0]) + std::exp(u[1]) + std::exp(u[2]);
  const char* ids[3] = {"a", "b", "c"};
  for (int j = 0; j < 3; ++j) {
    double expected = std::exp(u[j]) / z;
    double got = geosim::find_output(w.outputs(), std::string("lab:") + ids[j], "usage_share");
    double se = std::sqrt(expected * (1 - expected) / 400000.0);
    CHECK_MESSAGE(std::abs(got - expected) < 5 * se, ids[j] << ": got " << got << ", logit " << expected);
  }
}

TEST_CASE("an event changes the world from its month on") {
  auto def = load(fixtures::tiny + "events:\n  - {at: 2024-06, set: {nations.A.ban_rival_models_in: [enterprise, public, developer]}}\n");
  geosim::World w(def);
  while (!w.done()) {
    w.step();
    double dep = geosim::find_output(w.outputs(), "nation:A", "rival_model_dependency");
    if (w.last_month().str() >= "2024-06") CHECK(dep == 0);
    if (w.last_month().str() == "2024-05") CHECK(dep > 0);
  }
}

TEST_CASE("the memory estimate covers what a world allocates, and grows with the population") {
  auto def = load(fixtures::replace(fixtures::tiny, "adopters: 2000", "adopters: 100000"));
  geosim::World w(def);
  CHECK(geosim::estimate_memory(def) >= w.adopter_bytes());
  CHECK(geosim::estimate_memory(def) < 2 * w.adopter_bytes() + (1 << 20));
  auto big = def;
  big.population.adopters = 100000000;
  big.population.degree = 64;
  CHECK(geosim::estimate_memory(big) > std::size_t{25} * 1000 * 1000 * 1000);
}

TEST_CASE("the monthly Bass recursion stays close to the continuous Bass curve (docs/model.md, section 4)") {
  auto largest_gap = [](double p, double q, int years) {
    double f = 0, worst = 0;
    for (int m = 1; m <= 12 * years; ++m) {
      f += (1 - f) * (p + q * f) / 12;
      double t = m / 12.0;
      double curve = (1 - std::exp(-(p + q) * t)) / (1 + q / p * std::exp(-(p + q) * t));
      worst = std::max(worst, std::abs(f - curve));
    }
    return worst;
  };
  CHECK(largest_gap(0.03, 0.38, 40) == doctest::Approx(0.006).epsilon(0.02));
  CHECK(largest_gap(0.3, 3.0, 10) == doctest::Approx(0.042).epsilon(0.02));
}

TEST_CASE("a world restored from its saved state continues exactly as the original") {
  auto def = load(fixtures::tiny + "events:\n  - {at: 2024-08, set: {labs.y.open: false}}\n");
  geosim::World original(def);
  for (int m = 0; m < 5; ++m) original.step();
  geosim::ByteWriter saved;
  original.save_state(saved);
  geosim::World restored(def);
  geosim::ByteReader in(saved.data());
  restored.load_state(in);
  CHECK(restored.months_done() == 5);
  while (!original.done()) {
    original.step();
    restored.step();
    REQUIRE(original.outputs().size() == restored.outputs().size());
    for (std::size_t i = 0; i < original.outputs().size(); ++i) CHECK(original.outputs()[i].value == restored.outputs()[i].value);
  }
  // A state cut short is refused, not half-loaded.
  std::string cut = saved.data().substr(0, saved.data().size() - 9);
  geosim::ByteReader short_in(cut);
  geosim::World other(def);
  CHECK_THROWS_AS(other.load_state(short_in), std::runtime_error);
}

TEST_CASE("a branch keeps the history's own decisions and changes only what the what-if names") {
  // In the history the open lab y closes itself (loss leader) in its second month.
  const std::string history_text =
      fixtures::replace(fixtures::tiny, "capability: 90, cost: 1}", "capability: 90, cost: 1, close_at_share: 0.2}") +
      "population: {adopters: 2000, initial_adoption: 0.5}\n";
  auto history = load(fixtures::replace(history_text, "population:\n  adopters: 2000\n", ""));
  geosim::World base(history);
  for (int m = 0; m < 6; ++m) base.step();
  REQUIRE_FALSE(base.params().labs[1].line.open);
  geosim::ByteWriter saved;
  base.save_state(saved);

  // The what-if changes one behaviour parameter and, with an event before the branch, x's markup.
  auto whatif = history;
  whatif.behaviour.bass_q = 0.9;
  geosim::EventDef cheaper;
  cheaper.at = whatif.start + 2;
  cheaper.changes.push_back({geosim::key_index(*geosim::find_key("labs[].markup")), 0, geosim::Value{0.5}});
  whatif.events.push_back(cheaper);
  geosim::World branch(whatif);
  geosim::ByteReader in(saved.data());
  branch.load_state(in, &history);
  CHECK(branch.months_done() == 6);
  CHECK_FALSE(branch.params().labs[1].line.open);       // the history's decision stands
  CHECK(branch.params().behaviour.bass_q == 0.9);  // the what-if's difference applies
  CHECK(branch.params().labs[0].line.markup == 0.5);    // including its events before the branch
  CHECK(branch.params().labs[1].close_at_share == 0.2);
  branch.step();
  CHECK(branch.last_month().str() == "2024-07");
}

TEST_CASE("the usage sums, updated by each month's changes, equal the sums over all adopters bit for bit") {
  // Two labs, one of which closes its weights (its users move to the frozen version) while a nation
  // bans the other origin's models (their users must choose again).
  std::string text = fixtures::tiny;
  text.replace(text.find("  adopters: 2000\n"), 17, "  adopters: 30000\n  initial_adoption: 0.3\n");
  geosim::ScenarioDef def = load(text + R"(events:
  - {id: close, at: 2024-04, set: {labs.y.open: false}}
  - {id: ban, at: 2024-07, set: {nations.A.ban_rival_models_in: [enterprise, public, developer]}}
)");
  geosim::World w(def);
  const auto& pop = w.population();
  // Every size lies on the 2^-20 grid, so any order of addition gives the same sums.
  for (std::size_t i = 0; i < pop.count(); ++i) {
    const double units = static_cast<double>(pop.size(i)) * 0x1p20;
    REQUIRE(units == std::floor(units));
    REQUIRE(units >= 1);
  }
  std::int64_t frozen = 0, moved = 0;
  std::vector<std::uint16_t> before = pop.choice[pop.cur];
  while (!w.done()) {
    w.step();
    const auto& usage = w.usage();
    std::vector<double> weight(usage.weight.size(), 0.0);
    std::vector<std::int64_t> count(usage.count.size(), 0);
    const auto& choice = pop.choice[pop.cur];
    for (std::size_t i = 0; i < pop.count(); ++i) {
      const std::size_t at = (pop.nation[i] * geosim::sector_count + pop.sector[i]) * usage.options +
                             (choice[i] == geosim::no_model ? usage.options - 1 : choice[i]);
      weight[at] += pop.size(i);
      count[at] += 1;
    }
    INFO("month " << w.last_month().str());
    REQUIRE(weight == usage.weight);
    REQUIRE(count == usage.count);
    for (std::size_t i = 0; i < pop.count(); ++i) {
      moved += choice[i] != before[i];
      frozen += choice[i] == 3;  // option L + j: lab y's frozen version
    }
    before = choice;
  }
  // The test saw what it is about: many changes, and adopters holding the frozen version.
  CHECK(moved > 10000);
  CHECK(frozen > 0);
}

namespace {

/// A world's saved state after two months, built on a heap whose free blocks hold `junk`: bytes a
/// state copied raw from its structs would carry in their padding.
std::string state_on_dirty_heap(const geosim::ScenarioDef& def, unsigned char junk) {
  {
    std::vector<std::unique_ptr<unsigned char[]>> blocks;
    for (std::size_t size = 16; size <= 4096; size += 8)
      for (int copies = 0; copies < 4; ++copies) {
        blocks.emplace_back(new unsigned char[size]);
        std::memset(blocks.back().get(), junk, size);
      }
  }
  geosim::World w(def);
  w.step();
  w.step();
  geosim::ByteWriter out;
  w.save_state(out);
  return out.data();
}

}  // namespace

TEST_CASE("a saved state is the same bytes whatever the heap held before") {
  const auto def = load(fixtures::tiny);
  const std::string zeros = state_on_dirty_heap(def, 0x00), ones = state_on_dirty_heap(def, 0xFF), other = state_on_dirty_heap(def, 0x5A);
  CHECK(zeros == ones);
  CHECK(zeros == other);
  geosim::World w(def);
  geosim::ByteReader in(zeros);
  CHECK_NOTHROW(w.load_state(in));
  CHECK(w.months_done() == 2);
}
