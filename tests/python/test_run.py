"""geosim.run and geosim.load: the same numbers as `geosim run`, scenarios from files and dicts, overrides, refusals."""

import os
import unittest

import numpy as np
import pandas as pd

import geosim
from common import BASELINE, SMALL, ScratchTest, geosim as program, small_sets


class RunMatchesTheProgram(ScratchTest):
    def test_the_frame_holds_series_csv_row_for_row(self):
        program("run", BASELINE, *small_sets(), "--out", self.path("cli"), "--quiet")
        cli = geosim.load_run(self.path("cli"))
        frame = geosim.run(BASELINE, threads=2, **SMALL)
        self.assertEqual(len(frame), len(cli))
        self.assertEqual(len(frame), 30 * len(frame[frame["month"] == frame["month"].iloc[0]]))
        self.assertTrue((frame["month"].to_numpy() == cli["month"].to_numpy()).all())
        self.assertEqual(list(frame["scope"].astype(str)), list(cli["scope"].astype(str)))
        self.assertEqual(list(frame["metric"].astype(str)), list(cli["metric"].astype(str)))
        # Every value, to the last bit: load_run reads series.csv back exactly.
        np.testing.assert_array_equal(frame["value"].to_numpy(), cli["value"].to_numpy())
        self.assertIn("name: \"baseline\"", cli.attrs["scenario_yaml"])
        self.assertEqual(cli.attrs["run"]["seed"], 5)  # run.json, as the program wrote it
        self.assertEqual(cli.attrs["run"]["status"], "finished")

    def test_months_are_dates_and_the_frame_says_what_it_came_from(self):
        frame = geosim.run(BASELINE, **SMALL)
        self.assertEqual(frame["month"].dtype, np.dtype("datetime64[ns]"))
        self.assertEqual(frame["month"].iloc[0], pd.Timestamp("2023-01-01"))
        self.assertEqual(frame["month"].iloc[-1], pd.Timestamp("2025-06-01"))
        self.assertEqual(frame.attrs["scenario"], "baseline")
        self.assertEqual(frame.attrs["seed"], 5)
        self.assertEqual(frame.attrs["adopters"], 3000)

    def test_threads_do_not_change_the_numbers(self):
        one = geosim.run(BASELINE, threads=1, **SMALL)
        two = geosim.run(BASELINE, threads=2, **SMALL)
        np.testing.assert_array_equal(one["value"].to_numpy(), two["value"].to_numpy())

    def test_wide_pivots_one_scope(self):
        frame = geosim.run(BASELINE, **SMALL)
        table = geosim.wide(frame, "nation:CN", ["adoption", "price_index"])
        self.assertEqual(list(table.columns), ["adoption", "price_index"])
        self.assertEqual(len(table), 30)
        rows = frame[(frame["scope"] == "nation:CN") & (frame["metric"] == "price_index")]
        np.testing.assert_array_equal(table["price_index"].to_numpy(), rows["value"].to_numpy())
        with self.assertRaisesRegex(KeyError, "no outputs of scope 'nation:XX'"):
            geosim.wide(frame, "nation:XX")
        with self.assertRaisesRegex(KeyError, "no metric 'adoptoin'"):
            geosim.wide(frame, "world", ["adoptoin"])


