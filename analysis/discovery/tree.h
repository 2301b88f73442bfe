#pragma once
// A CART classification tree (Breiman et al. 1984) grown by Gini impurity: node for node the tree
// scikit-learn's DecisionTreeClassifier grows wherever no two parameters split a node equally well, so
// that sklearn can serve as its test oracle (sklearn breaks such ties by a random order of the
// parameters; this tree takes the lowest-numbered one and says so). docs/discovery.md states the rules,
// with sklearn's float32 view of the values.
#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace geosim::discovery {

/// One node of a classification tree: a split (feature, threshold: x[feature] <= threshold goes left) or a leaf.
struct TreeNode {
  int feature = -1;  // -1 for a leaf
  double threshold = 0;
  int left = -1, right = -1;
  std::size_t count0 = 0, count1 = 0;  // training cases of each class that reach the node
  std::size_t depth = 0;
  bool tied = false;  // another parameter splits the node as well; the lowest-numbered one was taken
};

/// How far a tree may grow: its deepest level (the root is depth 0) and the fewest cases a leaf may hold.
struct TreeOptions {
  std::size_t max_depth = 3, min_samples_leaf = 1;
};

/// A CART tree grown by Gini impurity, numbered as scikit-learn numbers its nodes (depth first, left child first).
std::vector<TreeNode> grow_tree(const Eigen::MatrixXd& x, const std::vector<bool>& y, const TreeOptions& o = {});

/// The tree as indented text rules with parameter names, e.g. "behaviour.utility.price <= 0.91: 83% of 120 hold".
/// Names may be empty (features are then called x0, x1, ...).
std::string tree_text(const std::vector<TreeNode>& nodes, const std::vector<std::string>& names);

}  // namespace geosim::discovery
