"""Train ▸ Evaluate: the loaded model on the loaded data's test split, off the GUI thread, as `main.py evaluate`
does it (engine.evaluation.evaluate_with_results: the same figures, the same line). The result is a run of
its own (origin "evaluated") whose pictures fill the task's Results page as a training run's test phase does,
so no view shows an earlier run's pictures for it.

Cancel drops the result (the engine's evaluation has no way to stop half-way; its thread ends on its own).
A training run started meanwhile, or another model or data loaded, also drops it: it no longer describes
what the window holds.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from engine.errors import UserError
from gui.jobs import Jobs
from gui.run import model_can

TIP = "Evaluate the loaded model on the loaded data's test split, as `main.py evaluate` does"


def data_name(session) -> str:
    return session.spec or "the loaded data"


def model_name(session) -> str:
    return Path(session.checkpoint).name if session.checkpoint else "the model"


def misfit(session) -> tuple[str, str] | None:
    """(message, hint) when the loaded data is not data of the model's task, naming both; else None."""
    from engine.tasks import registry  # torch-free

    task = str(session.predictor.payload["config"]["task"])
    if session.data.fits(task):
        return None
    fits = " or ".join(registry.spec(name).title.lower() for name in session.data.tasks) or "another task"
    return (f"The model {model_name(session)} is a {registry.spec(task).title.lower()} model ({task}), but the "
            f"data {data_name(session)} is data for {fits}.",
            f"Load {task} data (choose the task {task} and press Demo data, or open its files), or load a model "
            f"trained for {fits}.")


class Evaluator(QObject):
    """The Evaluate action's state and work. `show_results(task)` brings the task's Results page to the front;
    `status` is the window's status line (gui/status_line.py): the evaluation's state, its Cancel, then its
    metrics line."""
    evaluated = Signal(object)  # engine.evaluation.Evaluation, once its pictures are on the Results page

    def __init__(self, session, runs, router, action, dialogs, status, show_results, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.router, self.action = session, runs, router, action
        self.dialogs, self.status, self.show_results = dialogs, status, show_results
        self.jobs = Jobs(self, self._report_failure)
        status.actionClicked.connect(self._on_status_action)
        self._asked = None  # (predictor, spec, data, token) of the evaluation running; None: none, or cancelled
        action.triggered.connect(self.evaluate)
        for signal in (session.modelChanged, session.dataLoaded, session.stateChanged):
            signal.connect(self.update_enabled)
        session.runStarted.connect(self._on_run_started)
        self.update_enabled()

    @property
    def busy(self) -> bool:
        return self._asked is not None

    @Slot()
    def update_enabled(self, *_args) -> None:
        """Enabled for a model that can be evaluated, with data loaded, while nothing trains or evaluates; the
        tooltip says what is missing. Data of another task is refused with a message when triggered."""
        session = self.session
        if not model_can(session.predictor, "evaluate"):
            why = "Load a model that can be evaluated first (File ▸ Load model, or train one)."
        elif session.data is None:
            why = "Load data first (File ▸ Open, or Demo data)."
        elif session.state != "idle" or self.busy:
            why = "Wait for the training (or the evaluation) to end."
        else:
            why = ""
        self.action.setEnabled(not why)
        self.action.setToolTip(why or TIP)

    @Slot()
    def evaluate(self) -> None:
        session = self.session
        self.update_enabled()
        if not self.action.isEnabled():
            self.dialogs.error("Cannot evaluate", self.action.toolTip())
            return
        refused = misfit(session)
        if refused is not None:
            self.dialogs.error("Data of another task", *refused)
            return
        predictor, spec, checkpoint = session.predictor, session.spec, session.checkpoint
        asked = self._asked = (predictor, spec, session.data, object())  # the last item tells two tries apart
        title = f"Cannot evaluate {model_name(session)} on {data_name(session)}"

        def work(_cancel):
            from engine.errors import UserError
            from engine.evaluation import evaluate_with_results

            try:
                return evaluate_with_results(predictor, spec, checkpoint)
            except UserError as error:  # shown in the GUI thread, unless this try was dropped meanwhile
                return error

        self._busy_text(f"Evaluating {model_name(session)} on {data_name(session)}…")
        self.jobs.start(work, lambda result: self._on_result(asked, title, result), title)
        self.update_enabled()

    @Slot()
    def cancel(self) -> None:
        """Drop the evaluation's result (the window goes on at once)."""
        if self.busy:
            self._asked = None
            self._idle("Evaluation cancelled.")

    @Slot()
    def _on_status_action(self) -> None:
        if self.busy:  # the status line's button is the evaluation's Cancel while it runs
            self.cancel()

    def _busy_text(self, text: str) -> None:
        self.status.set_state("evaluating")
        self.status.set_text(text)
        self.status.set_progress(None)  # busy: the evaluation reports no count
        self.status.offer("Cancel", "Cancel the evaluation (its result is dropped)")

    def _idle(self, text: str) -> None:
        self.status.offer("")
        if self.session.state == "idle":
            self.status.set_state("idle")
            self.status.set_progress(0.0)
            self.status.set_text(text)
        self.update_enabled()

    def _on_result(self, asked, title: str, result) -> None:
        if asked is not self._asked:
            return  # cancelled, or a training run took its place
        self._asked = None
        s = self.session
        if asked[:3] != (s.predictor, s.spec, s.data) or s.state != "idle":
            self._idle("Evaluation dropped: the model or the data changed meanwhile.")
            return
        if isinstance(result, UserError):
            self._idle("Evaluation failed.")
            self.dialogs.error(title, result.message, result.hint)
            return
        self.show_evaluation(result)

    def show_evaluation(self, result) -> None:
        """A run of its own for the evaluation: its pictures on the task's Results page, its line below."""
        run = self.runs.begin(self.session.predictor.payload["config"], origin="evaluated",
                              checkpoint=self.session.checkpoint)
        for snapshot in result.snapshots:
            run.keep(snapshot)
            self.router.deliver(snapshot)
        self.router.flush()
        self._idle(f"{run.label} on {result.data}: {result.line()}")
        self.status.set_state("evaluated")
        self.status.set_progress(1.0)
        self.show_results(result.task)
        self.evaluated.emit(result)

    def _report_failure(self, title: str, message: str, hint: str) -> None:
        """An unexpected failure (not a UserError) of an evaluation still wanted."""
        if self.busy:
            self._asked = None
            self._idle("Evaluation failed.")
            self.dialogs.error(title, message, hint)

    @Slot(object)
    def _on_run_started(self, _event) -> None:
        if self.busy:
            self._asked = None
            self.status.offer("")
            self.dialogs.status("Evaluation dropped: a training run started.", 10000)
