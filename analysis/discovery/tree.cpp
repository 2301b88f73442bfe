#include "analysis/discovery/tree.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace geosim::discovery {
namespace {

// scikit-learn's constants: values closer than FEATURE_THRESHOLD (a float32, added in float32) count
// as one value, and an impurity or improvement within EPSILON of zero counts as zero.
constexpr float feature_threshold = 1e-7f;
constexpr double epsilon = std::numeric_limits<double>::epsilon();

/// Gini impurity of a node with these class counts, in sklearn's order of operations.
double gini(double c0, double c1) {
  const double n = c0 + c1, sq = c0 * c0 + c1 * c1;
  return 1.0 - sq / (n * n);
}

/// The best split found so far at a node, and sklearn's proxy score that ranks it.
struct Split {
  int feature = -1;
  double threshold = 0, proxy = -std::numeric_limits<double>::infinity();
};

/// A node waiting to be added: its cases, where it hangs, and its impurity (known from its parent's split).
struct Pending {
  std::vector<Eigen::Index> cases;
  std::size_t depth = 0;
  int parent = -1;
  bool is_left = false;
  double impurity = 0;
};

/// The best split of a node's cases: each parameter in turn, each threshold between two distinct
/// values from the lowest up, keeping a split only when its score is strictly higher than the best
/// so far, so that of equal scores the lowest-numbered parameter, then the lowest threshold, wins.
/// `tied` says whether another parameter reached the same best score.
Split node_split(const Eigen::MatrixXf& xf, const std::vector<bool>& y, const std::vector<Eigen::Index>& cases, std::size_t min_leaf, bool& tied) {
  Split best;
  tied = false;
  const std::size_t m = cases.size();
  std::vector<std::pair<float, bool>> sorted(m);
  std::vector<std::size_t> ones(m + 1);  // ones[p]: cases of class 1 among the p smallest
  double total1 = 0;
  for (auto i : cases) total1 += y[static_cast<std::size_t>(i)];
  const double total0 = static_cast<double>(m) - total1;
  std::vector<double> feature_best(static_cast<std::size_t>(xf.cols()), -std::numeric_limits<double>::infinity());
  for (Eigen::Index f = 0; f < xf.cols(); ++f) {
    for (std::size_t s = 0; s < m; ++s) sorted[s] = {xf(cases[s], f), y[static_cast<std::size_t>(cases[s])]};
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // float32 sums, as sklearn's Cython computes them.
    if (sorted[m - 1].first <= static_cast<float>(sorted[0].first + feature_threshold)) continue;  // constant here
    for (std::size_t s = 0; s < m; ++s) ones[s + 1] = ones[s] + sorted[s].second;
    std::size_t p = 0;
    while (p < m) {
      // Step over values sklearn treats as one.
      while (p + 1 < m && sorted[p + 1].first <= static_cast<float>(sorted[p].first + feature_threshold)) ++p;
      ++p;
      if (p >= m || p < min_leaf || m - p < min_leaf) continue;
      const double nl = static_cast<double>(p), nr = static_cast<double>(m - p);
      const double l1 = static_cast<double>(ones[p]), l0 = nl - l1;
      const double proxy = -nr * gini(total0 - l0, total1 - l1) - nl * gini(l0, l1);
      feature_best[static_cast<std::size_t>(f)] = std::max(feature_best[static_cast<std::size_t>(f)], proxy);
      if (!(proxy > best.proxy)) continue;
      best.proxy = proxy, best.feature = static_cast<int>(f);
      // Half of each, summed: the midpoint without overflow; if it rounds up to the upper value, the lower.
      const double a = sorted[p - 1].first, b = sorted[p].first;
      best.threshold = a / 2.0 + b / 2.0;
      if (best.threshold == b || std::isinf(best.threshold)) best.threshold = a;
    }
  }
  tied = best.feature >= 0 && std::count(feature_best.begin(), feature_best.end(), best.proxy) > 1;
  return best;
}

void write_rules(const std::vector<TreeNode>& nodes, const std::vector<std::string>& names, int node, std::size_t indent, std::string& out) {
  const TreeNode& n = nodes[static_cast<std::size_t>(node)];
  if (n.feature < 0) return;
  char threshold[32];
  std::snprintf(threshold, sizeof threshold, "%.4g", n.threshold);
  for (int child : {n.left, n.right}) {
    const TreeNode& c = nodes[static_cast<std::size_t>(child)];
    const std::size_t cases = c.count0 + c.count1;
    char line[64];
    std::snprintf(line, sizeof line, ": %.0f%% of %zu hold\n", 100.0 * static_cast<double>(c.count1) / static_cast<double>(cases), cases);
    // Appended piece by piece: GCC 12 warns falsely about chains of std::string temporaries (its bug 105651).
    out.append(indent, ' ');
    if (names.empty()) out += 'x', out += std::to_string(n.feature);
    else out += names[static_cast<std::size_t>(n.feature)];
    out += child == n.left ? " <= " : " > ";
    out += threshold;
    out += line;
    write_rules(nodes, names, child, indent + 2, out);
  }
}

}  // namespace

