#!/usr/bin/env bash
# Regenerates docs/validation.md and its figures (docs/figures/validation/) from the scenario files:
# the two-stage calibration, the 20-seed ensemble of the baseline against targets T1-T9, the baseline
# to 2035 against the long-run plausibility checks, the spread of 2035 across points that meet every
# target, the history match and its plausible set (scenarios/calibration/plausible.csv), and the
# model's simple-case checks. Needs a built geosim (./setup.sh build). A few minutes on
# two cores.
# Usage: docs/update-validation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3  # Debian's, with python3-yaml (setup.sh installs it)
[[ -x $python ]] || python=python3
work=runs/validation
rm -rf "$work" && mkdir -p "$work" docs/figures/validation
targets=scenarios/calibration/targets.yaml
tables() { "$python" analysis/calibration/ranking_tables.py "$@" --targets "$targets"; }

# Calibration: both stages (analysis/calibration/calibrate.sh writes runs/calibration/).
analysis/calibration/calibrate.sh >/dev/null
cal=runs/calibration
stage1_points=$(($(wc -l <"$cal/stage1-ranking.csv") - 1))
stage2_points=$(($(wc -l <"$cal/stage2-ranking.csv") - 1))
stage1_counts=$(tables "$cal/stage1-ranking.csv" counts)
stage2_counts=$(tables "$cal/stage2-ranking.csv" counts)
read -r t12_both t1_alone t2_alone <<<"$(tables "$cal/stage1-ranking.csv" both T1 T2)"
stage1_best=$(awk -F, 'NR == 2 {print $1}' "$cal/stage1-ranking.csv")
best=$(awk -F, 'NR == 2 {print $1}' "$cal/stage2-ranking.csv")
top=$(tables "$cal/stage2-ranking.csv" top 5)

