"""Helpers of the run library's window tests: runs compared as the views show them, a run opened from its folder,
a `main.py train` writing a run folder in another process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CLI_TRAIN = ["train", "--data", "demo", "--cell", "gru", "--hidden", "16", "--layers", "1", "--batch", "64",
             "--threads", "1", "--no-bidirectional", "--no-augment"]


def plain(value):
    """Snapshot meta as it reads back from JSON (tuples as lists, numpy numbers as Python's)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def same_arrays(a: dict, b: dict) -> bool:
    if set(a) != set(b):
        return False
    for name in a:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        equal = np.array_equal(x, y, equal_nan=True) if x.dtype.kind in "fc" else np.array_equal(x, y)
        if not equal:
            return False
    return True


def same_snapshot(a, b) -> bool:
    return (a.kind == b.kind and a.epoch == b.epoch and a.global_step == b.global_step
            and plain(a.meta) == plain(b.meta) and same_arrays(a.arrays, b.arrays))


def differences(shown, opened) -> list[str]:
    """What the run opened from its folder shows otherwise than the run the window showed at its end."""
    found = []
    if shown.curve_points != opened.curve_points:
        found.append(f"curve points: {len(shown.curve_points)} shown, {len(opened.curve_points)} opened")
    if set(shown.live) != set(opened.live) or not all(same_snapshot(shown.live[k], opened.live[k])
                                                      for k in shown.live):
        found.append(f"live probes: {sorted(shown.live)} vs {sorted(opened.live)}")
    if len(shown.results) != len(opened.results) or not all(
            same_snapshot(a, b) for a, b in zip(shown.results, opened.results)):
        found.append(f"results: {[e.kind for e in shown.results]} vs {[e.kind for e in opened.results]}")
    if (shown.grad_norms is None) != (opened.grad_norms is None) or (
            shown.grad_norms is not None and not same_snapshot(shown.grad_norms, opened.grad_norms)):
        found.append("gradient curve")
    if shown.finished.metrics != opened.finished.metrics or shown.finished.reason != opened.finished.reason:
        found.append("final metrics")
    return found


def open_run(window, qtbot, folder, timeout: int = 30_000):
    """Open `folder` in the window's Runs browser and wait until the views show it; the Run shown."""
    before = window.runs.current
    window.library.open(str(folder))
    qtbot.waitUntil(lambda: window.runs.current is not None and window.runs.current is not before
                    and window.runs.current.folder == str(folder), timeout=timeout)
    return window.runs.current


def cli_train(folder: Path, epochs: int) -> subprocess.Popen:
    """`python main.py train` writing `folder`, in a process of its own."""
    return subprocess.Popen([sys.executable, "main.py", *CLI_TRAIN, "--epochs", str(epochs), "--out", str(folder)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def val_epochs(run) -> list:
    return [p[3] for p in run.curve_points if p[1] == "val" and p[0] == "loss"]
