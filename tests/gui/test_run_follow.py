"""Watching a run another process writes, and resuming runs in the window (issue 14, parts 2 and 5): a folder
being written by `python main.py train` shows running elsewhere with its epochs growing, then finished, and ends
as the run read whole from its folder; a SIGKILLed writer leaves it interrupted and the window resumes it; a run
stopped in the window resumes with its curves going on, and a finished one is extended."""
from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest

from engine.events import Metrics
from engine.runs import folder as runs
from gui.run_reader import read_run
from library_helpers import cli_train, open_run, val_epochs
from window_helpers import load_data

TIMEOUT_MS = 120_000


def wait_for_record(qtbot, folder: Path, condition, timeout: int = TIMEOUT_MS) -> dict:
    found = {}

    def check():
        record = runs.read_record(folder)
        found["record"] = record
        return record is not None and condition(record)

    qtbot.waitUntil(check, timeout=timeout)
    return found["record"]


def steps_only_grow(run) -> bool:
    for split in ("train", "val"):
        steps = [p[2] for p in run.curve_points if p[1] == split and p[0] == "loss"]
        if steps != sorted(set(steps)):
            return False
    return True


def test_a_run_written_by_another_process_is_followed_until_it_finishes(window, qtbot, tmp_path):
    folder = tmp_path / "elsewhere"
    writer = cli_train(folder, epochs=8)
    try:
        wait_for_record(qtbot, folder, lambda r: r["status"] == "running" and r["epochs_done"] >= 1)
        run = open_run(window, qtbot, folder)
        line = window.status_line.text()
        assert line.startswith(f"running elsewhere (pid {writer.pid} on {socket.gethostname()})"), line
        assert window.status_line.word() == "training"
        seen = [len(val_epochs(run))]
        qtbot.waitUntil(lambda: seen.append(len(val_epochs(run))) or run.finished is not None, timeout=TIMEOUT_MS)
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    assert seen[0] < 8 and seen[-1] == 8 and seen == sorted(seen)  # its epochs grew while it was watched
    assert run.finished.reason == "done" and window.status_line.word() == "finished"
    qtbot.waitUntil(lambda: str(folder) not in window.library.reader.followed, timeout=10_000)
    assert run not in window.runs.fed
    whole = read_run(str(folder)).run  # what opening it now would show
    assert whole.curve_points == run.curve_points and [e.kind for e in whole.results] == [e.kind for e in run.results]
    assert steps_only_grow(run)


def test_a_killed_writer_leaves_an_interrupted_run_that_the_window_resumes(window, qtbot, tmp_path):
    folder = tmp_path / "killed"
    writer = cli_train(folder, epochs=40)
    try:
        wait_for_record(qtbot, folder, lambda r: r["epochs_done"] >= 1 and (folder / runs.LAST).is_file())
        run = open_run(window, qtbot, folder)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    qtbot.waitUntil(lambda: window.status_line.word() == "interrupted", timeout=30_000)
    assert "ended without finishing" in window.status_line.text() and run.finished is None
    done = runs.read_record(folder)["epochs_done"]
    assert 1 <= done < 40
    with qtbot.waitSignal(window.session.runFinished, timeout=TIMEOUT_MS):
        assert window.library.resume(str(folder), epochs=done + 1)
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=10_000)
    assert window.runs.current is run and run.finished.reason == "done"  # the same run went on
    record = runs.read_record(folder)
    assert record["status"] == "finished" and record["resumes"] == 1 and record["epochs_done"] == done + 1
    assert val_epochs(run) == list(range(1, done + 2)) and steps_only_grow(run)
    assert read_run(str(folder)).run.curve_points == run.curve_points


def test_a_stopped_run_resumes_in_the_window_and_a_finished_one_is_extended(window, qtbot):
    load_data(window, qtbot, "demo", "classify")
    panel = window.model_panel
    panel.set_config({**panel.config(), "hidden": 8, "epochs": 3, "batch": 64, "threads": 1, "augment": False,
                      "layers": 1, "bidirectional": False, "cell": "gru"})

    def stop_after_the_first_epoch(event):
        if isinstance(event, Metrics) and event.split == "val" and event.epoch == 1:
            window.session.stop()

    window.session.metrics.connect(stop_after_the_first_epoch)
    with qtbot.waitSignal(window.session.runFinished, timeout=TIMEOUT_MS) as ended:
        window.actions_by_name["train"].trigger()
    window.session.metrics.disconnect(stop_after_the_first_epoch)
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=10_000)
    assert ended.args[0].reason == "stopped"
    run = window.runs.current
    folder = run.folder
    assert runs.read_record(Path(folder))["status"] == "stopped" and val_epochs(run) == [1]

    with qtbot.waitSignal(window.session.runFinished, timeout=TIMEOUT_MS) as ended:
        assert window.library.resume(folder)
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=10_000)
    assert ended.args[0].reason == "done" and window.runs.current is run and len(window.runs.runs) == 1
    assert val_epochs(run) == [1, 2, 3] and steps_only_grow(run)
    assert sum(p[:2] == ("loss", "test") for p in run.curve_points) == 1  # the stopped run's test point made way

    with qtbot.waitSignal(window.session.runFinished, timeout=TIMEOUT_MS):
        assert window.library.resume(folder, epochs=4)
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=10_000)
    assert val_epochs(run) == [1, 2, 3, 4] and runs.read_record(Path(folder))["resumes"] == 2
    assert read_run(folder).run.curve_points == run.curve_points  # reopened later: the same curves


@pytest.mark.parametrize("case", ["finished", "running", "elsewhere data", "training"])
def test_resume_is_refused_with_a_message(window, qtbot, tmp_path, monkeypatch, case):
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda title, message, hint="": errors.append((title, message)))
    folder = tmp_path / "run"
    folder.mkdir()
    config = {"task": "classify", "cell": "gru", "epochs": 2, "data": "demo", "out": str(folder)}
    record = runs.new_record(config, planned=2)
    record.update(status="stopped", epochs_done=1)
    if case == "finished":
        record.update(status="finished", epochs_done=2)
    elif case == "running":
        record.update(status="running")  # this process, alive
    elif case == "elsewhere data":
        config["data"] = "usps:/nowhere/on/this/machine/usps"
    (folder / runs.LAST).write_bytes(b"resume point")
    runs.write_json(folder / runs.CONFIG, config)
    runs.write_json(folder / runs.RUN, record)
    if case == "training":
        monkeypatch.setattr(type(window.session), "running", property(lambda _self: True))
    assert not window.library.resume(str(folder))
    (title, message), = errors
    expected = {"finished": "finished all its 2 epochs", "running": "is being trained",
                "elsewhere data": "which is not on this machine", "training": "training already"}[case]
    assert title == "Cannot resume this run" and expected in message
    assert window.session.state == "idle"