# The calibrated baseline as a 20-seed ensemble over 2023-2024.
build/geosim sweep scenarios/calibration/baseline-ensemble.yaml --store "$work/baseline.db" --quiet
build/geosim targets "$work/baseline.db" --targets "$targets" --format markdown >"$work/targets.md"
build/geosim targets "$work/baseline.db" --targets "$targets" --format csv >"$work/targets.csv"
build/geosim report "$work/baseline.db" --out "$work/report" >/dev/null
rm -f docs/figures/validation/*.svg
cp "$work"/report/figures/series-*.svg docs/figures/validation/
met=$(awk -F, 'NR > 1 && $1 !~ /\// && $9 == "yes"' "$work/targets.csv" | wc -l)
total=$(awk -F, 'NR > 1 && $1 !~ /\//' "$work/targets.csv" | wc -l)

# The baseline to 2035: the long-run checks.
build/geosim sweep scenarios/calibration/long-run.yaml --store "$work/long-run.db" --quiet
events=$(awk '/^  - id:/ {getline; if ($1 == "at:") printf "%s%s", (n++ ? "," : ""), $2}' scenarios/baseline.yaml)
"$python" analysis/calibration/long_run.py "$work/long-run.db" --events "$events" >"$work/long-run.md"
long_checks=$(sed -n '1,/^$/p' "$work/long-run.md")
long_outputs=$(sed -n '/^$/,$p' "$work/long-run.md" | sed '1d')
long_passed=$(awk -F'|' 'NR > 2 && $3 ~ /^ 20 of 20 / {n++} END {print n + 0}' <<<"$long_checks")
build/geosim report "$work/long-run.db" --out "$work/long-report" >/dev/null
for s in ai_spend-world revenue_closed_labs-world price_index-world capability_gap_us_china-world usage_share.us_closed-world \
         usage_share.china_open-without-CN; do
  cp "$work/long-report/figures/series-$s.svg" "docs/figures/validation/long-run-$s.svg"
done

# Parameter uncertainty: the baseline's point and the five best points of stage 1 (from all over the
# first stage's ranges), each run to 2035.
spread="| point | targets met | US closed share | Chinese open share | outside China | US lead, months | closed-lab value index | world AI spend 2035, USD/yr |
|---|---|---|---|---|---|---|---|"
while read -r point count args; do
  # shellcheck disable=SC2086
  build/geosim run scenarios/baseline.yaml --set population.adopters=20000 $args --out "$work/spread-$point" --quiet
  spread+=$'\n'$(awk -F, -v p="$point" -v n="$count" '$1 ~ /^2035-/ && $2 == "world" && $3 == "ai_spend" {s += $4}
    $1 == "2035-12" && $2 == "world" && $3 == "usage_share.us_closed" {u = $4}
    $1 == "2035-12" && $2 == "world" && $3 == "usage_share.china_open" {c = $4}
    $1 == "2035-12" && $2 == "without:CN" && $3 == "usage_share.china_open" {x = $4}
    $1 == "2035-12" && $2 == "world" && $3 == "capability_gap_us_china" {g = $4}
    $1 == "2035-12" && $2 == "world" && $3 == "closed_value_index" {v = $4}
    END {printf "| %s | %s | %.2f | %.2f | %.3f | %.1f | %.3g | %.3g |", p, n, u, c, x, g, v, s}' "$work/spread-$point/series.csv")
done < <(tables "$cal/stage2-ranking.csv" first 1 | sed 's/^/stage-2:/'; tables "$cal/stage1-ranking.csv" first 5 | sed 's/^/stage-1:/')
# History matching: the waves, the plausible set (scenarios/calibration/plausible.csv is its sample) and
# its spread over the long run.
rm -f "$cal"/hm.db*
build/geosim calibrate scenarios/calibration/history-match.yaml --store "$cal/hm.db" --out "$cal/hm-calibration" --quiet
hm="$cal/hm-calibration"
cp "$hm/plausible.csv" scenarios/calibration/plausible.csv
cp "$hm/figures/nroy.svg" docs/figures/validation/hm-nroy.svg
cp "$hm/figures/plausible-ranges.svg" docs/figures/validation/hm-plausible-ranges.svg
hm_waves=$(awk -F, 'NR > 1' "$hm/waves.csv" | wc -l)
cp "$hm/figures/validation-wave-$hm_waves.svg" docs/figures/validation/hm-validation-last-wave.svg
hm_table="| wave | rule: rule out when this implausibility exceeds 3 | points x seeds | runs/s | emulators used | candidates kept | NROY share of the space |
|---|---|---|---|---|---|---|"
hm_table+=$'\n'$(awk -F, 'NR > 1 {printf "| %s | %s | %s x 4 | %.0f | %s of %s | %s of %s | %.3g%% ± %.2g%% |\n", $1, ($2 == 1 ? "the largest" : "the " $2 "nd largest"), $3,
                   $7, $8, $9, $12, $10, 100 * $14, 100 * $15}' "$hm/waves.csv")
hm_last=$(awk -F, -v w="$hm_waves" 'NR > 1 && $1 == w {printf "%.3g%%", 100 * $14}' "$hm/waves.csv")
hm_first=$(awk -F, 'NR == 2 {printf "%.3g%%", 100 * $14}' "$hm/waves.csv")
hm_conflicts=$(awk -F, 'NR > 1' "$hm/conflicts.csv" | wc -l)
hm_base=$(sed -n '/^## The base scenario.s own point/,/^## Emulators/p' "$hm/report.md" | sed '1,4d;$d')
if ((hm_conflicts == 0)); then
  hm_conflict_text="No two targets conflict: within the stated uncertainties every pair is met together somewhere, T1 and T2
included (the two-stage calibration's pull between them is a pull on the bands' edges, which the uncertainties widen)."
else
  hm_conflict_text="Conflicts found: $hm_conflicts (runs/calibration/hm-calibration/conflicts.csv lists them, and the calibration report names them)."
fi
hm_ranges=$(sed -n '/^| parameter | range | plausible 5% | 95% | share of the range |/,/^$/p' "$hm/report.md")
hm_emulators=$(awk -F, -v w="$hm_waves" 'NR > 1 && $1 == w {t++; if ($3 == "yes") {n++; h += $11; i += $12}}
  END {printf "%d of the %d emulators were used, and %d of their %d held-out points lay within 3 sd of them", n, t, i, h}' "$hm/emulators.csv")

build/tests/geosim_tests -tc="*Bass*,*logit*,*lock-in*" >"$work/checks.txt" 2>&1 || true
checks=$(grep -E "test cases:" "$work/checks.txt" | head -1)
t7=$(awk -F, '$1 == "T7a" {printf "%.0f", -100 * $2}' "$work/targets.csv")

cat >docs/validation.md <<DOC
# Validation: the baseline against 2023–2024, to 2035, and the model's simple cases

Generated by \`docs/update-validation.sh\` from \`scenarios/baseline.yaml\` and the files in
\`scenarios/calibration/\` (\`calibrate.yaml\`, \`baseline-ensemble.yaml\`, \`long-run.yaml\`, \`targets.yaml\`);
do not edit by hand.

## Targets met: $met of $total

The baseline (100,000 adopters) run with 20 seeds over 2023–2024; for each target the published figure,
the band the model must reach, and the ensemble mean with its 90% interval (5th to 95th percentile over
the seeds). A target is met when the ensemble mean lies in the band (for T8, all three of its values).

$(cat "$work/targets.md")

Where the values come from: T1 is the US–China capability gap (\`capability_gap_us_china\`) at 2024-12
over the gap at 2023-12; T2 the best closed minus the best open capability (\`open_closed_lag\`) at
2024-12; T3 the enterprise sector's open share averaged over 2024; T4 the usage share of Chinese open
models outside China at 2024-12 (\`usage_share.china_open\` of scope \`without:CN\`: like-for-like with
a global gateway little used inside China); T5 the fall per year of the price of the start's frontier
capability (\`price_fixed_capability\`) from 2023-01 to 2024-12; T6 DeepSeek's price over OpenAI's at
2024-12 (the best Chinese open and US closed models of December 2024); T7 the change from 2023-01 to
2024-12 of Nvidia's (both its parts) and Huawei's shares of the chips bought in China
(\`chip_purchase_share\` of nation CN: labs' compute, closed models' serving and the hosting of open
weights, [model.md](model.md) 3.14); T8 OpenAI's revenue summed over 2023 and over 2024, and their
ratio; T9 OpenAI's valuation at 2024-10.

T7 is met in direction, and the model's swing is large: Nvidia's share of China's chip purchases falls
by $t7 points over two years, where Nvidia's China revenue fell from 26% to 16% of its total (FY2022
to FY2024). The target asks only for the direction; the size of the swing is not calibrated and should
not be read as a forecast.

Figures (mean and 5–95% band over the 20 seeds):

![capability gap](figures/validation/series-capability_gap_us_china-world.svg)
![open-closed lag](figures/validation/series-open_closed_lag-world.svg)
![enterprise open share](figures/validation/series-open_share.enterprise-world.svg)
![Chinese open models' share outside China](figures/validation/series-usage_share.china_open-without-CN.svg)
![price at fixed capability](figures/validation/series-price_fixed_capability-world.svg)
![Huawei's share of the chips bought in China](figures/validation/series-chip_purchase_share.huawei-nation-CN.svg)
![OpenAI's revenue](figures/validation/series-revenue-lab-openai.svg)

## The long run: 2035 with no new policy

The same baseline, 20 seeds at 100,000 adopters, run to 2035-12 with no event after 2024
(\`scenarios/calibration/long-run.yaml\`, checked by \`analysis/calibration/long_run.py\`). Checks passed
by every seed: $long_passed of 4.

$long_checks

Headline outputs (ensemble mean and 5–95% over the seeds; sums over the calendar year where it says
"per year"):

$long_outputs

How the model keeps these: demand for AI work responds to prices with a long-run elasticity above 1
([model.md](model.md) 3.10), so spending grows while the price per token falls, and closed labs' revenue
grows with it; the compute a lab needs for a month of progress grows with how far ahead it is (3.11), so
money buys a lead that grows only with its log, no lab runs away with the market, and the frontier's
pace follows what labs can spend; markups erode only as open lines of similar capability gain usage
(3.7); chipmakers' capacity grows toward the compute asked of them (3.13), so that rationing is a lag,
not a ceiling. The frontier's pace (the table's frontier row) follows what labs can spend against
compute needs that grow with capability. Where the US lead settles after China's catch-up of
2023–2024 is not constrained by the targets, which bound the catch-up, not where it stops (see the
spread across calibrated points below).


![world AI spend](figures/validation/long-run-ai_spend-world.svg)
![closed labs' revenue](figures/validation/long-run-revenue_closed_labs-world.svg)
![price index](figures/validation/long-run-price_index-world.svg)
![US lead over China](figures/validation/long-run-capability_gap_us_china-world.svg)
![US closed models' share](figures/validation/long-run-usage_share.us_closed-world.svg)
![Chinese open models' share outside China](figures/validation/long-run-usage_share.china_open-without-CN.svg)

## Calibration

One command: \`analysis/calibration/calibrate.sh\` (this script runs it too), in two stages, each a
Latin hypercube of two seeds per point in a 10,000-adopter world over 2023–2024, ranked by
\`geosim targets\`: most targets met first (on the mean over the two seeds; T8 counts once, met when all
three of its values are), then the smallest total miss of the others (how far outside its band each
value lies, relative to the band's width), then, among points that miss nothing, the largest smallest
margin (how far inside its band the value nearest a bound lies, on the same scale).

1. \`scenarios/calibration/calibrate.yaml\`: $stage1_points points over wide ranges of the baseline's
   judgement parameters that the targets can inform (utility weights, sector weights, distillation,
   compute needs and research efficiency, Chinese labs' funding and efficiency, Huawei's affinity and
   ecosystem, cost decline, capability cost, commoditization, the demand level, valuation multiples,
   chip-choice sensitivity, DeepSeek's cost, hosting margin and OpenAI's markup). Counts: $stage1_counts.
2. \`runs/calibration/refine.yaml\`, written by \`analysis/calibration/refine.py\`: $stage2_points points in
   a box of ±20% (log) around stage 1's best point ($stage1_best), clipped to stage 1's ranges. Counts:
   $stage2_counts.

The five best points of stage 2 (target values are the means over the two seeds):

$top

The baseline takes point $best of stage 2, with its values rounded to two significant figures and
marked "(calibrated, docs/validation.md)" in \`scenarios/baseline.yaml\`. The ensemble above then
checks the choice at the baseline's full population and with 20 seeds.

**T1 and T2 pull against each other.** In stage 1, $t1_alone points meet T1 (the US lead shrinks to a
quarter over 2024) and $t2_alone meet T2 (open models lag by 3 to 15 months), but only $t12_both meet
both: when China's best model is open, its gap to the US frontier is at least the open–closed lag, so
T1 needs a 2023-12 gap of 12 months or more closing to 3–4 months within 2024. Model lines give a
second route: Alibaba's closed Qwen-Max can be China's best while the best open model lags. The margins
of both targets are small in every point that meets all ten (the table above); a seed or a rounding
can move T1 or T2 across its bound, and the ensemble's 90% intervals show how close they are.

The range of the serving-cost decline (\`cost_decline\`) is capped at 70% a year: compounded to 2035,
faster declines drive prices toward their floor of 10⁻⁹ USD per 1M tokens (an earlier model's
calibration at 90% did, and wiped out the closed labs' value).

**The targets do not pin down the long run.** The baseline's point (stage 2's first) and the five best
points of stage 1, which lie far apart in its ranges and each meet 9 of the 10 targets, each run to
2035 (one seed, 20,000 adopters):

$spread

Two years of data leave the decade's outcome open: what-ifs are best read as differences from the
baseline, and sweeps over these parameters (\`scenarios/sweeps/\`) show how much each outcome depends on
them.

## History matching: the plausible set

The calibration above keeps one point. Others meet the same targets, and what-ifs depend on which:
history matching ([calibration.md](calibration.md)) rules out the points where the model cannot meet
the targets within their observation errors, its structural discrepancy (each with its reason in
\`scenarios/calibration/targets.yaml\`), its seed noise and its emulators' uncertainty, and keeps the rest.
One command: \`build/geosim calibrate scenarios/calibration/history-match.yaml --store runs/calibration/hm.db\`
(this script runs it too): the same 25 parameters and ranges as stage 1, 10,000 adopters over
2023–2024, $hm_waves waves of 400 points with 4 seeds each, the twelve values of T1–T9 matched.

$hm_table

Wave 1 keeps $hm_first of the space, wave $hm_waves $hm_last (the share of the 25-dimensional box of
the ranges that no wave rules out). $hm_conflict_text In the last wave $hm_emulators.

![NROY share per wave](figures/validation/hm-nroy.svg)
![the last wave's emulators against held-out runs](figures/validation/hm-validation-last-wave.svg)

The calibrated baseline's own values of the 25 parameters, judged by each wave's emulators:

$hm_base

What the targets constrain: the plausible sample (\`scenarios/calibration/plausible.csv\`, the points
\`geosim compare\` runs what-ifs over) within each parameter's range. One at a time, most parameters
keep nearly their whole range (a sample spread evenly over a range keeps 90% of it between its 5th and
95th percentiles); the targets constrain combinations of them, which is why $hm_last of the box is left.

$hm_ranges
![plausible sample within the ranges](figures/validation/hm-plausible-ranges.svg)

## Simple cases

The model reduces to textbook results when its mechanisms are isolated; these checks run in the unit
suite (\`tests/unit/test_world.cpp\`, \`tests/unit/test_mechanisms.cpp\`) and were run again for this page:
- **Bass diffusion.** One option, no frictions, a well-mixed population: the adopted share follows the
  discrete Bass recursion month by month within binomial sampling error, and the monthly recursion
  stays close to the continuous Bass curve ([model.md](model.md), section 4).
- **Logit choice.** No network effect and no switching cost: the choice shares equal the multinomial
  logit shares of the options' utilities within sampling error.
- **Lock-in.** With strong increasing returns (neighbour weight high), one of two equal platforms
  takes the market, as in Arthur (1989).

Result of this run: \`$checks\`
DOC
echo "wrote docs/validation.md ($met of $total targets met; $long_passed of 4 long-run checks) and $(ls docs/figures/validation | wc -l) figures"
