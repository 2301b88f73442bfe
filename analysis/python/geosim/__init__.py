"""geosim from Python: run scenarios into tidy pandas frames, step a World month by month, pull levers,
branch from checkpoints, look at the adopters as numpy arrays, and read back runs and sweep stores.

    import geosim
    frame = geosim.run("scenarios/baseline.yaml", adopters=20_000, seed=1)
    geosim.wide(frame, "world", ["adoption", "price_index"])

docs/python.md describes the whole interface; docs/examples/ holds a notebook that uses it.
"""

from . import _geosim
from .discovery import choose_box, prim, tree
from .ema import ema_model
from .frames import wide
from .scenario import Scenario, load
from .tables import load_run, load_store
from .world import Checkpoint, World, run

NO_MODEL = _geosim.no_model  # the choice code of an adopter that uses no model


def metrics():
    """Every output metric as declared (name, scope, unit, meaning, definition), as a frame."""
    import pandas as pd

    return pd.DataFrame(_geosim.metrics())


def describe(scope, metric):
    """What an output row is, from its declaration: {name (as declared, e.g. usage_share.<bloc>_<openness>),
    unit, meaning, definition} for a scope such as "nation:US" and a metric such as "usage_share.china_open"."""
    return _geosim.describe(scope, metric)


def label(scope, metric):
    """An axis label for an output row: its meaning and, in brackets, its unit."""
    d = describe(scope, metric)
    return f"{d['meaning'].rstrip('.')} [{d['unit']}]"


def schema():
    """Every scenario key as declared (path, type, default, unit, meaning, settable), as a frame."""
    import pandas as pd

    return pd.DataFrame(_geosim.schema())


__all__ = ["Checkpoint", "NO_MODEL", "Scenario", "World", "choose_box", "describe", "ema_model", "label", "load", "load_run", "load_store",
           "metrics", "prim", "run", "schema", "tree", "wide"]
