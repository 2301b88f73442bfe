"""geosim.load_store and geosim.ema_model: a sweep's store as tidy tables, a scenario as f(**params) -> dict."""

import os
import sqlite3
import unittest

import numpy as np
import pandas as pd

import geosim
from common import BASELINE, SMALL, SOURCE, ScratchTest, geosim as program

SWEEP = os.path.join(SOURCE, "tests", "data", "sweeps", "small-lhs.yaml")


class Store(ScratchTest):
    def test_a_store_reads_back_as_tidy_tables(self):
        store = self.path("s.db")
        with open(SWEEP) as f:
            text = f.read()
        with open(self.path("sweep.yaml"), "w") as f:
            f.write(text.replace("samples: 60", "samples: 5").replace("replicates: 4", "replicates: 2")
                    .replace("base: ../../../scenarios/baseline.yaml", f"base: {BASELINE}"))
        program("sweep", self.path("sweep.yaml"), "--store", store, "--quiet", "--threads", "1")
        tables = geosim.load_store(store)
        self.assertEqual(tables.meta["name"], "small-lhs")
        self.assertEqual(list(tables.parameters["path"]), ["behaviour.bass_q", "behaviour.utility.price", "behaviour.utility.switching_cost"])
        self.assertEqual(len(tables.runs), 10)
        self.assertEqual(set(tables.runs["status"]), {"ok"})
        self.assertEqual(list(tables.runs.columns[:6]), ["run", "point", "replicate", "seed", "status", "error"])
        self.assertIn("china_open_end", tables.runs.columns)
        self.assertEqual(len(tables.points), 5 * 3)
        # The series: every run, every month, as dates, with the value the store holds.
        self.assertEqual(len(tables.series), 10 * 24)
        self.assertEqual(tables.series["month"].min(), pd.Timestamp("2023-01-01"))
        self.assertEqual(tables.series["month"].max(), pd.Timestamp("2024-12-01"))
        self.assertEqual(set(tables.series["metric"]), {"usage_share.china_open"})
        last = tables.series[tables.series["month"] == pd.Timestamp("2024-12-01")].set_index("run")["value"]
        np.testing.assert_array_equal(last.sort_index().to_numpy(), tables.runs.set_index("run")["china_open_end"].sort_index().to_numpy())
        # A run of the store is a run of the program: its parameters as --set give its record.
        row = tables.runs.iloc[3]
        frame = geosim.run(BASELINE, adopters=600, months=24, seed=int(row["seed"]),
                           set={p: float(row[p]) for p in tables.parameters["path"]})
        end = frame[(frame["scope"] == "world") & (frame["metric"] == "usage_share.china_open")]["value"].iloc[-1]
        self.assertEqual(end, row["china_open_end"])

    def test_a_file_that_is_not_a_store_is_refused(self):
        other = self.path("other.db")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE foo(x)")
        db.commit()
        db.close()
        with self.assertRaisesRegex(ValueError, "not a geosim sweep store"):
            geosim.load_store(other)
        with self.assertRaisesRegex(FileNotFoundError, "no sweep store"):
            geosim.load_store(self.path("missing.db"))
        with self.assertRaisesRegex(FileNotFoundError, "no run folder"):
            geosim.load_run(self.path("missing"))
        os.mkdir(self.path("empty"))
        with self.assertRaisesRegex(ValueError, "holds no series.csv"):
            geosim.load_run(self.path("empty"))


class EmaModel(unittest.TestCase):
    def test_the_function_returns_the_runs_outcomes(self):
        model = geosim.ema_model(BASELINE, {
            "china_open": "usage_share.china_open",
            "cn_adoption_2024": {"metric": "adoption", "scope": "nation:CN", "mean": ["2024-01", "2024-12"]},
            "price_2024_06": {"metric": "price_index", "at": "2024-06"},
            "lead": lambda frame: frame[(frame["scope"] == "world") & (frame["metric"] == "capability_gap_us_china")]["value"].max(),
        }, adopters=3000, months=30)
        out = model(seed=5, behaviour__bass_q=0.5, **{"labs.deepseek.open": False})
        frame = geosim.run(BASELINE, adopters=3000, months=30, seed=5, behaviour__bass_q=0.5, set={"labs.deepseek.open": False})
        world = geosim.wide(frame, "world")
        self.assertEqual(out["china_open"], world["usage_share.china_open"].iloc[-1])
        self.assertEqual(out["price_2024_06"], world.loc["2024-06-01", "price_index"])
        self.assertEqual(out["lead"], world["capability_gap_us_china"].max())
        cn = geosim.wide(frame, "nation:CN")["adoption"]
        self.assertAlmostEqual(out["cn_adoption_2024"], cn["2024-01-01":"2024-12-01"].mean(), places=15)
        self.assertNotEqual(model(seed=5)["china_open"], out["china_open"])

    def test_bad_outcomes_are_refused_when_the_function_is_made_or_run(self):
        with self.assertRaisesRegex(TypeError, "unknown field when"):
            geosim.ema_model(BASELINE, {"x": {"metric": "adoption", "when": "2024-01"}})
        with self.assertRaisesRegex(ValueError, "at least one outcome"):
            geosim.ema_model(BASELINE, {})
        model = geosim.ema_model(BASELINE, {"x": {"metric": "adoption", "mean": ["2024-01", "2026-12"]}}, adopters=1000, months=12)
        with self.assertRaisesRegex(ValueError, "is not inside the run's months"):
            model()
        model = geosim.ema_model(BASELINE, {"x": "adoptoin"}, adopters=1000, months=2)
        with self.assertRaisesRegex(KeyError, "no metric 'adoptoin'"):
            model()


if __name__ == "__main__":
    unittest.main()
