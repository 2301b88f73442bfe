"""Scenarios from Python: a file, a dict or a loaded Scenario, with overrides as `geosim run --set` takes them."""

import json
import math
import os

from . import _geosim

Scenario = _geosim.Scenario


def key_path(name):
    """A keyword argument's name as a key path: `behaviour__bass_q` is `behaviour.bass_q`."""
    return name.replace("__", ".")


def yaml_value(value):
    """A Python value as the YAML text an override takes: a str is YAML already (as after --set key=),
    bools, numbers, lists and dicts are written as JSON, which YAML reads as the same value."""
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):
        value = value.tolist()  # a numpy scalar or array
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a value a scenario key takes (numbers must be finite)")
    if isinstance(value, (bool, int, float, list, tuple, dict)):
        return json.dumps(value, allow_nan=False)
    raise TypeError(f"cannot give {type(value).__name__} {value!r} to a scenario key: use a bool, number, str, list or dict")


def overrides(set=None, keys=None, seed=None, adopters=None):
    """The (key path, YAML value) overrides, in the order they apply: `set`, then keyword keys, then
    adopters and seed."""
    out = []
    for path, value in (set or {}).items():
        out.append((str(path), yaml_value(value)))
    for name, value in (keys or {}).items():
        out.append((key_path(name), yaml_value(value)))
    if adopters is not None:
        out.append(("population.adopters", yaml_value(adopters)))
    if seed is not None:
        out.append(("seed", yaml_value(seed)))
    return out


def load(scenario, *, seed=None, months=None, adopters=None, set=None, base_dir=None, **keys):
    """Loads and validates a scenario as `geosim run` does: a YAML file's path, a dict of the same keys
    (its `extends` resolves against base_dir, default the working folder), or a Scenario. Overrides:
    `set` maps key paths to values; keyword arguments name keys with `__` for `.`; `adopters` and
    `seed` set population.adopters and seed; `months` shortens or lengthens the run as --months does.
    A refused scenario raises ValueError with every problem, file:line:column first."""
    sets = overrides(set, keys, seed, adopters)
    if isinstance(scenario, Scenario):
        loaded = _geosim.load_text(scenario.resolved_yaml(), scenario.name, base_dir or ".", sets) if sets else scenario
    elif isinstance(scenario, dict):
        text = json.dumps(scenario, allow_nan=False)
        loaded = _geosim.load_text(text, str(scenario.get("name", "python")), base_dir or os.getcwd(), sets)
    elif isinstance(scenario, (str, os.PathLike)):
        path = os.fspath(scenario)
        if not os.path.exists(path):
            raise FileNotFoundError(f"no scenario file {path!r} (give a path to a YAML file, a dict or a geosim.Scenario)")
        loaded = _geosim.load(path, sets)
    else:
        raise TypeError(f"a scenario is a file path, a dict or a geosim.Scenario, not {type(scenario).__name__}")
    if months is not None:
        loaded = loaded.with_horizon(int(months))
    return loaded
