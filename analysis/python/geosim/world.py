"""A simulation stepped from Python: outputs as tidy frames, levers set as events, checkpoints and branches."""

import itertools

import numpy as np
import pandas as pd

from . import _geosim
from .frames import month_dates, outputs_frame
from .scenario import load, overrides, yaml_value


class Checkpoint:
    """A world's whole state at the start of one month, with what it needs to continue: the scenario
    it follows, the changes set for that month and the outputs of the months before."""

    def __init__(self, state, month, scenario, pending, columns, texts):
        self.state = state  # bytes, as World.save_state gives them
        self.month = month  # the month a world restored from it simulates next (a Timestamp)
        self.scenario = scenario  # the scenario the world was made from (its events still to come)
        self._pending = pending
        self._columns = columns
        self._texts = texts

    def __repr__(self):
        return f"<geosim.Checkpoint of '{self.scenario.name}' at {self.month:%Y-%m}, {len(self.state):,} bytes>"


class World:
    """A scenario being simulated month by month.

    World(scenario, seed=None, months=None, adopters=None, threads=0, set=None, **keys) loads the
    scenario as geosim.load does; threads=0 uses every core. step() and run() return the months they
    simulated as a tidy frame; outputs() returns every month so far."""

    _ids = itertools.count(1)

    def __init__(self, scenario, *, seed=None, months=None, adopters=None, threads=0, set=None, base_dir=None, **keys):
        self._scenario = load(scenario, seed=seed, months=months, adopters=adopters, set=set, base_dir=base_dir, **keys)
        self._core = _geosim.World(self._scenario, int(threads))
        self._columns = []  # (month, scope, metric, value) arrays, one tuple per step
        self._pending = []  # changes set for the month not yet simulated: (changes, id)
        self.events = []  # every change set from Python: (month, key path, YAML value)

    # The run.
    @property
    def scenario(self):
        """The scenario in force: parameters as they stand now, with the events still to come."""
        return self._core.scenario

    @property
    def start(self):
        return pd.Timestamp(self._scenario.start)

    @property
    def months_done(self):
        return self._core.months_done

    @property
    def done(self):
        return self._core.done

    @property
    def next_month(self):
        """The month step() simulates next (a Timestamp), or None when the run has ended."""
        return None if self.done else pd.Timestamp(month_dates(self._scenario.start, [self.months_done])[0])

    def step(self, months=1):
        """Simulates up to `months` months (fewer at the end of the run); returns their outputs. Ctrl-C
        stops it after the month in progress: the months done are kept (outputs() has them) and
        KeyboardInterrupt is raised; step() or run() goes on from there."""
        *columns, interrupted = self._core.step(int(months))
        if len(columns[0]):
            self._columns.append(tuple(columns))
            self._pending = []
        if interrupted:
            raise KeyboardInterrupt(f"geosim: stopped after {self.months_done} of {self._scenario.months} months; "
                                    "outputs() holds them, and step() or run() goes on")
        return self._frame([tuple(columns)])

    def run(self):
        """Simulates every month left; returns their outputs."""
        return self.step(self._scenario.months - self.months_done)

    def outputs(self):
        """Every month simulated so far, as a tidy frame (month, scope, metric, value)."""
        return self._frame(self._columns)

    def _frame(self, parts):
        if parts:
            month, scope, metric, value = (np.concatenate([p[k] for p in parts]) for k in range(4))
        else:
            month = scope = metric = np.zeros(0, dtype=np.int32)
            value = np.zeros(0)
        frame = outputs_frame(self._scenario.start, month, scope, metric, value, self._core.scope_texts, self._core.metric_texts)
        frame.attrs.update(run_attrs(self._scenario, self._core.threads))
        return frame

    def events_applied(self):
        """Every event applied so far, in the order applied, as events.csv lists them: a frame of month,
        id and fired_by ('date' for a dated event or a lever, 'trigger' for one its `when` fired)."""
        rows = self._core.events_applied()
        return pd.DataFrame({"month": pd.to_datetime([r[0] for r in rows], format="%Y-%m"),
                             "id": [r[1] for r in rows], "fired_by": [r[2] for r in rows]},
                            columns=["month", "id", "fired_by"])

    # Levers.
    def set(self, key=None, value=None, /, **keys):
        """Changes scenario keys from next month on, recorded as an event of the run (as a lever in the
        viewer is): set("labs.deepseek.open", False) or set(labs__deepseek__open=False). The values are
        checked as a scenario's event is; returns the month the change takes effect."""
        changes = ([] if key is None else [(str(key), yaml_value(value))]) + overrides(keys=keys)
        if not changes:
            raise TypeError("set() needs a key and a value, or keyword keys")
        event_id = f"python-set-{next(World._ids)}"
        month = self._core.add_event(changes, event_id)
        self._pending.append((changes, event_id))
        self.events.extend((month, path, text) for path, text in changes)
        return pd.Timestamp(month)

    # Checkpoints and branches.
    def checkpoint(self):
        """The whole state now, to branch from later (World.branch)."""
        return Checkpoint(self._core.save_state(), self.next_month, self._scenario, list(self._pending), list(self._columns),
                          (list(self._core.scope_texts), list(self._core.metric_texts)))

    def branch(self, checkpoint=None, *, scenario=None, threads=None, **options):
        """A new world that continues from a checkpoint of this world (default: now). With `scenario` (a
        what-if of the same agents and population, loaded as geosim.load loads it, with **options), the
        branch follows the what-if from there on, as `geosim run WHATIF --from CHECKPOINT` does: every
        parameter the what-if gives differently takes its value. The branch starts with a copy of the
        outputs so far; it and this world then run on their own."""
        cp = checkpoint if checkpoint is not None else self.checkpoint()
        threads = self._core.threads if threads is None else threads
        world = World.__new__(World)
        if scenario is None:
            if options:
                raise TypeError("branch() takes overrides only with a scenario; set() changes a branch after it is made")
            world._scenario = cp.scenario
        else:
            world._scenario = load(scenario, **options)
        world._core = _geosim.World(world._scenario, int(threads))
        world._core.load_state(cp.state, None if scenario is None else cp.scenario)
        world._columns = []
        world._pending = []
        world.events = [e for e in self.events if pd.Timestamp(e[0]) < cp.month] if cp.month is not None else list(self.events)
        # The codes of the copied outputs must mean the same in the new world: replay its tables.
        scopes, metrics = cp._texts
        world._columns = [recode(c, scopes, metrics, world._core) for c in cp._columns]
        for changes, _ in cp._pending:
            world._core.add_event(changes, f"python-set-{next(World._ids)}")
            world._pending.append((changes, None))
            world.events.extend((f"{cp.month:%Y-%m}", p, t) for p, t in changes)
        return world

    # Adopters.
    def adopters(self):
        """Read-only numpy views of the adopter arrays after the last month, without copies: nation
        (index into scenario.nations), sector, risk, choice (a code into option_labels(), or
        geosim.NO_MODEL) and weight (the adopter's size, positive when it used a model that month and
        negative when not). A step writes the other of two buffers, so a view holds the month it was
        taken in until the step after next: take them again after stepping."""
        return self._core.adopters()

    def option_labels(self):
        """What each adopter choice code names: a line's current version, then its frozen open version."""
        return self._core.option_labels()

    def network(self):
        """Read-only views of the adopter network: rows of neighbour indices (offsets, neighbours), or
        every row of row_length entries when offsets is empty; no rows for a well-mixed world."""
        return self._core.network()

    # Saving.
    def save_state(self):
        """The whole changing state as bytes (load_state restores it into a world of the same scenario)."""
        return self._core.save_state()

    def load_state(self, state):
        """Restores bytes from save_state() of a world of the same scenario (population, agents and
        seed); a state that does not fit is refused with the reason (ValueError). outputs() then
        holds only the months stepped after it, and levers set before it are dropped."""
        self._core.load_state(state)
        self._columns, self._pending, self.events = [], [], []

    def __repr__(self):
        at = "ended" if self.done else f"next {self.next_month:%Y-%m}"
        return f"<geosim.World '{self._scenario.name}', {self._scenario.adopters:,} adopters, {self.months_done} of {self._scenario.months} months, {at}>"


def recode(columns, scopes, metrics, core):
    """Output columns coded by one world's tables, coded by another's (whose tables grow to hold them)."""
    month, scope, metric, value = columns
    scope_map = np.array([core.code("scope", s) for s in scopes], dtype=np.int32)
    metric_map = np.array([core.code("metric", m) for m in metrics], dtype=np.int32)
    return month, scope_map[scope] if len(scope) else scope, metric_map[metric] if len(metric) else metric, value


def run_attrs(scenario, threads):
    """What a frame of outputs came from (DataFrame.attrs)."""
    return {"scenario": scenario.name, "seed": scenario.seed, "start": scenario.start, "months": scenario.months,
            "adopters": scenario.adopters, "threads": threads}


def run(scenario, *, seed=None, months=None, adopters=None, threads=0, set=None, base_dir=None, **keys):
    """Runs a scenario to its end, as `geosim run` does, and returns its outputs as a tidy frame: month
    (a date), scope, metric and value, a row per output of every month (geosim.wide pivots one scope).
    The scenario is a YAML file's path, a dict or a geosim.Scenario; see geosim.load for the overrides."""
    world = World(scenario, seed=seed, months=months, adopters=adopters, threads=threads, set=set, base_dir=base_dir, **keys)
    return world.run()
