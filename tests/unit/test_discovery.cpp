// Scenario discovery: PRIM finds a planted box and follows its peeling rules step by step on a case
// worked by hand; the CART tree splits where a hand computation says and numbers nodes as sklearn.
// (tests/python/test_discovery.py checks the tree against scikit-learn itself.)
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "analysis/discovery/prim.h"
#include "analysis/discovery/tree.h"

using namespace geosim::discovery;

namespace {

/// n cases uniform in [0, 1]^k from a fixed seed (53 random bits per value, the same on every platform).
Eigen::MatrixXd uniform_cases(std::size_t n, Eigen::Index k, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), k);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < k; ++j) x(i, j) = static_cast<double>(gen() >> 11) * 0x1.0p-53;
  return x;
}

/// The planted box: x0 > 0.6 and x1 < 0.3.
std::vector<bool> planted(const Eigen::MatrixXd& x) {
  std::vector<bool> y;
  for (Eigen::Index i = 0; i < x.rows(); ++i) y.push_back(x(i, 0) > 0.6 && x(i, 1) < 0.3);
  return y;
}

Eigen::MatrixXd column(const std::vector<double>& v) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(v.size()), 1);
  for (std::size_t i = 0; i < v.size(); ++i) x(static_cast<Eigen::Index>(i), 0) = v[i];
  return x;
}

}  // namespace

TEST_CASE("PRIM finds a planted box in four dimensions and restricts only its two") {
  const Eigen::MatrixXd x = uniform_cases(2000, 4, 20240601);
  const std::vector<bool> y = planted(x);
  const auto trajectory = prim_peel(x, y);
  REQUIRE(trajectory.size() > 10);
  const Box& box = trajectory[choose_box(trajectory, 0.8)];
  CHECK(box.restricted == 2);
  for (Eigen::Index j : {2, 3}) {
    CHECK(box.lower[static_cast<std::size_t>(j)] == x.col(j).minCoeff());
    CHECK(box.upper[static_cast<std::size_t>(j)] == x.col(j).maxCoeff());
  }
  CHECK(std::abs(box.lower[0] - 0.6) <= 0.03);
  CHECK(std::abs(box.upper[1] - 0.3) <= 0.03);
  CHECK(box.density >= 0.9);
  CHECK(box.coverage >= 0.8);
}

TEST_CASE("PRIM's trajectory: box 0 is the data's box, coverage never rises, support always falls") {
  const Eigen::MatrixXd x = uniform_cases(2000, 4, 20240601);
  const std::vector<bool> y = planted(x);
  const auto trajectory = prim_peel(x, y);
  std::size_t interest = 0;
  for (bool v : y) interest += v;
  const Box& first = trajectory[0];
  CHECK(first.coverage == 1.0);
  CHECK(first.density == static_cast<double>(interest) / 2000.0);
  CHECK(first.support == 1.0);
  CHECK(first.restricted == 0);
  CHECK(first.cases == 2000);
  for (std::size_t b = 1; b < trajectory.size(); ++b) {
    CHECK(trajectory[b].coverage <= trajectory[b - 1].coverage);
    CHECK(trajectory[b].support < trajectory[b - 1].support);
    CHECK(trajectory[b].support >= 0.05);
  }
  // It stopped for one of its reasons: the density reached 1, or the next peel would leave too little.
  const Box& last = trajectory.back();
  CHECK((last.density == 1.0 || last.cases - last.cases / 20 < 100));
}

TEST_CASE("Pasting never lowers a box's density and leaves the whole data's box as it is") {
  const Eigen::MatrixXd x = uniform_cases(2000, 4, 20240601);
  const std::vector<bool> y = planted(x);
  const auto trajectory = prim_peel(x, y);
  for (const Box& b : trajectory) {
    const Box pasted = prim_paste(x, y, b);
    CHECK(pasted.density >= b.density);
    CHECK(pasted.cases >= b.cases);
  }
  const Box whole = prim_paste(x, y, trajectory[0]);
  CHECK(whole.lower == trajectory[0].lower);
  CHECK(whole.upper == trajectory[0].upper);
}

