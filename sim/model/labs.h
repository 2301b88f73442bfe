#pragma once
// The lab, chipmaker and policy side of a month: who may use and buy what, what each option is worth
// to an adopter, and how labs' capability and prices move. All of it is small (tens of agents) and
// serial; the adopters (world.cpp) are the parallel part.
#include <cstdint>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// A lab's changing state.
struct LabState {
  double capability = 0;      // capability-months
  double price = 0;           // USD per 1M tokens
  int chip = -1;              // chipmaker its models run on, or -1 when it can buy none
  double compute_factor = 1;  // growth multiplier from the chips it may buy, in [0, 1]
};

/// Risk each nation sees in each nation as an origin: b_n^T H b_o, with bloc mixes b normalized.
std::vector<double> origin_risk(const ScenarioDef& def);  // [viewer * N + origin]

/// Dominant bloc of a nation (ties go to the earlier bloc: us, china, nonaligned).
Bloc dominant_bloc(const NationDef& nation);

/// Index of each id in a list, for turning references into indices.
int index_of_nation(const ScenarioDef& def, const std::string& id);
int index_of_chipmaker(const ScenarioDef& def, const std::string& id);

/// Per (nation, sector, lab) tables an adopter's choice reads this month.
struct ChoiceTables {
  std::size_t labs = 0;
  std::vector<std::uint8_t> available;  // [(n * S + s) * L + j]: 1 if the option is open
  std::vector<double> base_utility;     // [(n * S + s) * L + j]: capability, price and openness terms
  std::vector<double> risk;             // [n * L + j]: origin risk of lab j as nation n sees it
};

/// Builds this month's choice tables from the policies in force and the labs' state.
ChoiceTables make_choice_tables(const ScenarioDef& def, const std::vector<LabState>& labs, const std::vector<double>& nation_risk);

/// Chooses each lab's chips under export controls and sets its compute factor.
void assign_chips(const ScenarioDef& def, std::vector<LabState>& labs);

/// Advances every lab one month: capability from compute, distillation and community; prices.
/// `usage_share[j]` is lab j's share of the world's usage this month. Reads `labs`, returns the next.
std::vector<LabState> advance_labs(const ScenarioDef& def, const std::vector<LabState>& labs, const std::vector<double>& usage_share);

}  // namespace geosim
