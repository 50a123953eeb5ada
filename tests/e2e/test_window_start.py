"""The program started as a user starts it: `python main.py` opens, paints and loads the demo, then
quits cleanly; `python main.py train --help` needs neither a display nor PySide6.

The window runs on the offscreen platform and closes itself through the switches documented in
gui/app.py (RNN_LAB_TIMING, RNN_LAB_QUIT_WHEN_LOADED); XDG_CONFIG_HOME points at a temporary folder
so the user's settings are never touched.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120


def start_window(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RNN_LAB_TIMING": "1",
                   "RNN_LAB_QUIT_WHEN_LOADED": "1", "XDG_CONFIG_HOME": str(tmp_path / "config"), **env}
    return subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=TIMEOUT_S)


def test_window_paints_loads_the_demo_and_quits_cleanly(tmp_path):
    process = start_window(tmp_path)
    err = process.stderr
    assert process.returncode == 0, err[-3000:]
    for bad in ("Traceback", "QThread: Destroyed", "Fatal Python error", "Internal C++ object"):
        assert bad not in err, err[-3000:]
    painted = re.search(r"first paint after (\d+\.\d+) s", err)
    loaded = re.search(r"data loaded after (\d+\.\d+) s: demo", err)
    assert painted, f"the window never reported its first paint:\n{err[-3000:]}"
    assert loaded, f"the demo data never loaded:\n{err[-3000:]}"
    # the window shows before the data arrives: loading never blocks the first paint
    assert float(painted.group(1)) <= float(loaded.group(1))
    print(f"window shown in {float(painted.group(1)):.2f} s, demo loaded in {float(loaded.group(1)):.2f} s")
    assert (tmp_path / "config").exists()  # settings went to the throwaway folder


def test_window_with_data_that_cannot_load_still_quits_cleanly(tmp_path):
    process = start_window(tmp_path, RNN_LAB_DATA=f"folder:{tmp_path / 'nowhere'}")
    assert process.returncode == 0, process.stderr[-3000:]
    assert "Traceback" not in process.stderr, process.stderr[-3000:]
    assert "first paint after" in process.stderr
    assert "data loaded after" not in process.stderr


def test_train_help_needs_no_display_and_no_pyside6(tmp_path):
    """PySide6 and pyqtgraph are shadowed by packages that fail on import: the headless path must not notice."""
    for name in ("PySide6", "pyqtgraph"):
        package = tmp_path / "blocked" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"raise ImportError('{name} must not be imported by the command line')\n")
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment["PYTHONPATH"] = str(tmp_path / "blocked")
    process = subprocess.run([sys.executable, "main.py", "train", "--help"], cwd=ROOT, env=environment,
                             capture_output=True, text=True, timeout=TIMEOUT_S)
    assert process.returncode == 0, process.stderr[-3000:]
    assert process.stdout.startswith("usage: main.py train")
    for flag in ("--cell", "--hidden", "--epochs", "--data", "--config"):
        assert flag in process.stdout, flag
    assert "must not be imported" not in process.stderr


def test_the_blocker_really_blocks(tmp_path):
    """Guards the test above: with such a PYTHONPATH, importing PySide6 fails."""
    package = tmp_path / "blocked" / "PySide6"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('blocked')\n")
    process = subprocess.run([sys.executable, "-c", "import PySide6"], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(tmp_path / "blocked")},
                             capture_output=True, text=True, timeout=TIMEOUT_S)
    assert process.returncode != 0 and "blocked" in process.stderr
