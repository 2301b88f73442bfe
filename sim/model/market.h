#pragma once
// The market side of a month (docs/model.md 3.4, 3.6-3.8, 3.13): origin risk, materials supply, where
// chips are bought under export rules, serving costs and prices, the choice tables adopters read, and
// chipmakers' ecosystems.
#include <cstddef>
#include <string>
#include <vector>

#include "model/state.h"

namespace geosim {

/// Risk each nation sees in each nation as an origin: b_n^T H b_o with normalized bloc mixes.
std::vector<double> origin_risk(const ScenarioDef& def);  // [viewer * N + origin]

/// Whether nation `viewer` counts nation `origin` as a rival (never itself): the test behind bans and
/// dependency indices.
inline bool is_rival(const std::vector<double>& risk, std::size_t nations, std::size_t viewer, std::size_t origin, double threshold) {
  return origin != viewer && risk[viewer * nations + origin] >= threshold;
}

/// Dominant bloc of a nation (ties go to the earlier bloc: us, china, nonaligned).
Bloc dominant_bloc(const NationDef& nation);

/// Index of a nation, lab or chipmaker id, or -1.
int index_of_nation(const ScenarioDef& def, const std::string& id);
int index_of_lab(const ScenarioDef& def, const std::string& id);
int index_of_chipmaker(const ScenarioDef& def, const std::string& id);

/// Sets each chipmaker's supply from materials export bans.
void update_supply(const ScenarioDef& def, const Index& idx, std::vector<ChipState>& chips);

/// Effective performance per dollar of line l on chipmaker m for buyers of nation `buyer`: 0 when the
/// buyer may not buy m's chips (export ban, buyer-side ban, tier 0) or the line does not run on them.
double effective_perf(const ScenarioDef& def, const std::vector<ChipState>& chips, std::size_t l, std::size_t m, std::size_t buyer);

/// Where buyers of each nation buy the chips that run each line this month: shares of their purchases
/// by chipmaker, and the performance per dollar of that mix.
struct ChipMarket {
  std::size_t nations = 0, chipmakers = 0;
  std::vector<double> share;        // [(l * N + b) * M + m]: share of their purchases from chipmaker m
  std::vector<double> chip_perf;    // [(l * N + b) * M + m]: performance per dollar they get from m (0: may not buy)
  std::vector<double> perf;         // [l * N + b]: performance per dollar of their mix
  std::vector<std::uint8_t> buys;   // [l * N + b]: 1 when some chipmaker sells to them

  std::size_t row(std::size_t l, std::size_t buyer) const { return l * nations + buyer; }
  const double* shares(std::size_t row) const { return share.data() + row * chipmakers; }
  const double* chip_perfs(std::size_t row) const { return chip_perf.data() + row * chipmakers; }

};

/// This month's chip market from the rules in force and chipmakers' ecosystems.
ChipMarket make_chip_market(const ScenarioDef& def, const std::vector<ChipState>& chips);

/// Serving costs, each line's own performance (its lab's purchases) and its price.
void set_prices(const ScenarioDef& def, const Index& idx, const ChipMarket& market, int months_done, std::vector<LineState>& lines);

/// Price line l charges, or would charge, while closed: serving cost times a markup that open lines of
/// other labs within reach erode, less its lab's subsidy.
double closed_price(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, std::size_t l);

/// Price of line l's open weights served by hosts at `cost` on chips of performance `perf`: cost plus
/// hosting margin, less its lab's subsidy.
double hosted_price(const ScenarioDef& def, const Index& idx, double cost, std::size_t l, double perf);

/// Per (nation, sector, option) tables an adopter's choice reads this month, and per (nation, option)
/// what it pays and runs on.
struct ChoiceTables {
  std::size_t options = 0;              // 2 lines
  std::vector<std::uint8_t> available;  // [(n * S + s) * options + o]
  std::vector<double> base_utility;     // [(n * S + s) * options + o]: capability, price, openness, attributes
  std::vector<double> risk;             // [(n * S + s) * options + o]: weighted origin risk, to multiply by the adopter's sensitivity
  std::vector<double> price;            // [n * options + o]: price an adopter of nation n pays, USD per 1M tokens
  std::vector<double> capability;       // [o]: the option's capability
  std::vector<std::size_t> chips;       // [n * options + o]: ChipMarket row of the chips it runs on for nation n
};

/// A cost or price per 1M tokens kept within [10^-9, 10^9] USD: far outside any real price, so that
/// only extreme parameter sets meet the bounds, which keep them finite (a cost can grow exponentially
/// with capability); a value that is not a number takes the upper bound.
double bounded_price(double p);

/// Builds this month's choice tables.

ChoiceTables make_choice_tables(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, const ChipMarket& market,
                                const std::vector<double>& nation_risk);

/// Advances chipmakers' ecosystems from this month's usage on their chips, and their capacity toward
/// this month's demand.
void advance_chipmakers(const ScenarioDef& def, const std::vector<LineState>& lines, std::vector<ChipState>& chips);

}  // namespace geosim
