"""What the Python package's tests share: the geosim program and sources they compare against, scratch folders."""

import os
import shutil
import subprocess
import tempfile
import unittest

GEOSIM = os.environ["GEOSIM_BIN"]  # the geosim program of this build (set by CTest)
SOURCE = os.environ["GEOSIM_SOURCE_DIR"]
BASELINE = os.path.join(SOURCE, "scenarios", "baseline.yaml")
SMALL = {"adopters": 3000, "months": 30, "seed": 5}  # a small, quick world that still has events (2023-10, 2024-02)


def small_sets():
    """The same small world as `geosim run` options."""
    return ["--set", f"population.adopters={SMALL['adopters']}", "--months", str(SMALL["months"]), "--seed", str(SMALL["seed"])]


def geosim(*args, cwd=None):
    """Runs the geosim program; fails the test with its stderr when it fails."""
    done = subprocess.run([GEOSIM, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"geosim {' '.join(map(str, args))} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


class ScratchTest(unittest.TestCase):
    """A test with its own scratch folder, removed afterwards."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="geosim-python-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)
