"""Sweeps from the command line (issue 15): `sweep` with 6 trials and 2 worker processes on the demo digits
finishes, every trial is a run that `runs list` lists and the JSON summary names the best; a second process
that joins the study through the same storage takes some of its trials."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ["--data", "demo", "--hidden", "8", "--layers", "1", "--epochs", "1", "--no-augment", "--no-bidirectional"]

pytest.importorskip("optuna")


def main_py(*args, timeout=240):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_six_trials_on_two_workers_are_runs_of_the_library(tmp_path):
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"cell": ["rnn", "gru"], "lr": {"low": 1e-3, "high": 1e-2, "log": True}}))
    done = main_py("sweep", *BASE, "--space", str(space), "--trials", "6", "--jobs", "2", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.splitlines()[-1])
    trials = summary["trials"]
    assert summary["finished"] == len(trials) and 6 <= len(trials) <= 7  # two workers may both start the 6th
    assert len({t["worker"] for t in trials}) == 2
    best = max(trials, key=lambda t: t["value"])
    assert summary["best"]["number"] == best["number"] and summary["best"]["run"] == best["run"]
    assert set(summary["best"]["params"]) == {"cell", "lr"}
    folder = Path(summary["sweep"])
    assert folder.parent == Path(os.environ["RNN_VISION_LAB_RUNS"])  # the sweep lives in the run library
    listed = main_py("runs", "list", "--json")
    runs = {json.loads(line)["path"]: json.loads(line) for line in listed.stdout.splitlines()}
    for trial in trials:
        assert runs[trial["run"]]["status"] == "finished"
        assert json.loads((Path(trial["run"]) / "config.json").read_text())["cell"] == trial["params"]["cell"]


def test_a_worker_joined_through_the_storage_shares_the_trials(tmp_path):
    folder = tmp_path / "sweep"
    first = subprocess.Popen([sys.executable, "main.py", "sweep", *BASE, "--epochs", "2", "--space",
                              '{"hidden": [4, 6, 8, 10, 12, 14]}', "--sampler", "tpe", "--trials", "6",
                              "--out", str(folder), "--json"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "trial-0000").is_dir() and time.monotonic() < deadline:
            time.sleep(0.2)
        storage = f"sqlite:///{folder / 'study.db'}"
        joined = main_py("sweep", "--join", storage, "--json")
        out, err = first.communicate(timeout=240)
    finally:
        first.kill()
    assert first.returncode == 0, err[-3000:]
    assert joined.returncode == 0, joined.stderr[-3000:]
    mine = json.loads(out.splitlines()[-1])
    theirs = json.loads(joined.stdout.splitlines()[-1])
    assert theirs["study"] == mine["study"] == "sweep"
    workers = {t["worker"] for t in mine["trials"]}
    assert len(workers) == 2 and 6 <= len(mine["trials"]) <= 7
    assert all(Path(t["run"]).parent == folder for t in mine["trials"])


def test_a_bad_space_is_refused_before_anything_runs(tmp_path):
    done = main_py("sweep", *BASE, "--space", '{"colour": ["red"]}', "--out", str(tmp_path / "s"))
    assert done.returncode == 2 and "'colour' cannot vary in a sweep" in done.stderr
    assert not (tmp_path / "s").exists()
    done = main_py("sweep", *BASE, "--space", '{"lr": {"low": 0.1, "high": 0.01}}', "--sampler", "grid")
    assert done.returncode == 2 and "needs low < high" in done.stderr