TEST_CASE("PRIM on ten cases in one dimension follows its rules step by step") {
  // x = 1..10; of interest: 4, 5, 6, 7 and 9 (5 of 10). peel_alpha 0.1 moves max(1, floor(0.1 m)) = 1
  // case per peel while m <= 19; min_support 0.5 stops at a box of fewer than 5 cases.
  //   box 0: [1, 10]  10 cases, 5 of interest: density 0.5
  //   peel:  lower drops 1 -> 5/9, upper drops 10 -> 5/9: a tie, one case each: the lower side
  //   box 1: [2, 10]   9 cases: 5/9;  then 2 and 10 tie again (5/8): lower
  //   box 2: [3, 10]   8 cases: 5/8;  then 3 and 10 tie (5/7): lower
  //   box 3: [4, 10]   7 cases: 5/7;  lower drops 4 (of interest) -> 4/6, upper drops 10 -> 5/6: upper
  //   box 4: [4, 9]    6 cases: 5/6;  lower drops 4 -> 4/5, upper drops 9 -> 4/5: a tie: lower
  //   box 5: [5, 9]    5 cases: 4/5, support 0.5; any next peel leaves 4 cases (support 0.4 < 0.5): stop
  const Eigen::MatrixXd x = column({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  const std::vector<bool> y = {false, false, false, true, true, true, true, false, true, false};
  const PrimOptions o{0.1, 0.1, 0.5};
  const auto t = prim_peel(x, y, o);
  REQUIRE(t.size() == 6);
  const double lower[] = {1, 2, 3, 4, 4, 5}, upper[] = {10, 10, 10, 10, 9, 9};
  const std::size_t cases[] = {10, 9, 8, 7, 6, 5}, of_interest[] = {5, 5, 5, 5, 5, 4};
  for (std::size_t b = 0; b < 6; ++b) {
    CAPTURE(b);
    CHECK(t[b].lower[0] == lower[b]);
    CHECK(t[b].upper[0] == upper[b]);
    CHECK(t[b].cases == cases[b]);
    CHECK(t[b].of_interest == of_interest[b]);
    CHECK(t[b].density == static_cast<double>(of_interest[b]) / static_cast<double>(cases[b]));
    CHECK(t[b].coverage == static_cast<double>(of_interest[b]) / 5.0);
    CHECK(t[b].support == static_cast<double>(cases[b]) / 10.0);
    CHECK(t[b].restricted == (b == 0 ? 0u : 1u));
  }
  // Every box covers at least 0.8 and box 4 (5/6) is the densest; it also covers all 5 (coverage 1).
  CHECK(choose_box(t, 0.8) == 4);
  CHECK(choose_box(t, 1.0) == 4);
  CHECK(choose_box(t, 0.0) == 4);
  // Pasting box 5 (m = 5, so one case per paste): the lower side takes in 4 (of interest) -> 5/6, the
  // upper side 10 -> 4/6; 5/6 > 4/5, so [4, 9]. Then 3 -> 5/7 and 10 -> 5/7, neither above 5/6: done.
  const Box pasted = prim_paste(x, y, t[5], o);
  CHECK(pasted.lower[0] == 4);
  CHECK(pasted.upper[0] == 9);
  CHECK(pasted.cases == 6);
  CHECK(pasted.of_interest == 5);
}

TEST_CASE("PRIM peels tied values together: a two-level parameter loses a whole level") {
  // The 1st smallest value is 0, shared by five cases: the lower peel takes all five (bound 1), and the
  // box is then pure. Peeling the upper side would take all five 1s and leave the 0s.
  const Eigen::MatrixXd x = column({0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  const std::vector<bool> y = {false, false, false, true, false, true, true, true, true, true};
  const auto t = prim_peel(x, y, {0.05, 0.05, 0.05});
  REQUIRE(t.size() == 2);
  CHECK(t[1].lower[0] == 1);
  CHECK(t[1].upper[0] == 1);
  CHECK(t[1].density == 1.0);
  CHECK(t[1].coverage == 5.0 / 6.0);
  // A column whose values are all equal offers no peel at all.
  const auto flat = prim_peel(column({2, 2, 2, 2}), {true, false, true, false});
  CHECK(flat.size() == 1);
}

TEST_CASE("PRIM breaks a tie in density by removing fewer cases, and pastes only what raises density") {
  // Six cases, five of interest; case 0 (0, 0) is not. Peeling (one case per peel, ties together):
  // x0 lower takes cases 0 and 1 (both at 0) -> 4/4; x1 lower takes case 0 alone -> 5/5; either upper
  // side takes case 5 (of interest) -> 4/5. Density 1 twice: x1's peel removes fewer, though x0 comes first.
  Eigen::MatrixXd x(6, 2);
  x << 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5;
  const std::vector<bool> y = {false, true, true, true, true, true};
  const auto t = prim_peel(x, y, {0.1, 0.1, 0.5});
  REQUIRE(t.size() == 2);
  CHECK(t[1].lower == std::vector<double>{0, 1});
  CHECK(t[1].upper == std::vector<double>{4, 5});
  CHECK(t[1].cases == 5);
  // Pasting [3, 4] (1 of 2 of interest): above, the two cases at 5 come in together -> 2/4, no denser;
  // below, 2 -> 1/3. Neither raises the density, so the box stays as it is.
  Box box;
  box.lower = {3}, box.upper = {4};
  const Box pasted = prim_paste(column({2, 3, 4, 5, 5}), {false, true, false, true, false}, box);
  CHECK(pasted.lower[0] == 3);
  CHECK(pasted.upper[0] == 4);
  CHECK(pasted.cases == 2);
}

TEST_CASE("PRIM breaks a tie between dimensions by the lower index") {
  // Two identical columns: every peel of one ties with the same peel of the other, so only
  // dimension 0 is ever peeled.
  Eigen::MatrixXd x = uniform_cases(500, 1, 7);
  x.conservativeResize(Eigen::NoChange, 2);
  x.col(1) = x.col(0);
  std::vector<bool> y;
  for (Eigen::Index i = 0; i < x.rows(); ++i) y.push_back(x(i, 0) > 0.7);
  const auto t = prim_peel(x, y);
  REQUIRE(t.size() > 1);
  for (const Box& b : t) {
    CHECK(b.lower[1] == x.col(1).minCoeff());
    CHECK(b.upper[1] == x.col(1).maxCoeff());
  }
  CHECK(t.back().density == 1.0);
  CHECK(t.back().lower[0] > 0.7);
}

TEST_CASE("choose_box takes the densest box that covers enough, on ties the one restricting fewer, then the earlier") {
  const auto box = [](double coverage, std::size_t of_interest, std::size_t cases, std::size_t restricted) {
    Box b;
    b.coverage = coverage, b.of_interest = of_interest, b.cases = cases, b.restricted = restricted;
    b.density = static_cast<double>(of_interest) / static_cast<double>(cases);
    return b;
  };
  // Densities 1/2, 9/15 and 6/10 (equal), and 3/4 with too little coverage for 0.5.
  std::vector<Box> t = {box(1.0, 10, 20, 0), box(0.9, 9, 15, 2), box(0.6, 6, 10, 1), box(0.3, 3, 4, 1)};
  CHECK(choose_box(t, 0.5) == 2);  // ties with box 1 on density and restricts fewer
  t[2].restricted = 2;
  CHECK(choose_box(t, 0.5) == 1);  // a full tie: the earlier box
  CHECK(choose_box(t, 0.2) == 3);
  CHECK(choose_box(t, 0.95) == 0);
  // Coverage is compared as stored, density as the exact fraction of_interest / cases.
  t[3].density = 0.0;
  CHECK(choose_box(t, 0.2) == 3);
}

TEST_CASE("PRIM and choose_box refuse what they cannot work on, saying why") {
  const Eigen::MatrixXd x = uniform_cases(50, 2, 3);
  std::vector<bool> y(50, false);
  y[3] = true;
  CHECK_THROWS_WITH_AS(prim_peel(Eigen::MatrixXd(0, 2), {}), doctest::Contains("at least one case"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(prim_peel(Eigen::MatrixXd(5, 0), std::vector<bool>(5, true)), doctest::Contains("one parameter"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(prim_peel(x, std::vector<bool>(49, true)), doctest::Contains("50 cases but 49 outcomes"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(prim_peel(x, std::vector<bool>(50, false)), doctest::Contains("at least one case of interest"), std::invalid_argument);
  Eigen::MatrixXd nan = x;
  nan(7, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(prim_peel(nan, y), doctest::Contains("case 7, parameter 1"), std::invalid_argument);
  for (double alpha : {0.0, 0.5, -0.1, 1.0, std::nan("")}) {
    CHECK_THROWS_WITH_AS(prim_peel(x, y, {alpha, 0.05, 0.05}), doctest::Contains("peel_alpha must lie in (0, 0.5)"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(prim_paste(x, y, prim_peel(x, y)[0], {0.05, alpha, 0.05}), doctest::Contains("paste_alpha"), std::invalid_argument);
  }
  for (double support : {0.0, 1.5, -1.0})
    CHECK_THROWS_WITH_AS(prim_peel(x, y, {0.05, 0.05, support}), doctest::Contains("min_support must lie in (0, 1]"), std::invalid_argument);
  CHECK(prim_peel(x, y, {0.05, 0.05, 1.0}).size() == 1);  // min_support 1: no peel may leave a case out
  Box wrong;
  wrong.lower = {0}, wrong.upper = {1};
  CHECK_THROWS_WITH_AS(prim_paste(x, y, wrong), doctest::Contains("the data has 2 parameters"), std::invalid_argument);
  wrong.lower = {2, 2}, wrong.upper = {3, 3};
  CHECK_THROWS_WITH_AS(prim_paste(x, y, wrong), doctest::Contains("holds no case"), std::invalid_argument);
  CHECK_THROWS_AS(choose_box({}, 0.5), std::invalid_argument);
  CHECK_THROWS_WITH_AS(choose_box(prim_peel(x, y), 1.5), doctest::Contains("min_coverage must lie in [0, 1]"), std::invalid_argument);
}

TEST_CASE("The tree's root splits on a planted dimension at its bound") {
  const Eigen::MatrixXd x = uniform_cases(2000, 4, 20240601);
  const auto nodes = grow_tree(x, planted(x), {2, 1});
  REQUIRE(nodes.size() >= 3);
  const TreeNode& root = nodes[0];
  CHECK((root.feature == 0 || root.feature == 1));
  CHECK(std::abs(root.threshold - (root.feature == 0 ? 0.6 : 0.3)) <= 0.03);
  CHECK(root.count0 + root.count1 == 2000);
  for (const TreeNode& n : nodes) {
    CHECK(n.depth <= 2);
    if (n.feature < 0) continue;
    const TreeNode &l = nodes[static_cast<std::size_t>(n.left)], &r = nodes[static_cast<std::size_t>(n.right)];
    CHECK(l.count0 + r.count0 == n.count0);
    CHECK(l.count1 + r.count1 == n.count1);
    CHECK(l.depth == n.depth + 1);
  }
}

TEST_CASE("The tree on six cases, worked by hand, numbered depth first, left first") {
  // y over x = 1..6 is 0 0 1 1 0 0. Weighted child Gini (n_left g_left + n_right g_right) after each
  // position: 1: 0 + 5(12/25) = 2.4; 2: 0 + 4(1/2) = 2; 3: 3(4/9) + 3(4/9) = 8/3; 4: 2; 5: 2.4. Positions
  // 2 and 4 tie: the first found (the lower threshold) wins, 2.5. The right node {1, 1, 0, 0} splits at 4.5.
  const Eigen::MatrixXd x = column({1, 2, 3, 4, 5, 6});
  const std::vector<bool> y = {false, false, true, true, false, false};
  const auto t = grow_tree(x, y, {3, 1});
  REQUIRE(t.size() == 5);
  CHECK(t[0].feature == 0);
  CHECK(t[0].threshold == 2.5);
  CHECK(t[0].left == 1);
  CHECK(t[0].right == 2);
  CHECK((t[1].feature == -1 && t[1].count0 == 2 && t[1].count1 == 0 && t[1].depth == 1));
  CHECK((t[2].feature == 0 && t[2].threshold == 4.5 && t[2].left == 3 && t[2].right == 4));
  CHECK((t[3].feature == -1 && t[3].count0 == 0 && t[3].count1 == 2 && t[3].depth == 2));
  CHECK((t[4].feature == -1 && t[4].count0 == 2 && t[4].count1 == 0));
  CHECK(tree_text(t, {"a"}) ==
        "all cases: 33% of 6 hold\n"
        "  a <= 2.5: 0% of 2 hold\n"
        "  a > 2.5: 50% of 4 hold\n"
        "    a <= 4.5: 100% of 2 hold\n"
        "    a > 4.5: 0% of 2 hold\n");
  CHECK(tree_text(t, {}).find("x0 <= 2.5") != std::string::npos);
  // min_samples_leaf 3 leaves one position (3): 3.5; its children, 3 cases < 2 * 3, are leaves.
  const auto t3 = grow_tree(x, y, {3, 3});
  REQUIRE(t3.size() == 3);
  CHECK(t3[0].threshold == 3.5);
  CHECK((t3[1].count0 == 2 && t3[1].count1 == 1 && t3[2].count0 == 2 && t3[2].count1 == 1));
  // max_depth 1: the root's children are leaves whatever they hold.
  CHECK(grow_tree(x, y, {1, 1}).size() == 3);
}

TEST_CASE("Of two parameters that split a node equally well the tree takes the lower-numbered, and says so") {
  // Two equal columns tie at every split; a third column of noise never ties.
  Eigen::MatrixXd x(6, 3);
  x.col(0) << 1, 2, 3, 4, 5, 6;
  x.col(1) = x.col(0);
  x.col(2) << 6, 1, 4, 2, 5, 3;
  const auto t = grow_tree(x, {false, false, true, true, false, false}, {3, 1});
  REQUIRE(t.size() == 5);
  CHECK(t[0].feature == 0);
  CHECK(t[0].tied);
  CHECK(t[2].feature == 0);
  CHECK(t[2].tied);
  // With the copy gone, nothing ties.
  const auto u = grow_tree(x.leftCols(1), {false, false, true, true, false, false}, {3, 1});
  CHECK_FALSE(u[0].tied);
  CHECK(u[0].threshold == t[0].threshold);
}

TEST_CASE("The tree sees x as scikit-learn does, rounded to float32") {
  // Thresholds are midpoints of the float32 values, halves summed in double.
  const auto t = grow_tree(column({0.1, 0.2, 0.3, 0.4}), {false, false, true, true});
  REQUIRE(t.size() == 3);
  CHECK(t[0].threshold == static_cast<double>(0.2f) / 2.0 + static_cast<double>(0.3f) / 2.0);
  CHECK(t[0].threshold != 0.25);
  // Values one float32 step apart differ by less than sklearn's FEATURE_THRESHOLD (1e-7): no split.
  CHECK(grow_tree(column({0.5, 0.5 + 6e-8}), {false, true}).size() == 1);
  CHECK(grow_tree(column({0.5, 0.5 + 3e-7}), {false, true}).size() == 3);
  // A pure node is a leaf.
  CHECK(grow_tree(column({1, 2, 3}), {true, true, true}).size() == 1);
}

TEST_CASE("The tree refuses what it cannot work on, saying why") {
  CHECK_THROWS_WITH_AS(grow_tree(Eigen::MatrixXd(0, 1), {}), doctest::Contains("at least one case"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(grow_tree(column({1, 2}), {true}), doctest::Contains("2 cases but 1 outcomes"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(grow_tree(column({1, std::nan("")}), {true, false}), doctest::Contains("case 1, parameter 0"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(grow_tree(column({1, 1e300}), {true, false}), doctest::Contains("float32"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(grow_tree(column({1, 2}), {true, false}, {0, 1}), doctest::Contains("max_depth >= 1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(grow_tree(column({1, 2}), {true, false}, {3, 0}), doctest::Contains("min_samples_leaf >= 1"), std::invalid_argument);
  std::vector<TreeNode> t = grow_tree(column({1, 2}), {true, false});
  REQUIRE(t.size() == 3);
  CHECK_NOTHROW(tree_text(t, {"a"}));
  t[0].feature = 1;
  CHECK_THROWS_WITH_AS(tree_text(t, {"a"}), doctest::Contains("splits on feature 1 but only 1 names"), std::invalid_argument);
  t[0].left = 0;
  CHECK_THROWS_WITH_AS(tree_text(t, {}), doctest::Contains("not a later node"), std::invalid_argument);
  CHECK_THROWS_AS(tree_text({}, {}), std::invalid_argument);
}
