"""geosim.World: stepping, levers set as events, checkpoints and branches, adopters as numpy views."""

import os
import unittest

import numpy as np
import pandas as pd

import geosim
from common import BASELINE, SMALL, SOURCE, ScratchTest, geosim as program, small_sets

WHATIF = os.path.join(SOURCE, "scenarios", "bans-chinese-models.yaml")


def values(frame):
    return frame["value"].to_numpy()


class Stepping(unittest.TestCase):
    def test_steps_add_up_to_the_whole_run(self):
        whole = geosim.run(BASELINE, **SMALL)
        world = geosim.World(BASELINE, **SMALL)
        self.assertEqual(world.next_month, pd.Timestamp("2023-01-01"))
        first = world.step()
        self.assertEqual(set(first["month"]), {pd.Timestamp("2023-01-01")})
        world.step(11)
        self.assertEqual(world.months_done, 12)
        self.assertEqual(world.next_month, pd.Timestamp("2024-01-01"))
        rest = world.run()
        self.assertEqual(rest["month"].iloc[0], pd.Timestamp("2024-01-01"))
        self.assertTrue(world.done)
        self.assertIsNone(world.next_month)
        self.assertEqual(len(world.step(5)), 0)  # nothing is left to simulate
        np.testing.assert_array_equal(values(world.outputs()), values(whole))
        self.assertEqual(list(world.outputs()["metric"].astype(str)), list(whole["metric"].astype(str)))


class Interrupts(unittest.TestCase):
    def test_ctrl_c_stops_a_long_step_keeping_the_months_done(self):
        import signal
        world = geosim.World(BASELINE, adopters=50_000, months=1200, seed=5, threads=1)
        previous = signal.signal(signal.SIGALRM, signal.default_int_handler)  # the alarm acts as Ctrl-C does
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            with self.assertRaisesRegex(KeyboardInterrupt, "stopped after"):
                world.run()  # 1,200 months take far longer than 0.3 s
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        done = world.months_done
        self.assertTrue(0 < done < 1200)
        self.assertEqual(world.outputs()["month"].nunique(), done)
        world.step(2)  # and it goes on
        self.assertEqual(world.outputs()["month"].nunique(), done + 2)


class Levers(ScratchTest):
    def test_set_is_an_event_of_the_run(self):
        with open(self.path("lever.yaml"), "w") as f:
            f.write(f"extends: {BASELINE}\nevents:\n  - id: closes\n    at: 2024-01\n    set:\n"
                    "      labs.deepseek.open: false\n      behaviour.utility.price: 1.5\n")
        program("run", self.path("lever.yaml"), *small_sets(), "--out", self.path("cli"), "--quiet")
        cli = geosim.load_run(self.path("cli"))
        world = geosim.World(BASELINE, **SMALL)
        world.step(12)
        at = world.set("labs.deepseek.open", False)
        world.set(behaviour__utility__price=1.5)
        self.assertEqual(at, pd.Timestamp("2024-01-01"))
        self.assertEqual(world.events, [("2024-01", "labs.deepseek.open", "false"), ("2024-01", "behaviour.utility.price", "1.5")])
        world.run()
        np.testing.assert_array_equal(values(world.outputs()), values(cli))
        self.assertEqual(world.scenario.parameters()["labs.deepseek.open"], False)

    def test_a_bad_lever_is_refused_and_changes_nothing(self):
        world = geosim.World(BASELINE, **SMALL)
        world.step(3)
        with self.assertRaisesRegex(ValueError, "did you mean 'deepseek'"):
            world.set("labs.deepseak.open", False)
        with self.assertRaisesRegex(ValueError, "labs.deepseek.origin"):
            world.set("labs.deepseek.origin", "US")  # not a key an event may set
        with self.assertRaisesRegex(TypeError, "needs a key and a value"):
            world.set()
        self.assertEqual(world.events, [])
        world.run()
        np.testing.assert_array_equal(values(world.outputs()), values(geosim.run(BASELINE, **SMALL)))
        with self.assertRaisesRegex(ValueError, "the run has ended"):
            world.set("labs.deepseek.open", False)


