"""Runs read back from their folders in the run library: a Run rebuilt from its events.jsonl by the Run's own
event methods (gui/run.py: start, add_metrics, keep), the same ones the session's training feeds through the
presenter, so an opened run's curves, Inside, Results and trajectories are those the window showed when it ended.

A folder still being written (a `train` on the command line, a folder synced from another machine) is followed:
every FOLLOW_MS its new whole lines are read from the last offset, off the GUI thread, and go to its Run through
the presenter (the views repaint when it is the run shown); the status line says "running elsewhere (pid N on
HOST)". When its writer finishes it is a finished run like any other; a writer that died leaves it interrupted.
Opening the run this window trains just shows that run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Slot

from engine import events as ev
from engine.runs import catalog, replay
from engine.runs import folder as runs
from gui.jobs import Jobs
from gui.run import Run
from gui.run_status import progress_line

FOLLOW_MS = 1000


@dataclass
class Followed:
    """A run read from its folder, and how far: the offset of the next line, its newest Progress, a failure."""
    run: Run
    folder: str
    record: dict
    offset: int = 0
    progress: object = None
    failure: tuple = ()  # (message, hint) of its Failed event
    ended: bool = False  # a Finished event was read in the last reading
    restarted: bool = False  # a Started event of a resume was read in the last reading


class Quiet:
    """Events into a Run only, no views (a run read off the GUI thread); the presenter does the same and paints."""

    def add_metrics(self, run, event) -> None:
        run.add_metrics(event)

    def add_snapshot(self, run, event) -> None:
        run.keep(event)

    def end(self, run, event) -> None:
        run.finished = event


def apply(followed: Followed, events: list, sink) -> None:
    """Engine events read from the folder into the followed run, through `sink` (Quiet, or the presenter)."""
    run = followed.run
    followed.ended = followed.restarted = False
    for event in events:
        if isinstance(event, ev.Started):
            run.start(event)
            followed.restarted |= run.resumed
            followed.failure = ()
        elif isinstance(event, ev.Metrics):
            sink.add_metrics(run, event)
        elif isinstance(event, ev.Snapshot):
            sink.add_snapshot(run, event)
        elif isinstance(event, ev.Progress):
            followed.progress = event
        elif run.finished is not None and isinstance(event, (ev.Failed, ev.Finished)):
            continue  # a resume that failed before it started: the run is as it ended before
        elif isinstance(event, ev.Failed):
            followed.failure = (event.message, event.hint)
        elif isinstance(event, ev.Finished):
            followed.progress, followed.ended = None, True
            sink.end(run, event)


def read_run(folder: str) -> Followed:
    """The run of `folder` rebuilt from its events (off the GUI thread: snapshots' arrays are read)."""
    record = runs.read_record(Path(folder)) or {}
    config = catalog.read_config(Path(folder)) or {"task": record.get("task", ""), "cell": record.get("cell", "")}
    followed = Followed(Run(0, config, folder=folder), folder, record)
    reading = replay.read_events(Path(folder))
    apply(followed, reading.events, Quiet())
    followed.offset = reading.offset
    from engine.tasks import registry  # torch-free

    if followed.run.task not in registry.names():
        from engine.errors import UserError

        raise UserError(f"{folder} holds no run of a task this version knows "
                        f"({followed.run.task or 'it failed before it started'}).",
                        "Open it with the version that wrote it, or delete it.")
    return followed


def read_more(targets: list[tuple[str, int]]) -> list[tuple[str, object, dict]]:
    """For each (folder, offset): the lines written since, and run.json as it reads now (off the GUI thread)."""
    return [(folder, replay.read_events(Path(folder), offset), runs.read_record(Path(folder)) or {})
            for folder, offset in targets]


def writer(record: dict) -> str:
    return f"pid {record.get('pid', '?')} on {record.get('host') or 'another machine'}"


class RunReader(QObject):
    """Opens run folders as the run the views show, and follows those still being written."""

    def __init__(self, session, runs_book, presenter, dialogs, show_task, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.presenter = session, runs_book, presenter
        self.dialogs, self.show_task = dialogs, show_task  # show_task(task): its Results page and Live mode
        self.jobs = Jobs(self, dialogs.error)
        self.followed: dict[str, Followed] = {}  # folder -> a run being written elsewhere
        self.timer = QTimer(self)
        self.timer.setInterval(FOLLOW_MS)
        self.timer.timeout.connect(self._follow)
        self._reading = False
        self.opened = None  # the Followed of the newest run opened from its folder (tests read it)

    def open(self, folder: str, then=None) -> None:
        """Show the run of `folder`: the book's own when it still has its pictures (the run this window trains),
        else read back from the folder off the GUI thread; then `then(run)`."""
        folder = str(folder)
        mine = self.runs.find(folder)
        if mine is not None and (mine in self.runs.fed or mine.live or mine.results):
            self.runs.show(mine)
            self.show_task(mine.task)
            if then is not None:
                then(mine)
            return
        self.jobs.start(lambda _cancel: read_run(folder), lambda followed: self._opened(followed, then),
                        f"Cannot open the run {Path(folder).name}")

    def _opened(self, followed: Followed, then) -> None:
        run, record = followed.run, followed.record
        self.opened = followed
        self.runs.add(run)
        self.show_task(run.task)
        if record.get("status") == "running":
            self.followed[followed.folder] = followed
            self.runs.fed.append(run)
            self.timer.start()
        model = Path(followed.folder) / runs.BEST
        if model.is_file():  # Live and Evaluate use the run's best model (read off the GUI thread)
            self.session.set_model_from(str(model), from_run=True)
        name = record.get("name") or Path(followed.folder).name
        self.dialogs.status(f"Opened the run {name} ({record.get('status', 'of an older version')})", 8000)
        self._tell(followed)
        if then is not None:
            then(run)

    @Slot()
    def _follow(self) -> None:
        if not self.followed:
            self.timer.stop()
            return
        if self._reading:
            return
        self._reading = True
        targets = [(f.folder, f.offset) for f in self.followed.values()]
        self.jobs.start(lambda _cancel: read_more(targets), self._read, "Cannot follow the run", after=self._done)

    def _done(self) -> None:
        self._reading = False

    def _read(self, readings: list) -> None:
        for folder, reading, record in readings:
            followed = self.followed.get(folder)
            if followed is None:
                continue
            apply(followed, reading.events, self.presenter)
            followed.offset, followed.record = reading.offset, record or followed.record
            run = followed.run
            if followed.restarted and run is self.runs.current:
                self.runs.show(run)  # resumed by its writer: shown again from the resume point
            if followed.ended and (Path(folder) / runs.BEST).is_file():
                self.session.set_model_from(str(Path(folder) / runs.BEST), from_run=True)
            if followed.ended or (followed.record.get("status") != "running" and not reading.events):  # all read
                del self.followed[folder]
                if run in self.runs.fed:
                    self.runs.fed.remove(run)
            self._tell(followed)

    def _tell(self, followed: Followed) -> None:
        """The status line says where the run shown stands, while this window trains nothing."""
        run, record, line = followed.run, followed.record, self.presenter.status.status
        if run is not self.runs.current or self.session.state != "idle":
            return
        if followed.folder in self.followed:
            ours = record.get("pid") == os.getpid()
            where = "being trained by this window's Compare cells" if ours else f"running elsewhere ({writer(record)})"
            p = followed.progress
            line.set_state("training")
            line.set_text(f"{where} · " + (progress_line(p) if p is not None else "waiting for its next progress"))
            if p is not None:
                line.set_progress((p.epoch - 1 + p.step / p.steps_per_epoch) / p.epochs)
        elif run.finished is not None:
            self.presenter.status.finished(run.finished, run)
        else:
            done, planned = int(record.get("epochs_done") or 0), int(record.get("epochs_planned") or 0)
            line.set_state("interrupted")
            line.set_text(f"interrupted after epoch {done} of {planned}: its writer ({writer(record)}) ended "
                          "without finishing · Resume (Runs browser) trains it on")
        if followed.failure:
            self.dialogs.status(f"It failed: {followed.failure[0]}", 0)

    def forget(self, folder: str) -> None:
        """Stop following `folder` (it was deleted)."""
        followed = self.followed.pop(str(folder), None)
        if followed is not None and followed.run in self.runs.fed:
            self.runs.fed.remove(followed.run)

    def shutdown(self, timeout_ms: int = 0) -> bool:
        self.timer.stop()
        return self.jobs.shutdown(timeout_ms)
