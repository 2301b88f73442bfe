"""A scenario as a function of its parameters, in the form exploratory-modelling tools call: f(**params) -> dict."""

import numpy as np
import pandas as pd

from .scenario import key_path, load
from .world import World


def _outcome(name, spec):
    """An outcome as (scope, metric, first month, last month or None for the last simulated), or a callable."""
    if callable(spec):
        return spec
    if isinstance(spec, str):
        spec = {"metric": spec}
    if not isinstance(spec, dict) or "metric" not in spec:
        raise TypeError(f"outcome {name!r}: give a metric name, a dict like a sweep's record ({{metric, scope, at or mean}}), "
                        "or a function of the run's outputs")
    unknown = set(spec) - {"metric", "scope", "at", "mean"}
    if unknown:
        raise TypeError(f"outcome {name!r}: unknown field {', '.join(sorted(unknown))} (metric, scope, at, mean)")
    if "at" in spec and "mean" in spec:
        raise TypeError(f"outcome {name!r}: give at or mean, not both")
    scope = spec.get("scope", "world")
    if "mean" in spec:
        first, last = spec["mean"]
        return scope, spec["metric"], pd.Timestamp(first), pd.Timestamp(last)
    at = spec.get("at")
    return scope, spec["metric"], None if at is None else pd.Timestamp(at), None if at is None else pd.Timestamp(at)


def _value(name, outcome, frame):
    if callable(outcome):
        return float(outcome(frame))
    scope, metric, first, last = outcome
    rows = frame[(frame["scope"] == scope) & (frame["metric"] == metric)]
    if rows.empty:
        raise KeyError(f"outcome {name!r}: the run has no metric {metric!r} of scope {scope!r} (geosim.metrics() lists them)")
    if first is None:
        return float(rows["value"].iloc[-1])
    window = rows[(rows["month"] >= first) & (rows["month"] <= last)]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if len(window) != months:
        raise ValueError(f"outcome {name!r}: {first:%Y-%m} to {last:%Y-%m} is not inside the run's months "
                         f"({rows['month'].iloc[0]:%Y-%m} to {rows['month'].iloc[-1]:%Y-%m})")
    return float(np.mean(window["value"].to_numpy()))


def ema_model(scenario, outcomes, *, threads=0, **fixed):
    """A function f(**params) -> {outcome: number} that runs `scenario` with the parameters given:
    each keyword names a scenario key (`__` for `.`, or pass a dict: f(**{"labs.deepseek.open": True})),
    and `seed`, `adopters` and `months` act as in geosim.load. `fixed` holds overrides every call uses
    (the call's own parameters apply after them). Outcomes map names to a metric (world scope, last
    month), a dict like a sweep's record ({"metric", "scope", "at": "YYYY-MM"} or "mean": [first,
    last]), or a function of the run's tidy frame. The scenario is checked once, when the function is made."""
    checks = {name: _outcome(name, spec) for name, spec in outcomes.items()}
    if not checks:
        raise ValueError("an EMA model needs at least one outcome")
    base = load(scenario, **{k: v for k, v in fixed.items()})

    def model(**params):
        options = {k: params.pop(k) for k in ("seed", "adopters", "months") if k in params}
        world = World(base, threads=threads, set={key_path(k): v for k, v in params.items()}, **options)
        frame = world.run()
        return {name: _value(name, outcome, frame) for name, outcome in checks.items()}

    model.__doc__ = f"Runs scenario '{base.name}' with the keyword parameters given; returns {', '.join(checks)}."
    return model
