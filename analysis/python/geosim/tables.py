"""What geosim wrote, read back as tidy tables: a run's folder (geosim run) and a sweep's store (geosim sweep)."""

import json
import os
import sqlite3
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .frames import month_dates

STORE_APPLICATION_ID = 0x47454F53  # "GEOS": PRAGMA application_id of every sweep store
STORE_FORMAT = "geosim-sweep-store 1"


def load_run(folder):
    """A `geosim run` output folder as a tidy frame (month as a date, scope, metric, value); attrs hold
    the resolved scenario's text ("scenario_yaml") and, when the folder has one, run.json ("run")."""
    folder = os.fspath(folder)
    series = os.path.join(folder, "series.csv")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"no run folder {folder!r} (geosim run --out names it)")
    if not os.path.isfile(series):
        marker = os.path.join(folder, "INCOMPLETE")
        why = "the run did not finish (INCOMPLETE is there)" if os.path.exists(marker) else "it holds no series.csv"
        raise ValueError(f"{folder!r} is not a finished geosim run: {why}")
    frame = pd.read_csv(series, dtype={"month": str, "scope": "category", "metric": "category", "value": np.float64},
                        keep_default_na=False, na_values=["nan", "NA"], float_precision="round_trip")
    if list(frame.columns) != ["month", "scope", "metric", "value"]:
        raise ValueError(f"{series} has columns {list(frame.columns)}, not month, scope, metric, value")
    frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
    resolved = os.path.join(folder, "scenario.resolved.yaml")
    if os.path.isfile(resolved):
        with open(resolved, encoding="utf-8") as f:
            frame.attrs["scenario_yaml"] = f.read()
    meta = os.path.join(folder, "run.json")
    if os.path.isfile(meta):
        with open(meta, encoding="utf-8") as f:
            frame.attrs["run"] = json.load(f)
    return frame


def load_store(path):
    """A sweep store as tidy tables (read only; the store is not changed):
    meta (dict), parameters (idx, path), records (idx, name, metric, scope, first_month, last_month),
    points (point, parameter, value as written, number), runs (one row per run: point, replicate, seed,
    status, error, each parameter's value, each record), series (run, point, replicate, scope, metric,
    month as a date, value)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no sweep store {path!r} (geosim sweep --store names it)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app != STORE_APPLICATION_ID or "meta" not in tables:
            raise ValueError(f"{path} is not a geosim sweep store")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != STORE_FORMAT:
            raise ValueError(f"{path} is a sweep store of format {meta.get('format')!r}; this geosim reads {STORE_FORMAT!r}")
        parameters = pd.read_sql_query("SELECT idx, path FROM parameters ORDER BY idx", db)
        records = pd.read_sql_query("SELECT idx, name, metric, scope, first_month, last_month FROM records ORDER BY idx", db)
        points = pd.read_sql_query(
            "SELECT p.point, q.path AS parameter, p.value, p.number FROM points p JOIN parameters q ON q.idx = p.param ORDER BY p.point, p.param", db)
        runs = pd.read_sql_query("SELECT * FROM runs ORDER BY run", db)
        requests = pd.read_sql_query("SELECT idx, metric, scope FROM series_requests ORDER BY idx", db)
        series = pd.read_sql_query(
            "SELECT s.run, r.point, r.replicate, s.request, s.month, s.value FROM series s JOIN runs r ON r.run = s.run "
            "ORDER BY s.run, s.request, s.month", db)
    finally:
        db.close()
    series["scope"] = pd.Categorical(requests["scope"].to_numpy()[series["request"].to_numpy()] if len(series) else [],
                                     categories=sorted(set(requests["scope"])))
    series["metric"] = pd.Categorical(requests["metric"].to_numpy()[series["request"].to_numpy()] if len(series) else [],
                                      categories=sorted(set(requests["metric"])))
    series["month"] = month_dates(meta["start"], series["month"].to_numpy())
    series = series[["run", "point", "replicate", "scope", "metric", "month", "value"]]
    return SimpleNamespace(path=path, meta=meta, parameters=parameters, records=records, points=points, runs=runs, series=series)