class Branches(ScratchTest):
    def test_a_branch_left_alone_continues_as_the_world_would(self):
        world = geosim.World(BASELINE, **SMALL)
        world.step(10)
        checkpoint = world.checkpoint()
        self.assertEqual(checkpoint.month, pd.Timestamp("2023-11-01"))
        branch = world.branch(checkpoint)
        world.run()
        branch.run()
        np.testing.assert_array_equal(values(branch.outputs()), values(world.outputs()))

    def test_a_branch_keeps_the_levers_set_for_its_month_and_takes_its_own(self):
        world = geosim.World(BASELINE, **SMALL)
        world.step(12)
        world.set("labs.deepseek.open", False)  # pending when the branches are made: they keep it
        same, other = world.branch(), world.branch()
        other.set("labs.alibaba.open", False)  # from the branch month on, 2024-01
        for w in (world, same, other):
            w.run()
        a, b = world.outputs(), other.outputs()
        np.testing.assert_array_equal(values(same.outputs()), values(a))
        before = a["month"] < pd.Timestamp("2024-01-01")
        np.testing.assert_array_equal(values(a[before]), values(b[before]))
        self.assertFalse(np.array_equal(values(a[~before]), values(b[~before])))
        self.assertEqual(other.scenario.parameters()["labs.deepseek.open"], False)
        self.assertEqual(other.scenario.parameters()["labs.alibaba.open"], False)
        self.assertEqual(world.scenario.parameters()["labs.alibaba.open"], True)
        self.assertEqual(other.events, [("2024-01", "labs.deepseek.open", "false"), ("2024-01", "labs.alibaba.open", "false")])

    def test_a_what_if_branch_is_the_programs_run_from_a_checkpoint(self):
        ckpt = self.path("c.ckpt")
        program("run", BASELINE, *small_sets(), "--checkpoint-at", "2024-01", "--checkpoint", ckpt, "--out", self.path("base"), "--quiet")
        program("run", WHATIF, *small_sets(), "--from", ckpt, "--out", self.path("whatif"), "--quiet")
        cli = geosim.load_run(self.path("whatif"))
        world = geosim.World(BASELINE, **SMALL)
        world.step(12)
        branch = world.branch(scenario=WHATIF, **SMALL)
        branch.run()
        np.testing.assert_array_equal(values(branch.outputs()), values(cli))

    def test_a_saved_state_restores_into_a_world_of_the_same_scenario_only(self):
        world = geosim.World(BASELINE, **SMALL)
        world.step(7)
        state = world.save_state()
        again = geosim.World(BASELINE, **SMALL)
        again.load_state(state)
        self.assertEqual(again.months_done, 7)
        np.testing.assert_array_equal(values(again.run()), values(world.run()))
        other = geosim.World(BASELINE, adopters=2000, months=30, seed=5)
        with self.assertRaisesRegex(ValueError, "cannot restore the state"):
            other.load_state(state)
        with self.assertRaisesRegex(ValueError, "cannot restore the state"):
            again.load_state(state[:-10])


class Adopters(unittest.TestCase):
    def test_views_are_read_only_and_share_the_worlds_memory(self):
        world = geosim.World(BASELINE, **SMALL)
        world.step(6)
        a = world.adopters()
        self.assertEqual(len(a["choice"]), 3000)
        self.assertEqual(a["nation"].dtype, np.uint8)
        self.assertEqual(a["weight"].dtype, np.float32)
        self.assertFalse(a["choice"].flags.writeable)
        self.assertFalse(a["choice"].flags.owndata)
        with self.assertRaises(ValueError):
            a["choice"][0] = 1
        again = world.adopters()
        self.assertTrue(np.shares_memory(a["risk"], again["risk"]))
        self.assertTrue(np.shares_memory(a["choice"], again["choice"]))

    def test_views_add_up_to_the_outputs(self):
        world = geosim.World(BASELINE, **SMALL)
        frame = world.step(8)
        a = world.adopters()
        labels = world.option_labels()
        size = np.abs(a["weight"].astype(np.float64))
        adopted = a["choice"] != geosim.NO_MODEL
        self.assertTrue(np.array_equal(adopted, a["weight"] > 0))
        last = frame[frame["month"] == frame["month"].max()]
        get = lambda scope, metric: last[(last["scope"] == scope) & (last["metric"] == metric)]["value"].iloc[0]
        self.assertEqual(int(adopted.sum()), get("world", "adopters_using"))
        self.assertEqual(size[adopted].sum() / size.sum(), get("world", "adoption"))
        deepseek = labels.index("deepseek")
        self.assertEqual(size[a["choice"] == deepseek].sum() / size[adopted].sum(), get("lab:deepseek", "usage_share"))
        china = world.scenario.nations.index("CN")
        in_china = a["nation"] == china
        self.assertEqual(size[in_china & adopted].sum() / size[in_china].sum(), get("nation:CN", "adoption"))

    def test_the_network_is_there_to_read(self):
        world = geosim.World(BASELINE, **SMALL)
        net = world.network()
        rows = len(net["offsets"]) - 1 if len(net["offsets"]) else len(net["neighbours"]) // max(1, net["row_length"])
        self.assertEqual(rows, 3000)
        self.assertLess(int(net["neighbours"].max()), 3000)


if __name__ == "__main__":
    unittest.main()