std::vector<TreeNode> grow_tree(const Eigen::MatrixXd& x, const std::vector<bool>& y, const TreeOptions& o) {
  if (x.rows() == 0 || x.cols() == 0)
    throw std::invalid_argument("a tree needs at least one case and one parameter, got " + std::to_string(x.rows()) + " cases of " +
                                std::to_string(x.cols()) + " parameters");
  if (y.size() != static_cast<std::size_t>(x.rows()))
    throw std::invalid_argument("a tree needs one outcome per case: " + std::to_string(x.rows()) + " cases but " + std::to_string(y.size()) +
                                " outcomes");
  if (o.max_depth < 1 || o.min_samples_leaf < 1)
    throw std::invalid_argument("a tree needs max_depth >= 1 and min_samples_leaf >= 1, got " + std::to_string(o.max_depth) + " and " +
                                std::to_string(o.min_samples_leaf));
  // scikit-learn fits on x rounded to float32; so does this tree, so that its splits are sklearn's.
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      if (!std::isfinite(x(i, j)) || std::abs(x(i, j)) > std::numeric_limits<float>::max())
        throw std::invalid_argument("a tree needs finite parameter values within float32's range: case " + std::to_string(i) + ", parameter " +
                                    std::to_string(j) + " is " + std::to_string(x(i, j)));
  const Eigen::MatrixXf xf = x.cast<float>();
  const double total = static_cast<double>(x.rows());

  std::vector<TreeNode> nodes;
  std::vector<Pending> stack(1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) stack[0].cases.push_back(i);
  {
    double c1 = 0;
    for (bool v : y) c1 += v;
    stack[0].impurity = gini(total - c1, c1);
  }
  while (!stack.empty()) {
    Pending at = std::move(stack.back());
    stack.pop_back();
    const std::size_t m = at.cases.size();
    TreeNode node;
    node.depth = at.depth;
    for (auto i : at.cases) (y[static_cast<std::size_t>(i)] ? node.count1 : node.count0)++;
    bool leaf = at.depth >= o.max_depth || m < 2 || m < 2 * o.min_samples_leaf || at.impurity <= epsilon;
    Split split;
    std::vector<Eigen::Index> left, right;
    double impurity_left = 0, impurity_right = 0;
    bool tied = false;
    if (!leaf) {
      split = node_split(xf, y, at.cases, o.min_samples_leaf, tied);
      leaf = split.feature < 0;
    }
    if (!leaf) {
      for (auto i : at.cases) (static_cast<double>(xf(i, split.feature)) <= split.threshold ? left : right).push_back(i);
      double l1 = 0, r1 = 0;
      for (auto i : left) l1 += y[static_cast<std::size_t>(i)];
      for (auto i : right) r1 += y[static_cast<std::size_t>(i)];
      const double nl = static_cast<double>(left.size()), nr = static_cast<double>(right.size()), n = static_cast<double>(m);
      impurity_left = gini(nl - l1, l1), impurity_right = gini(nr - r1, r1);
      const double improvement = (n / total) * (at.impurity - (nr / n * impurity_right) - (nl / n * impurity_left));
      leaf = improvement + epsilon < 0;  // sklearn's test against min_impurity_decrease = 0
    }
    const int id = static_cast<int>(nodes.size());
    if (at.parent >= 0) (at.is_left ? nodes[static_cast<std::size_t>(at.parent)].left : nodes[static_cast<std::size_t>(at.parent)].right) = id;
    if (!leaf) node.feature = split.feature, node.threshold = split.threshold, node.tied = tied;
    nodes.push_back(node);
    if (leaf) continue;
    // Right pushed first, so the left subtree is numbered first, as sklearn's depth-first builder does.
    stack.push_back(Pending{std::move(right), at.depth + 1, id, false, impurity_right});
    stack.push_back(Pending{std::move(left), at.depth + 1, id, true, impurity_left});
  }
  return nodes;
}

std::string tree_text(const std::vector<TreeNode>& nodes, const std::vector<std::string>& names) {
  if (nodes.empty()) throw std::invalid_argument("tree_text needs a tree with at least one node");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const TreeNode& n = nodes[i];
    if (n.feature < 0) continue;
    if (!names.empty() && static_cast<std::size_t>(n.feature) >= names.size())
      throw std::invalid_argument("node " + std::to_string(i) + " splits on feature " + std::to_string(n.feature) + " but only " +
                                  std::to_string(names.size()) + " names were given");
    for (int c : {n.left, n.right})
      if (c <= static_cast<int>(i) || c >= static_cast<int>(nodes.size()))
        throw std::invalid_argument("node " + std::to_string(i) + " has child " + std::to_string(c) + ", not a later node of the tree");
  }
  const TreeNode& root = nodes[0];
  const std::size_t cases = root.count0 + root.count1;
  char line[64];
  std::snprintf(line, sizeof line, "all cases: %.0f%% of %zu hold\n", cases ? 100.0 * static_cast<double>(root.count1) / static_cast<double>(cases) : 0.0,
                cases);
  std::string out = line;
  write_rules(nodes, names, 0, 2, out);
  return out;
}

}  // namespace geosim::discovery
