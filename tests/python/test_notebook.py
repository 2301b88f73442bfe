"""docs/examples/what-if.ipynb runs headless with Debian's nbconvert, and its figures are real figures."""

import base64
import io
import json
import os
import subprocess
import sys
import unittest

import numpy as np
from matplotlib import image

from common import SOURCE, ScratchTest

NOTEBOOK = os.path.join(SOURCE, "docs", "examples", "what-if.ipynb")
FIGURES = os.environ.get("GEOSIM_NOTEBOOK_FIGURES")  # where to leave the figures as PNG files, to look at


class Notebook(ScratchTest):
    def test_the_example_notebook_runs_and_draws_its_figures(self):
        out = self.path("executed.ipynb")
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")  # the kernel draws inline, with no display
        done = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600",
                               "--output", out, NOTEBOOK], cwd=os.path.dirname(NOTEBOOK), env=env, capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        with open(out) as f:
            notebook = json.load(f)
        cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        self.assertTrue(all(c.get("execution_count") for c in cells), "a code cell did not run")
        outputs = [o for c in cells for o in c.get("outputs", [])]
        self.assertFalse([o for o in outputs if o["output_type"] == "error"])
        pngs = [base64.b64decode(o["data"]["image/png"]) for o in outputs if "image/png" in o.get("data", {})]
        self.assertEqual(len(pngs), 5)
        if FIGURES:
            os.makedirs(FIGURES, exist_ok=True)
        for k, png in enumerate(pngs, 1):
            pixels = image.imread(io.BytesIO(png), format="png")[..., :3]
            height, width = pixels.shape[:2]
            self.assertGreaterEqual(width, 600, f"figure {k}")
            self.assertGreaterEqual(height, 300, f"figure {k}")
            ink = (pixels < 0.9).any(axis=2).mean()  # share of pixels that are not (near) white
            self.assertGreater(ink, 0.03, f"figure {k} is nearly blank")
            self.assertLess(ink, 0.6, f"figure {k} is mostly ink")
            colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
            self.assertGreater(colours, 30, f"figure {k} has too few colours to be a chart")
            saturated = (pixels.max(axis=2) - pixels.min(axis=2) > 0.3).mean()
            self.assertGreater(saturated, 0.001, f"figure {k} draws no coloured data")
            if FIGURES:
                with open(os.path.join(FIGURES, f"what-if-{k}.png"), "wb") as f:
                    f.write(png)


if __name__ == "__main__":
    unittest.main()
