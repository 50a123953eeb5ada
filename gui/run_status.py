"""The status line of a training run (gui/status_line.py): its state in a word (training, paused, stopping,
validating, testing, finishing, then how it ended) and a line saying what it is doing and how far it is, whatever
dialogs or menus did meanwhile. While the best weights are tested the line counts the test's batches and offers
Skip test (the run then ends with its checkpoint and no test figures)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gui import metric_names
from gui.snapshot_router import Route

ENDINGS = {"done": "finished", "stopped": "stopped", "early_stop": "stopped early", "failed": "failed",
           "aborted": "aborted"}
SKIP_TIP = "End the test now: the run keeps its best model (its checkpoint) but reports no test figures"
# what a phase's line says ({what}: the phase's detail, e.g. the edges test's "edge maps")
PHASE_LINES = {"validating": "validating epoch {epoch}", "testing": "testing the best weights on the test split",
               "results": "making the pictures of the results and of the model…",
               "stopping": "stopping: the current step ends, then the best weights are tested"}


def clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


def progress_line(p) -> str:
    """A training Progress event as the status line says it."""
    return (f"epoch {p.epoch}/{p.epochs} · step {p.step}/{p.steps_per_epoch} · loss {p.loss:.4f} "
            f"· {p.samples_per_s:,.0f} samples/s · ETA {clock(p.eta_s)}")


def phase_line(phase, epoch: int) -> str:
    """'testing the best weights on the test split · edge maps 12/200' for a Phase event."""
    text = PHASE_LINES.get(phase.name, phase.name).format(epoch=epoch)
    if phase.total:
        what = f"{phase.detail} " if phase.detail else ""
        text += f" · {what}{phase.done:,}/{phase.total:,}"
    return text


class ProgressRoute(Route):
    """The training's newest Progress event, painted on the router's timer; while the run validates, tests or
    stops the phase has the line instead."""

    def __init__(self, status):
        self.status = status
        self.latest = None
        self.epoch = 0
        self.phase = ""  # the engine's phase, "" before the first
        self.paused = False

    def paint(self, final: bool) -> bool:
        p, self.latest = self.latest, None
        if p is None or final:
            return False
        self.epoch = p.epoch
        if self.phase in ("", "training"):
            self.status.set_progress((p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs)
            self.status.set_text(progress_line(p) + (" · paused: press Space or Resume" if self.paused else ""))
        return False

    def clear(self, run) -> None:
        self.latest, self.phase, self.paused, self.epoch = None, "", False, 0


class RunStatus(QObject):
    """Keeps the status line to the session's training run."""

    def __init__(self, session, router, status, parent=None):
        super().__init__(parent)
        self.session, self.router, self.status = session, router, status
        self.route = router.add(ProgressRoute(status))
        self.last_progress = None
        session.progress.connect(self.on_progress)
        session.phase.connect(self.on_phase)
        session.stateChanged.connect(self.on_state)
        status.actionClicked.connect(self.on_action)

    def started(self, event, run) -> None:
        """A run began (the presenter made its Run)."""
        self.route.clear(run)
        self.status.set_state("training")
        self.status.set_progress(0.0)
        self.status.offer("")
        self.status.set_text(f"starting {run.label} · {event.parameters:,} parameters · "
                             f"{event.train_size:,} {run.spec.sample_units}")

    @Slot(object)
    def on_progress(self, event) -> None:
        self.last_progress = event
        self.route.latest = event
        self.router.wake(self.route)

    @Slot(object)
    def on_phase(self, phase) -> None:
        route = self.route
        stopping = self.session.state == "stopping"
        route.phase = phase.name
        if phase.name == "training":
            if not stopping:
                self.status.set_state("paused" if route.paused else "training")
            return
        self.status.set_state("stopping" if stopping and phase.name == "validating" else phase.name)
        self.status.set_text(phase_line(phase, route.epoch))
        if phase.total:
            self.status.set_progress(phase.done / phase.total)
        elif phase.name in ("results", "stopping"):
            self.status.set_progress(None)
        self.status.offer("Skip test" if phase.name in ("testing", "stopping") else "", SKIP_TIP)

    @Slot(str)
    def on_state(self, state: str) -> None:
        """Pause, resume and stop show at once, also at an epoch's end where no Progress follows for a while."""
        route = self.route
        if state == "paused":
            route.paused = True
            self.status.set_state("paused")
            self.status.set_text(self._training_line() + " · paused: press Space or Resume")
        elif state == "running":
            route.paused = False
            self.status.set_state("training" if route.phase in ("", "training") else route.phase)
            self.status.set_text(self._training_line())
        elif state == "stopping":
            route.paused = False
            self.status.set_state("stopping")
            self.status.set_text(PHASE_LINES["stopping"])
            self.status.offer("Skip test", SKIP_TIP)

    def _training_line(self) -> str:
        p = self.last_progress
        return progress_line(p) if p is not None else self.status.text().split(" · paused")[0]

    @Slot()
    def on_action(self) -> None:
        if self.session.state in ("running", "paused", "stopping") and self.status.action_button.text() == "Skip test":
            self.session.skip_test()
            self.status.offer("")
            self.status.set_text("skipping the test: the run ends with its best model…")

    def finished(self, event, run) -> None:
        """The run ended (the presenter flushed its pictures)."""
        self.route.clear(run)
        self.last_progress = None
        self.status.offer("")
        self.status.set_state(event.reason)
        text = ENDINGS.get(event.reason, event.reason)
        if run is not None:
            text += metric_names.finish_text(run.spec.selection_metric, event.metrics, run.task)
        if getattr(event, "test_skipped", False):
            text += " · test skipped (no test figures; the best model is kept)"
        if "test_ods" in event.metrics:
            text += f" · ODS {event.metrics['test_ods']:.3f}"
            if "test_canny_ods" in event.metrics:
                text += f" (Canny {event.metrics['test_canny_ods']:.3f})"
        self.status.set_text(f"{text} · {clock(event.seconds)} · {event.samples_per_s:,.0f} samples/s")
        self.status.set_progress(1.0 if event.reason == "done" else self.status.bar.value() / 1000)
