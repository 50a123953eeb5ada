"""One run as the window knows it: what was trained (or loaded), and everything the views show about it.

A Run is made when training starts or a model is loaded. It keeps the run's settings, its curve points, the
newest live snapshot of each kind, its results (the snapshots of the test split, in order), its gradient
curve and its view state (the confusion-cell filter). Views are filled from the current run only: when the
current run changes (RunBook.changed), every view is emptied and refilled from the new run, so nothing of an
earlier run passes for this one. Torch-free: snapshots are plain numpy arrays.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal


# kinds sent again and again while training (the probe sample's pictures): only the newest counts
LIVE_KINDS = ("hidden", "edge_map", "mask", "frames", "sweeps", "frame_states")


@dataclass
class Run:
    number: int
    config: dict
    origin: str = "trained"  # "trained" here, "loaded" from a checkpoint, or "evaluated" (gui/evaluate.py)
    checkpoint: str = ""
    curve_points: list = field(default_factory=list)  # (plot, split, step, epoch, value)
    live: dict = field(default_factory=dict)  # kind -> newest snapshot of the training split (a live probe)
    results: list = field(default_factory=list)  # snapshots of the test split and whole-run ones, in order
    grad_norms: object = None  # the newest "grad_norms" snapshot
    steps_shown: int | None = None  # time steps of its gradient curve, once known
    subset: tuple | None = None  # the gallery's (true, predicted) filter
    finished: object = None  # engine.events.Finished, once it ended
    folder: str = ""  # its run folder in the run library ("" for a model loaded from a file)
    steps_per_epoch: int = 1  # training steps an epoch (from Started): a train point's epoch is its step / this
    resumed: bool = False  # went on from its folder's resume point; the next curve point says where from

    @property
    def task(self) -> str:
        return str(self.config.get("task", ""))

    @property
    def spec(self):
        from engine.tasks import registry  # torch-free

        return registry.spec(self.task)

    @property
    def cell(self) -> str:
        return str(self.config.get("cell", ""))

    @property
    def steps_are(self) -> str:
        """What one recurrent step reads: "frames", "rows", "cols" or "pixels"."""
        return self.spec.steps_are(self.config)

    @property
    def label(self) -> str:
        """'run 2 · GRU h32×2 bi' (a loaded or evaluated one says so)."""
        c = self.config
        size = f"{self.cell.upper()} h{c.get('hidden', '?')}" + (f"×{c['layers']}" if c.get("layers", 1) > 1 else "")
        size += " bi" if c.get("bidirectional") else ""
        return f"run {self.number} · {size}" + (f" ({self.origin})" if self.origin != "trained" else "")

    @property
    def curve_label(self) -> str:
        """'run 2, 32 units': the name of its curve where the plot adds the cell (gradient legends)."""
        return f"run {self.number}, {self.config.get('hidden', '?')} units"

    def axes_match(self, other: Run | None) -> bool:
        """Whether curves over time steps of the two runs mean the same thing: same task, same kind of step and,
        once both are known, as many steps."""
        if other is None or other.task != self.task or other.steps_are != self.steps_are:
            return False
        return None in (self.steps_shown, other.steps_shown) or self.steps_shown == other.steps_shown

    def start(self, event) -> None:
        """Its Started event: the first of the run, or one of a resume (the run goes on from its folder)."""
        if self.finished is not None or self.curve_points:
            self.resume(event.config)
        self.steps_per_epoch = max(int(event.steps_per_epoch), 1)

    def resume(self, config: dict) -> None:
        """Training goes on from the folder's resume point (the end of an earlier epoch): its old test points and
        results make way for the new ones, and what it trained after that point is trained again (cut at the
        next point)."""
        self.config = dict(config)
        self.finished, self.resumed = None, True
        self.results.clear()
        self.curve_points = [p for p in self.curve_points if p[1] != "test"]

    def add_metrics(self, event) -> list[tuple]:
        """A Metrics event as curve points (plot, split, step, epoch, value), kept and returned: a train point
        sits at its fraction of the epochs (the 21st of 20 steps an epoch: 1.05), a validation point at its epoch's
        end; the loss goes to the loss plot, the task's selection metric to the metric plot."""
        if self.resumed:  # the first point after a resume: what was trained after the resume point goes
            self.resumed = False
            self.curve_points = [p for p in self.curve_points if p[2] < event.global_step]
        epoch = event.epoch if event.split != "train" else event.global_step / self.steps_per_epoch
        metric = self.spec.selection_metric
        points = []
        for name, value in event.values.items():
            plot = "loss" if name == "loss" else "metric" if name == metric else None
            if plot is not None:
                points.append((plot, event.split, event.global_step, epoch, value))
        self.curve_points += points
        return points

    def keep(self, event) -> None:
        """Remember a snapshot: a live probe replaces the last of its kind, results accumulate."""
        if event.kind == "grad_norms":
            self.grad_norms = event
            self.steps_shown = len(event.arrays["norms"])
        elif event.kind in LIVE_KINDS and event.meta.get("split") != "test":
            self.live[event.kind] = event
        else:
            self.results.append(event)

    def snapshots(self) -> list:
        """Everything kept, in the order a view should be refilled with it."""
        kept = list(self.live.values()) + self.results
        return kept + ([self.grad_norms] if self.grad_norms is not None else [])


def capabilities(predictor) -> frozenset:
    """What a loaded model declares it can do (engine/tasks/spec.py CAPABILITIES); nothing for no model."""
    return frozenset(getattr(predictor, "capabilities", ()) or ())


def model_can(predictor, capability: str) -> str:
    """The task of `predictor` when it declares `capability`, else ""."""
    if capability not in capabilities(predictor):
        return ""
    return str(predictor.payload["config"]["task"])


# runs of a session whose pictures stay in memory (edge maps of photos are megabytes each); older runs keep
# their curves and gradient curve, which the views overlay
KEEP_PICTURES = 3


class RunBook(QObject):
    """The window's runs of this session, and which one the views show (`current`)."""
    changed = Signal(object)  # the new current Run

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs: list[Run] = []
        self.current: Run | None = None
        self.fed: list[Run] = []  # runs still receiving events (training here, watched): they keep their pictures
        self._before: Run | None = None

    def begin(self, config: dict, origin: str = "trained", **details) -> Run:
        return self.add(Run(len(self.runs) + 1, dict(config), origin, **details))

    def add(self, run: Run) -> Run:
        """A run made elsewhere (read from its folder) joins the book, numbered after the others, and is shown."""
        run.number = len(self.runs) + 1
        self.runs.append(run)
        for old in self.runs[:-KEEP_PICTURES]:
            if old not in self.fed:
                old.live.clear()
                old.results.clear()
        self.show(run)
        return run

    def show(self, run: Run) -> None:
        """The views show `run` (one of the book's) from now on."""
        if run is not self.current:
            self._before = self.current
        self.current = run
        self.changed.emit(run)

    def find(self, folder: str) -> Run | None:
        """The newest run of the book kept in `folder` (a run folder), if any."""
        return next((r for r in reversed(self.runs) if folder and r.folder == folder), None)

    def previous(self) -> Run | None:
        """The run shown before the current one."""
        return self._before