class Overrides(ScratchTest):
    def test_keywords_and_set_act_as_the_programs_set(self):
        program("run", BASELINE, *small_sets(), "--set", "behaviour.bass_q=0.6", "--set", "labs.deepseek.open=false",
                "--set", "nations.US.ban_rival_models_in=[public]", "--out", self.path("cli"), "--quiet")
        cli = geosim.load_run(self.path("cli"))
        frame = geosim.run(BASELINE, behaviour__bass_q=0.6, set={"labs.deepseek.open": np.False_, "nations.US.ban_rival_models_in": ["public"]},
                           **SMALL)
        np.testing.assert_array_equal(frame["value"].to_numpy(), cli["value"].to_numpy())

    def test_a_dict_scenario_extends_like_a_file(self):
        with open(self.path("whatif.yaml"), "w") as f:
            f.write(f"extends: {BASELINE}\nname: dict-twin\nbehaviour:\n  bass_p: 0.02\n")
        program("run", self.path("whatif.yaml"), *small_sets(), "--out", self.path("cli"), "--quiet")
        cli = geosim.load_run(self.path("cli"))
        frame = geosim.run({"extends": os.path.basename(BASELINE), "name": "dict-twin", "behaviour": {"bass_p": 0.02}},
                           base_dir=os.path.dirname(BASELINE), **SMALL)
        self.assertEqual(frame.attrs["scenario"], "dict-twin")
        np.testing.assert_array_equal(frame["value"].to_numpy(), cli["value"].to_numpy())

    def test_a_loaded_scenario_takes_further_overrides(self):
        base = geosim.load(BASELINE, adopters=3000)
        self.assertEqual(base.adopters, 3000)
        self.assertEqual(base.months, 156)
        self.assertEqual(base.start, "2023-01")
        changed = geosim.load(base, months=12, behaviour__bass_q=0.5)
        self.assertEqual(changed.months, 12)
        self.assertEqual(changed.parameters()["behaviour.bass_q"], 0.5)
        self.assertEqual(base.parameters()["behaviour.bass_q"], geosim.load(BASELINE).parameters()["behaviour.bass_q"])
        self.assertIn("openai", base.labs)
        self.assertIn("gemma", base.lines)
        self.assertEqual(base.events[0][1], "us-controls-2023-10")  # sorted by month

    def test_months_drops_later_events_as_the_program_does(self):
        self.assertEqual(len(geosim.load(BASELINE, months=12).events), 1)  # only 2023-10 is left


class Refusals(ScratchTest):
    def test_a_refused_scenario_says_where_and_why(self):
        with self.assertRaises(ValueError) as caught:
            geosim.load(BASELINE, behaviour__bass_qq=0.5)
        self.assertIn("did you mean 'bass_q'", str(caught.exception))
        with self.assertRaisesRegex(ValueError, r"behaviour.bass_q.*expected a number in \[0, 12\]"):
            geosim.load(BASELINE, behaviour__bass_q=-1)
        with open(self.path("bad.yaml"), "w") as f:
            f.write(f"extends: {BASELINE}\nbehaviour:\n  bass_p: high\n")
        with self.assertRaisesRegex(ValueError, r"bad.yaml:3:\d+: error: .*bass_p"):
            geosim.load(self.path("bad.yaml"))

    def test_values_python_cannot_give_are_refused_before_the_scenario(self):
        with self.assertRaisesRegex(ValueError, "finite"):
            geosim.load(BASELINE, behaviour__bass_q=float("nan"))
        with self.assertRaisesRegex(TypeError, "cannot give object"):
            geosim.load(BASELINE, behaviour__bass_q=object())
        with self.assertRaisesRegex(FileNotFoundError, "no scenario file"):
            geosim.load(self.path("missing.yaml"))
        with self.assertRaisesRegex(TypeError, "a scenario is a file path, a dict or a geosim.Scenario"):
            geosim.load(42)

    def test_a_world_too_big_for_the_memory_limit_is_refused(self):
        os.environ["GEOSIM_MEMORY_LIMIT"] = "50M"
        try:
            with self.assertRaisesRegex(ValueError, "GEOSIM_MEMORY_LIMIT=50M"):
                geosim.World(BASELINE, adopters=5_000_000)
        finally:
            del os.environ["GEOSIM_MEMORY_LIMIT"]


class Declarations(unittest.TestCase):
    def test_metrics_and_keys_come_from_the_one_declaration(self):
        metrics = geosim.metrics()
        self.assertEqual(list(metrics.columns), ["name", "scope", "unit", "meaning", "definition"])
        adoption = metrics[(metrics["name"] == "adoption") & (metrics["scope"] == "world")]
        self.assertEqual(len(adoption), 1)
        keys = geosim.schema()
        bass_q = keys[keys["path"] == "behaviour.bass_q"].iloc[0]
        self.assertEqual(bass_q["unit"], "per year")
        self.assertTrue(bass_q["settable"])
        self.assertIn("[0, 12]", bass_q["type"])


if __name__ == "__main__":
    unittest.main()
