"""Routes (gui/snapshot_router.py) of the views every run may fill: hidden states, gradients through time,
class predictions (gallery + confusion matrix), edge maps. Each empties its view for a new run and says
plainly when the run has nothing for it."""
from __future__ import annotations

from gui.snapshot_router import LatestRoute, Route
from gui.step_axis import axis_label


def _title(run) -> str:
    return run.spec.title.lower() if run is not None else ""


class HiddenRoute(LatestRoute):
    """Inside ▸ States: the probe sample's hidden states, newest only; a first snapshot's panels are built one
    a tick (prepare), not all at once in one long stall."""
    kinds = ("hidden",)

    def __init__(self, view):
        super().__init__()
        self.view = view

    def paint(self, final: bool) -> bool:
        h = self.latest
        if h is None:
            return False
        if not (final or self.view.prepare(h.meta["states"])):
            return True
        self.latest = None
        names = h.meta["states"]
        self.view.set_read_order(h.meta["read"])
        self.view.set_frames(h.arrays.get("frames"))  # a clip: the frame each step reads
        self.view.set_states(h.arrays["image"], {n: h.arrays[n] for n in names}, h.meta)
        return False

    def clear(self, run) -> None:
        self.latest = None
        if run is None:
            self.view.clear("No run yet: train a model (F5) to see its hidden states.")
        elif "hidden" in run.spec.snapshots:
            self.view.clear(f"No hidden states yet for {run.label}: they appear while it trains, or pick a probe "
                            "sample for a loaded model.")
        else:
            self.view.clear(f"{run.label} ({_title(run)}) sends no per-step hidden states to this page.")


class GradientRoute(LatestRoute):
    """Inside ▸ Gradients: one curve per run; earlier runs stay on the plot only while their time axis means
    the same as this run's (same task, same kind and number of steps), and a note says who was left out."""
    kinds = ("grad_norms",)

    def __init__(self, view, note):
        super().__init__()
        self.view, self.note = view, note  # note: a QLabel above the plot
        self.shown: list = []  # runs whose curves are on the plot, oldest first
        self.run = None

    def show(self, e) -> None:
        if self.run is None:
            return
        if self.run not in self.shown:
            self.shown.append(self.run)
        if any(not self.run.axes_match(other) for other in self.shown):  # now that its length is known
            self._keep_matching(self.run)
        self.view.add_norms(self.run.curve_label, e.meta.get("cell", self.run.cell), e.arrays["norms"],
                            e.meta.get("step", e.global_step), which=e.meta.get("which", ""))

    def clear(self, run) -> None:
        self.latest, self.run = None, run
        if run is None:
            return
        self.view.set_axis_label(axis_label(run.steps_are))
        self._keep_matching(run)

    def _keep_matching(self, run) -> None:
        kept = [other for other in self.shown if other is run or run.axes_match(other)]
        left = [other for other in self.shown if other not in kept]
        self.shown = kept
        self.view.clear()
        for other in kept:
            if other is not run and other.grad_norms is not None:
                g = other.grad_norms
                self.view.add_norms(other.curve_label, g.meta.get("cell", other.cell), g.arrays["norms"],
                                    g.meta.get("step", g.global_step), which=g.meta.get("which", ""))
        if left:
            names = ", ".join(f"{o.label} ({_title(o)}, {o.steps_shown or '?'} {o.steps_are})" for o in left)
            self.note.setText(f"Not overlaid: {names}; their time steps are not this run's.")
        elif "grad_norms" not in run.spec.snapshots:
            self.note.setText(f"{run.label} ({_title(run)}) has no gradient-through-time measurement.")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))


class PredictionRoute(LatestRoute):
    """Results: the test images with their predicted classes, and the confusion matrix; the cell filter
    belongs to the run."""
    kinds = ("prediction",)

    def __init__(self, gallery, confusion):
        super().__init__()
        self.gallery, self.confusion = gallery, confusion
        self.run = None
        confusion.cellClicked.connect(self.filter)

    def filter(self, true: int, pred: int) -> None:
        """A confusion cell was clicked: the gallery shows its images (this run's filter)."""
        if self.run is not None:
            self.run.subset = (true, pred)
        self.gallery.show_subset(true, pred)

    def show(self, e) -> None:
        a, names = e.arrays, e.meta["class_names"]
        self.gallery.set_items(a["images"], a["true"], a["pred"], a["confidence"], names, a.get("probabilities"))
        self.confusion.set_matrix(a["confusion"], names)
        if self.run is not None and self.run.subset is not None:
            self.gallery.show_subset(*self.run.subset)

    def clear(self, run) -> None:
        self.latest, self.run = None, run
        what = "No predictions yet for this run: they appear when it has been tested."
        if run is not None and "prediction" not in run.spec.snapshots:
            what = f"{run.label} ({_title(run)}) makes no class predictions."
        self.gallery.clear(what)
        self.confusion.clear(what)


class EdgeRoute(Route):
    """Results of an edge-map run: the live probe (newest only) while training, the test images and the
    precision-recall curves at the end."""
    kinds = ("edge_map", "pr_curve")

    def __init__(self, view):
        self.view = view
        self.probe = None
        self.waiting: list = []

    def take(self, event) -> bool:
        if event.kind == "pr_curve" or event.meta.get("split") == "test":
            self.waiting.append(event)
        else:
            self.probe = event
        return True

    def paint(self, final: bool) -> bool:
        for e in self.waiting:
            if e.kind == "pr_curve":
                self.view.set_pr(e.arrays)
                self.view.set_catalogue(e.meta.get("names", ()))
            else:
                self.view.add_result(e.arrays, e.meta)
        self.waiting = []
        if self.probe is not None:
            e, self.probe = self.probe, None
            self.view.set_probe(e.arrays, e.meta)
        return False

    def clear(self, run) -> None:
        self.probe, self.waiting = None, []
        self.view.clear()
