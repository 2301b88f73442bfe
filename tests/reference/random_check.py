#!/usr/bin/env python3
"""Cross-checks geosim against model.py on random corners of the parameter space.

Each trial takes a shipped scenario (scenarios/*.yaml) and sets four keys, drawn from the numbers,
true/false and choice keys `geosim schema` lists (behaviour, population, and those of one lab, line, nation
or chipmaker), to random values within their declared ranges (a fifth of the numbers at a bound), with
a random network kind, a small population and a short horizon; geosim and model.py must then write
the same series.csv, byte for byte. The fixed cases of check.sh each reach one branch on purpose;
these reach combinations nobody thought of.

  tests/reference/random_check.py build/geosim [--trials 8] [--seed 1] [--keep DIR]

Exits 0 when every trial agrees, 1 when any differs or fails, 2 on a usage error. A failing trial
prints the geosim command line that reproduces it.
"""
import argparse
import glob
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def settable_keys(geosim):
    """(key, kind, low, high) for every number, true/false and choice `geosim schema` lists outside
    events; kind is "whole", "number", "flag" or "choice" (low then holds the list of choices), and keys
    of list entries read "labs[].cost" and the like."""
    lines = subprocess.run([geosim, "schema"], capture_output=True, text=True, check=True).stdout.splitlines()
    keys = []
    for i, line in enumerate(lines):
        if not re.match(r"^(behaviour|population|labs\[\]|lines\[\]|nations\[\]|chipmakers\[\])\.\S+$", line) or line == "population.adopters":
            continue
        for follow in lines[i + 1:i + 4]:
            m = re.search(r"expects a (whole )?number in \[([^,]+), ([^\]]+)\]", follow)
            if m:
                keys.append((line, "whole" if m.group(1) else "number", float(m.group(2)), float(m.group(3))))
                break
            if "expects true or false" in follow:
                keys.append((line, "flag", 0, 1))
                break
            m = re.search(r"expects one of: ([^;]+)", follow)
            if m:
                keys.append((line, "choice", [c.strip() for c in m.group(1).split(",")], None))
                break
    if not keys:
        raise RuntimeError("geosim schema listed no settable numbers")
    return keys


def entity_ids(path):
    """The ids of the labs, lines, nations and chipmakers of a scenario file and the files it extends."""
    ids = {"labs": set(), "lines": set(), "nations": set(), "chipmakers": set()}
    while path:
        with open(path) as f:
            doc = yaml.safe_load(f) or {}
        for kind in ids:
            ids[kind].update(str(entry["id"]) for entry in doc.get(kind) or [] if isinstance(entry, dict) and "id" in entry)
        parent = doc.get("extends")
        path = os.path.join(os.path.dirname(path), parent) if parent else None
    return {kind: sorted(v) for kind, v in ids.items()}


def draw_value(rng, kind, low, high):
    """A value within [low, high]; wide ranges are cut to their first 10 (24 for whole numbers) above low."""
    if kind == "flag":
        return rng.choice(["true", "false"])
    if kind == "choice":
        return rng.choice(low)
    if kind == "whole":
        return str(rng.randint(int(low), int(min(high, low + 24))))
    top = min(high, low + 10)
    value = rng.choice([low, top]) if rng.random() < 0.2 else rng.uniform(low, top)
    return "%.6g" % value


def setting(rng, key, kind, low, high, ids):
    """--set text for a key of the schema; a key of list entries goes to one entry, drawn by id."""
    m = re.match(r"^(labs|lines|nations|chipmakers)\[\]\.(.+)$", key)
    if m:
        if not ids[m.group(1)]:
            return None  # the scenario has no entry of that list
        key = "%s.%s.%s" % (m.group(1), rng.choice(ids[m.group(1)]), m.group(2))
    return key + "=" + draw_value(rng, kind, low, high)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("geosim", help="the geosim program")
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1, help="seed of the trials' draws (not of geosim's)")
    parser.add_argument("--keep", help="keep every trial's outputs in this folder")
    args = parser.parse_args()
    if not os.access(args.geosim, os.X_OK) or args.trials < 1:
        print(f"{sys.argv[0]}: needs an executable geosim and at least one trial", file=sys.stderr)
        return 2
    python = os.environ.get("PYTHON", sys.executable)
    keys = settable_keys(args.geosim)
    networks = next(low for key, kind, low, _ in keys if key == "population.network.kind")
    scenarios = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp()
    failed = skipped = 0
    try:
        for trial in range(args.trials):
            scenario = rng.choice(scenarios)
            # Every trial draws its network too: as one key among some ninety it would rarely change.
            sets = ["population.adopters=%d" % rng.choice([300, 1500, 2500]), "seed=%d" % rng.randrange(1 << 40),
                    "population.network.kind=" + rng.choice(networks)]
            ids = entity_ids(scenario)
            sets += [s for s in (setting(rng, *key, ids) for key in rng.sample(keys, 4)) if s]
            out = os.path.join(work, "trial%d" % trial)
            shutil.rmtree(out, ignore_errors=True)
            command = [args.geosim, "run", scenario, "--out", out, "-q", "--threads", "1", "--months", str(rng.choice([24, 60]))]
            for s in sets:
                command += ["--set", s]
            shown = " ".join(shlex.quote(c) for c in command)
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                # A combination the loader refuses (keys that constrain each other) is no failure of the model.
                print(f"skip  trial {trial}: geosim refused it: {run.stderr.strip().splitlines()[0]}")
                skipped += 1
                continue
            model = subprocess.run([python, os.path.join(HERE, "model.py"), os.path.join(out, "scenario.resolved.yaml"),
                                    "--out", os.path.join(out, "model.csv")], capture_output=True, text=True)
            with open(os.path.join(out, "series.csv")) as a:
                ours = a.read()
            theirs = ""
            if model.returncode == 0:
                with open(os.path.join(out, "model.csv")) as b:
                    theirs = b.read()
            if model.returncode == 0 and ours == theirs:
                print(f"ok    trial {trial}: {os.path.basename(scenario)} {' '.join(sets)}")
                continue
            failed += 1
            why = "model.py failed: " + model.stderr.strip()[-300:] if model.returncode else "series.csv differs"
            print(f"FAIL  trial {trial}: {why}\n  {shown}\n  python3 {HERE}/compare.py {out}/series.csv {out}/model.csv")
            args.keep = args.keep or work  # keep the evidence
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.trials - failed - skipped} of {args.trials} trials agree, {failed} differ or fail, {skipped} refused by geosim"
          + (f"; outputs in {work}" if args.keep else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
