"""geosim.tree against scikit-learn's DecisionTreeClassifier, its oracle (the same tree, node for node, where
no two parameters tie), and geosim.prim's chosen box against the purest leaf of sklearn's tree on a planted
box (docs/discovery.md)."""

import unittest

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import geosim


def planted(seed, n, k, noise=0.05):
    """n cases uniform in [0, 1]^k, of interest inside the planted box x0 > 0.6 and x1 < 0.3, with a share
    `noise` of the outcomes flipped."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, k))
    y = (x[:, 0] > 0.6) & (x[:, 1] < 0.3)
    return x, y ^ (rng.random(n) < noise)


def sklearn_tree(x, y, max_depth, min_samples_leaf):
    """sklearn's tree in geosim.tree's form: feature -1 and threshold 0 at a leaf, class counts per node."""
    t = DecisionTreeClassifier(criterion="gini", max_depth=max_depth, min_samples_leaf=min_samples_leaf, random_state=0).fit(x, y).tree_
    leaf = t.children_left < 0
    # sklearn 1.2 keeps the (weighted) class counts in value; from 1.4 on it keeps fractions.
    value = t.value[:, 0, :] if np.allclose(t.value[:, 0, :].sum(axis=1), t.n_node_samples) else t.value[:, 0, :] * t.n_node_samples[:, None]
    if value.shape[1] == 1:  # one class only: sklearn keeps one column
        value = np.c_[value, np.zeros(len(value))] if not y.any() else np.c_[np.zeros(len(value)), value]
    return {"feature": list(np.where(leaf, -1, t.feature)), "threshold": np.where(leaf, 0.0, t.threshold), "left": list(t.children_left),
            "right": list(t.children_right), "count0": list(np.rint(value[:, 0]).astype(int)), "count1": list(np.rint(value[:, 1]).astype(int))}


def leaf_boxes(tree, lower, upper):
    """Each leaf's box: the data's bounds narrowed by the thresholds on its path."""
    out = {}

    def walk(node, lo, hi):
        if tree["feature"][node] < 0:
            out[node] = (lo, hi)
            return
        f, t = tree["feature"][node], tree["threshold"][node]
        walk(tree["left"][node], lo, np.where(np.arange(len(hi)) == f, np.minimum(hi, t), hi))
        walk(tree["right"][node], np.where(np.arange(len(lo)) == f, np.maximum(lo, t), lo), hi)

    walk(0, np.asarray(lower, float), np.asarray(upper, float))
    return out


class Tree(unittest.TestCase):
    def assert_same_tree(self, ours, theirs):
        for key in ("feature", "left", "right", "count0", "count1"):
            self.assertEqual(list(ours[key]), list(theirs[key]), key)
        np.testing.assert_array_equal(ours["threshold"], theirs["threshold"])  # exactly: the same float32 midpoints

    def assert_same_until_a_tie(self, ours, theirs):
        """Where geosim marks no node tied, the trees are equal; else they agree on every node before the
        first tied one (sklearn may break the tie the other way, and everything after it may differ).
        Returns whether the whole trees were compared."""
        if not any(ours["tied"]):
            self.assert_same_tree(ours, theirs)
            return True
        first = ours["tied"].index(True)
        for key in ("feature", "threshold", "count0", "count1"):
            self.assertEqual(list(ours[key][:first]), list(theirs[key][:first]), key)
        self.assertEqual((ours["count0"][first], ours["count1"][first]), (theirs["count0"][first], theirs["count1"][first]))
        return False

    def test_the_tree_is_sklearns_node_for_node_on_a_noisy_planted_box(self):
        compared = total = 0
        for seed in range(3):
            for n in (300, 1000):
                for k in (3, 4, 5):
                    for leaf in (1, 5):
                        with self.subTest(seed=seed, n=n, k=k, min_samples_leaf=leaf):
                            x, y = planted(100 * seed + k, n, k)
                            ours, theirs = geosim.tree(x, y, max_depth=3, min_samples_leaf=leaf), sklearn_tree(x, y, 3, leaf)
                            self.assertGreater(len(theirs["feature"]), 7)  # a tree worth comparing, not a stump
                            compared += self.assert_same_until_a_tie(ours, theirs)
                            total += 1
                            self.assertIn(ours["feature"][0], (0, 1))
        self.assertGreaterEqual(compared, 0.5 * total, f"only {compared} of {total} trees had no tie")

    def test_few_level_parameters_and_constant_columns(self):
        # Parameters with few levels tie between features at many nodes (a split's score depends only on
        # the class counts either side): geosim marks those nodes, and agrees with sklearn up to them.
        compared = total = 0
        for seed in range(6):
            rng = np.random.default_rng(7000 + seed)
            n, k = int(rng.integers(40, 500)), int(rng.integers(3, 7))
            x = rng.integers(0, 4, (n, k)).astype(float) if seed % 2 == 0 else np.round(rng.normal(size=(n, k)), 2)
            x[:, 2] = 1.5
            y = rng.random(n) < 1 / (1 + np.exp(x[:, -1] - x[:, 0] + rng.normal(size=n)))
            for depth, leaf in ((3, 1), (6, 2), (12, 1)):
                with self.subTest(seed=seed, max_depth=depth, min_samples_leaf=leaf):
                    ours = geosim.tree(x, y, depth, leaf)
                    self.assertNotIn(2, ours["feature"])  # the constant column never splits
                    compared += self.assert_same_until_a_tie(ours, sklearn_tree(x, y, depth, leaf))
                    total += 1
        self.assertGreater(compared, 0)
        self.assertLess(compared, total)  # ties do happen here: the marking is exercised

    def test_a_frame_names_the_rules(self):
        x, y = planted(3, 1000, 3, noise=0)
        frame = pd.DataFrame(x, columns=["behaviour.utility.price", "behaviour.bass_q", "labs.x.quality"])
        tree = geosim.tree(frame, pd.Series(y), max_depth=2)
        self.assertEqual(tree["names"], list(frame.columns))
        lines = tree["text"].splitlines()
        self.assertRegex(lines[0], r"^all cases: \d+% of 1000 hold$")
        self.assertRegex(lines[1], r"^  behaviour\.(utility\.price|bass_q) <= 0\.[0-9]+: \d+% of \d+ hold$")
        self.assertEqual(len(lines), 1 + 2 * sum(f >= 0 for f in tree["feature"]))

    def test_what_the_tree_cannot_use_is_refused(self):
        x, y = planted(1, 50, 2)
        with self.assertRaisesRegex(ValueError, "50 cases but 49 outcomes"):
            geosim.tree(x, y[:-1])
        with self.assertRaisesRegex(ValueError, "0/1 or booleans: case 0 is 2"):
            geosim.tree(x, np.full(50, 2))
        with self.assertRaisesRegex(ValueError, "2-D"):
            geosim.tree(x[:, 0], y)
        with self.assertRaisesRegex(ValueError, "max_depth >= 1"):
            geosim.tree(x, y, max_depth=0)


class Prim(unittest.TestCase):
    def test_prims_box_is_the_purest_leaf_of_sklearns_tree_on_a_planted_box(self):
        for seed in range(3):
            for n in (1000, 2000):
                for k in (3, 4, 5):
                    with self.subTest(seed=seed, n=n, k=k):
                        x, y = planted(seed, n, k, noise=0)
                        boxes = geosim.prim(x, y)
                        box = boxes["trajectory"][geosim.choose_box(boxes, min_coverage=0.8)]
                        tree = sklearn_tree(x, y, 3, 5)
                        leaves = leaf_boxes(tree, x.min(axis=0), x.max(axis=0))
                        purest = max(leaves, key=lambda l: (tree["count1"][l] / (tree["count0"][l] + tree["count1"][l]), tree["count1"][l]))
                        lo, hi = leaves[purest]
                        # The box holds the leaf (to 0.05) and bounds it as closely on the planted sides.
                        self.assertTrue(np.all(np.asarray(box["lower"]) <= lo + 0.05), (box["lower"], lo))
                        self.assertTrue(np.all(np.asarray(box["upper"]) >= hi - 0.05), (box["upper"], hi))
                        self.assertLessEqual(abs(box["lower"][0] - lo[0]), 0.05)
                        self.assertLessEqual(abs(box["upper"][1] - hi[1]), 0.05)
                        restricted = [j for j in range(k) if box["lower"][j] > x[:, j].min() or box["upper"][j] < x[:, j].max()]
                        self.assertEqual(restricted, [0, 1])
                        self.assertEqual(box["restricted"], 2)
                        self.assertGreaterEqual(box["coverage"], 0.8)

    def test_the_trajectory_and_its_pasted_boxes(self):
        x, y = planted(5, 1000, 4)
        frame = pd.DataFrame(x, columns=list("abcd"))
        boxes = geosim.prim(frame, y, peel_alpha=0.1, paste_alpha=0.05, min_support=0.1)
        self.assertEqual(boxes["names"], list("abcd"))
        trajectory, pasted = boxes["trajectory"], boxes["pasted"]
        self.assertEqual(len(trajectory), len(pasted))
        first = trajectory[0]
        self.assertEqual((first["coverage"], first["support"], first["restricted"], first["cases"]), (1.0, 1.0, 0, 1000))
        self.assertEqual(first["density"], y.mean())
        self.assertEqual(first["lower"], list(x.min(axis=0)))
        for before, after in zip(trajectory, trajectory[1:]):
            self.assertLessEqual(after["coverage"], before["coverage"])
            self.assertLess(after["cases"], before["cases"])
            self.assertGreaterEqual(after["support"], 0.1)
        for box, paste in zip(trajectory, pasted):
            self.assertGreaterEqual(paste["density"], box["density"])
        self.assertEqual(geosim.choose_box(boxes), geosim.choose_box(trajectory, 0.5))
        self.assertEqual(geosim.choose_box(trajectory, 1.0), max(range(len(trajectory)), key=lambda b: (trajectory[b]["coverage"] == 1.0,
                                                                                                          trajectory[b]["density"], -b)))

    def test_what_prim_cannot_use_is_refused(self):
        x, y = planted(2, 100, 3)
        with self.assertRaisesRegex(ValueError, "at least one case of interest"):
            geosim.prim(x, np.zeros(100, bool))
        bad = x.copy()
        bad[4, 2] = np.nan
        with self.assertRaisesRegex(ValueError, "case 4, parameter 2"):
            geosim.prim(bad, y)
        with self.assertRaisesRegex(ValueError, r"peel_alpha must lie in \(0, 0.5\)"):
            geosim.prim(x, y, peel_alpha=0.5)
        with self.assertRaisesRegex(ValueError, r"min_support must lie in \(0, 1\]"):
            geosim.prim(x, y, min_support=0)
        with self.assertRaisesRegex(ValueError, r"min_coverage must lie in \[0, 1\]"):
            geosim.choose_box(geosim.prim(x, y), 2)


if __name__ == "__main__":
    unittest.main()
