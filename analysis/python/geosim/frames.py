"""Tidy tables of outputs: one row per (month, scope, metric), as series.csv holds them."""

import numpy as np
import pandas as pd


def month_dates(start, offsets):
    """Months `offsets` after `start` (YYYY-MM) as dates on the first of the month."""
    first = np.datetime64(start, "M")
    return (first + np.asarray(offsets, dtype=np.int64)).astype("datetime64[ns]")


def outputs_frame(start, month, scope, metric, value, scope_texts, metric_texts):
    """A tidy frame from output columns: month offsets from `start`, codes into the scope and metric texts."""
    return pd.DataFrame(
        {
            "month": month_dates(start, month),
            "scope": pd.Categorical.from_codes(np.asarray(scope), categories=list(scope_texts)),
            "metric": pd.Categorical.from_codes(np.asarray(metric), categories=list(metric_texts)),
            "value": np.asarray(value, dtype=np.float64),
        }
    )


def wide(frame, scope="world", metrics=None):
    """One scope's outputs with a row per month and a column per metric (all, or those listed)."""
    rows = frame[frame["scope"] == scope]
    if rows.empty:
        known = ", ".join(sorted(map(str, frame["scope"].unique())))
        raise KeyError(f"no outputs of scope {scope!r}; the scopes are {known}")
    if metrics is not None:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [m for m in metrics if m not in set(rows["metric"].astype(str))]
        if missing:
            raise KeyError(f"scope {scope!r} has no metric {', '.join(map(repr, missing))} (geosim.metrics() lists them)")
        rows = rows[rows["metric"].isin(metrics)]
    table = rows.pivot(index="month", columns="metric", values="value")
    table.columns = table.columns.astype(str)
    table.columns.name = None
    return table if metrics is None else table[metrics]
