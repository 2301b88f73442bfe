"""Scenario discovery: which parameters decide an outcome over many parameter points. PRIM boxes
(Friedman & Fisher 1999; Bryant & Lempert 2010) and a CART classification tree (Breiman et al. 1984)
that grows scikit-learn's tree; docs/discovery.md states every rule.

    runs = geosim.load_store("sweep.db").runs
    x, y = runs[["behaviour.bass_q", "behaviour.utility.price"]], runs["china_open_end"] > 0.3
    boxes = geosim.prim(x, y)
    box = boxes["trajectory"][geosim.choose_box(boxes)]
    print(geosim.tree(x, y)["text"])
"""

import numpy as np

from . import _geosim


def _cases(x):
    """x as a C-ordered float64 matrix (rows = cases) and its column names (a frame's, else x0, x1, ...)."""
    names = [str(c) for c in x.columns] if hasattr(x, "columns") else None
    x = np.ascontiguousarray(np.asarray(x, dtype=np.float64))
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (rows = cases, columns = parameters), got {x.ndim} dimensions")
    return x, names or [f"x{j}" for j in range(x.shape[1])]


def _outcomes(y):
    """y as float64 zeros and ones (the core refuses anything else, naming the case)."""
    return np.ascontiguousarray(np.asarray(y, dtype=np.float64))


def prim(x, y, peel_alpha=0.05, paste_alpha=0.05, min_support=0.05):
    """PRIM over cases x (a frame or 2-D array, rows = cases) with outcomes y (booleans or 0/1: the cases of
    interest). Returns {"names", "trajectory", "pasted"}: the peeling trajectory, box 0 the whole data's,
    each box a dict {lower, upper (per parameter, inclusive), coverage, density, support, restricted (how
    many parameters it bounds), cases, of_interest}; pasted[i] is trajectory[i] pasted outwards."""
    x, names = _cases(x)
    out = _geosim.prim(x, _outcomes(y), peel_alpha, paste_alpha, min_support)
    out["names"] = names
    return out


def choose_box(trajectory, min_coverage=0.5):
    """The index of the box a report shows by default: of the boxes with coverage >= min_coverage, the
    densest; ties to fewer restricted parameters, then the earlier box. Takes prim()'s result or a list
    of its boxes (its trajectory, or its pasted boxes)."""
    if isinstance(trajectory, dict):
        trajectory = trajectory["trajectory"]
    return _geosim.choose_box(list(trajectory), min_coverage)


def tree(x, y, max_depth=3, min_samples_leaf=1):
    """A CART classification tree (Gini) of outcomes y over cases x: the tree scikit-learn's
    DecisionTreeClassifier(max_depth, min_samples_leaf) grows wherever no two parameters split a node
    equally well, nodes in its order (depth first, left first). Returns {"names", "feature" (-1 for a
    leaf), "threshold" (x <= threshold goes left), "left", "right", "count0", "count1" (cases of each
    outcome at the node), "depth", "tied" (another parameter splits the node as well; the
    lowest-numbered is taken), "text" (the rules, named)}."""
    x, names = _cases(x)
    out = _geosim.tree(x, _outcomes(y), max_depth, min_samples_leaf, names)
    out["names"] = names
    return out
