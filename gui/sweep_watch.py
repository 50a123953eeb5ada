"""A sweep started from the window: `main.py sweep` as a process of its own (its workers are processes too, so
training never runs in the window's process), waited for on a worker thread, and its study read every
POLL_MS, off the GUI thread, for the live trials table and plots."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gui.jobs import Jobs

POLL_MS = 1500


def run_process(argv: list[str], env: dict, log: Path, cancel) -> int:
    """Run the sweep's process, its output into `log`; on cancel its whole process group (the workers and their
    trials) is stopped. The exit status."""
    with open(log, "a", encoding="utf-8") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=os.name == "posix")
        while process.poll() is None:
            if cancel.is_set():
                _stop(process)
                return -1
            time.sleep(0.2)
    return process.returncode


def _stop(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()


def read_summary(storage: str, name: str):
    """The study's summary (engine.sweep.summary), or None while it does not exist yet."""
    from engine.sweep import open_study, summary

    try:
        return summary(open_study(storage, name))
    except Exception:  # not made yet, or another process holds the database a moment: the next poll reads it
        return None


def last_lines(log: Path, count: int = 3) -> str:
    try:
        lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    errors = [line for line in lines if line.startswith(("error:", "hint:"))]
    return "\n".join(errors[-2:] or lines[-count:])


class SweepRun(QObject):
    """One sweep at a time: start(...) launches it, stop() ends it; summary(dict) after every read of the study,
    ended(message) when its process is gone."""

    summary = Signal(object)
    ended = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.jobs = Jobs(self, self._failed)
        self.folder: Path | None = None
        self.storage = self.name = ""
        self._reading = False
        self._running = False
        self._cancel = threading.Event()
        self._asked = self._shown = 0  # reads of the study started, and the newest one shown
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._running

    def start(self, base: dict, space: dict, trials: int, workers: int, sampler: str, prune: bool) -> Path:
        """Start the sweep in a new folder of the run library; returns the folder."""
        from engine.runs.folder import new_run_dir, runs_home
        from engine.sweep import cli_command, default_storage

        folder = new_run_dir(runs_home(), "sweep", base.get("task", "run"))
        handle, base_file = tempfile.mkstemp(prefix="sweep-base-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({k: v for k, v in base.items() if k != "out"}, file)
        argv, env = cli_command("sweep", "--config", base_file, "--space", json.dumps(space), "--trials", trials,
                                "--jobs", workers, "--sampler", sampler, *(["--prune"] if prune else []),
                                "--out", folder)
        self.folder, self.storage, self.name = folder, default_storage(folder), folder.name
        log = Path(tempfile.gettempdir()) / f"{folder.name}.log"
        self.log = log
        self._running = True
        self._cancel = cancel = threading.Event()

        def work(_):
            try:
                return run_process(argv, env, log, cancel)
            finally:
                Path(base_file).unlink(missing_ok=True)

        self.jobs.start(work, self._process_ended, "Sweep")
        self._timer.start()
        return folder

    def stop(self) -> None:
        self._cancel.set()

    def shutdown(self) -> None:
        self._timer.stop()
        self.stop()
        self.jobs.shutdown(15000)

    @Slot()
    def _poll(self) -> None:
        if self._reading or not self.storage:
            return
        self._reading = True
        self._read_study(after=self._read_done)

    def _read_done(self) -> None:
        self._reading = False

    def _read_study(self, after=None) -> None:
        """Read the study off the GUI thread; a read that ends after a later one is dropped (the last read,
        after the sweep ended, must not be overwritten by a poll that started before)."""
        self._asked += 1
        number, storage, name = self._asked, self.storage, self.name
        self.jobs.start(lambda cancel: read_summary(storage, name), lambda result: self._read(number, result),
                        "Sweep", after=after)

    def _read(self, number: int, result) -> None:
        if result is not None and number > self._shown:
            self._shown = number
            self.summary.emit(result)

    def _process_ended(self, code: int) -> None:
        self._running = False
        self._timer.stop()
        if self.storage:
            self._read_study()
        if code == -1:
            self.ended.emit("Stopped: the trials running were ended (their run folders read as interrupted).")
        elif code:
            self.ended.emit(f"The sweep ended with an error:\n{last_lines(self.log)}")
        else:
            self.ended.emit(f"Finished. Its trials are runs in {self.folder}.")

    def _failed(self, title: str, message: str, hint: str) -> None:
        self._running = False
        self._timer.stop()
        self.ended.emit(f"{message} {hint}".strip())
