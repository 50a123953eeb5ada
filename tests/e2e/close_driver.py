"""Opens the real window (gui.app.main, as `python main.py` does) again and again, closes it in one phase of
its work, and checks that every close ended cleanly. Used by tests/e2e/test_window_close_loop.py.

    python tests/e2e/close_driver.py PHASE TRIES SMALL_FOLDER BIG_FOLDER

PHASE: load (a slow folder load), prepare (the run's data preparation), train (the training loop), validate,
test (the final test evaluation), paused (a paused run). Engine steps are slowed down here (a sleep that
cannot be interrupted, as a long numpy or torch call cannot) so that each phase lasts long enough to close in
it. The tries alternate the close's brief wait (none: the window must hide and wait for the threads in the
background; long: it waits in place) and close a second time (Ctrl+Q) while waiting.

After each try: the run folder is gone and no worker thread runs. After all of them (and a pause in which a
thread left behind would write its checkpoint): still no run folder. Prints one JSON line: tries, deferred
(the tries whose threads outlived the brief wait). Exit code 0 when every check held.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PHASES = ("load", "prepare", "train", "validate", "test", "paused")
SLOW_S = 0.25  # how long a slowed-down engine step takes
WAITS_MS = (0, 20, 2000)  # the close's brief wait, by try


class Hooks:
    """The slowed-down engine steps; `reached` is set (in the worker thread) when the phase has begun."""

    def __init__(self, phase: str):
        self.phase = phase
        self.reached = threading.Event()
        self.evaluations = 0
        self.files_read = 0

    def install(self) -> None:
        import engine.data.folder as folder
        from engine.tasks.classify.task import TASK

        read, prepare, evaluate = folder.read_image, TASK.prepare, TASK.evaluate

        def slow_read(*args, **kwargs):
            if self.phase == "load":
                self.files_read += 1
                if self.files_read >= 3:
                    self.reached.set()
                time.sleep(0.01)
            return read(*args, **kwargs)

        def slow_prepare(*args, **kwargs):
            if self.phase == "prepare":
                self.reached.set()
                time.sleep(SLOW_S)
            return prepare(*args, **kwargs)

        def slow_evaluate(*args, **kwargs):
            self.evaluations += 1
            if (self.phase, self.evaluations) in (("validate", 1), ("test", 2)):
                self.reached.set()
                time.sleep(SLOW_S)
            return evaluate(*args, **kwargs)

        folder.read_image, TASK.prepare, TASK.evaluate = slow_read, slow_prepare, slow_evaluate

    def reset(self) -> None:
        self.reached.clear()
        self.evaluations = self.files_read = 0


def files_in(folder) -> dict:
    """Every file under `folder` with its size and modification time."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()} \
        if folder.exists() else {}


def drive(window, hooks: Hooks, attempt: int, report: dict) -> None:
    """Connect the window so that it is closed once `hooks.phase` has been reached."""
    from PySide6.QtCore import QTimer

    import gui.closing

    gui.closing.CLOSE_WAIT_MS = WAITS_MS[attempt % len(WAITS_MS)]
    phase, s = hooks.phase, window.session

    def close() -> None:
        window.close()
        report["deferred"] += not window.closer.done
        if attempt % 2:  # the user closes again, with Ctrl+Q, while the threads end
            window.actions_by_name["quit"].trigger()
            QTimer.singleShot(5, window.close)

    def train(_spec, _data) -> None:
        panel = window.model_panel
        panel.hidden.setValue(4)
        panel.epochs.setValue(1 if phase == "test" else 500)
        panel.threads.setValue(1)
        panel.augment.setChecked(False)
        window.actions_by_name["train"].trigger()

    def on_metrics(event) -> None:
        if phase in ("train", "paused") and event.split == "train" and not window.closer.started:
            if phase == "paused":
                s.pause()
            QTimer.singleShot(10, close)

    def poll() -> None:
        if hooks.reached.is_set() and not window.closer.started:
            close()

    if phase != "load":
        s.dataLoaded.connect(train)
    s.metrics.connect(on_metrics)
    s.dataFailed.connect(lambda message, hint: report["errors"].append(message))
    s.runFailed.connect(lambda message, hint: report["errors"].append(message))
    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(5)


def main() -> int:
    phase, tries, small, big = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    if phase not in PHASES:
        print(f"unknown phase {phase!r}; one of {', '.join(PHASES)}", file=sys.stderr)
        return 2
    os.environ["RNN_LAB_DATA"] = f"folder:{big if phase == 'load' else small}?size=8&test=0.25"
    import gui.app
    import gui.main_window
    from gui.threads import running_anywhere

    hooks = Hooks(phase)
    hooks.install()
    report = {"phase": phase, "tries": 0, "deferred": 0, "errors": [], "problems": []}
    opened, closed = [], []
    original = gui.main_window.MainWindow

    class DrivenWindow(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self.session.runs_dir)
            drive(self, hooks, len(opened) - 1, report)

    gui.main_window.MainWindow = DrivenWindow
    for attempt in range(tries):
        hooks.reset()
        code = gui.app.main([])
        if code != 0:
            report["problems"].append(f"try {attempt}: exit code {code}")
        closed.append(files_in(opened[-1]))  # the run library as the window left it
        if running_anywhere():
            report["problems"].append(f"try {attempt}: threads left running: {running_anywhere()}")
        if not hooks.reached.is_set() and phase not in ("train", "paused"):
            report["problems"].append(f"try {attempt}: closed before the {phase} phase began")
        report["tries"] += 1
        gc.collect()  # the window and everything in it is deleted now: a running QThread would abort here
    time.sleep(2 * SLOW_S)  # a training left behind would now write its checkpoint
    # the runs stay in the library; nothing may be written into it once a window has closed
    final = files_in(opened[-1]) if opened else {}
    changed = {path for before in closed for path, when in before.items() if final.get(path) != when}
    changed |= set(final) - set(closed[-1] if closed else {})
    report["problems"] += [f"{path} written after the window closed" for path in sorted(changed)]
    print(json.dumps(report), flush=True)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
